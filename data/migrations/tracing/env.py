"""Alembic environment for the tracing store."""

from data.migrations._env import run
from data.tracing_schema import TracingBase

run(TracingBase.metadata)
