"""Alembic environment for the main store."""

from data.migrations._env import run
from data.schema import Base

run(Base.metadata)
