"""Certificate status as stored daily series (agg_certificate_series)

Revision ID: 0003_certificate_series
Revises: 0002_imports
Create Date: 2026-11-22 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_certificate_series"
down_revision: str | None = "0002_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agg_certificate_series",
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("area_level", sa.String(length=8), nullable=False),
        sa.Column("area_code", sa.String(length=4), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("n_days", sa.Integer(), nullable=False),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint(
            "disease",
            "area_level",
            "area_code",
            "series",
            "measure",
            name=op.f("pk_agg_certificate_series"),
        ),
    )


def downgrade() -> None:
    op.drop_table("agg_certificate_series")
