"""Page tables: persons with dose n as stored daily series (agg_vaccination_series) and
arrivals per kommune, day, entry point and country (agg_arrivals_split)

Revision ID: 0007_page_tables
Revises: 0006_key_figures
Create Date: 2026-11-22 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_page_tables"
down_revision: str | None = "0006_key_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agg_vaccination_series",
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=4), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("dose_number", sa.SmallInteger(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("n_days", sa.Integer(), nullable=False),
        sa.Column("persons", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint(
            "disease",
            "area",
            "age_band",
            "dose_number",
            name=op.f("pk_agg_vaccination_series"),
        ),
    )
    op.create_table(
        "agg_arrivals_split",
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("border_point", sa.String(length=40), nullable=False),
        sa.Column("country_of_departure", sa.String(length=2), nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "disease",
            "kommunenummer",
            "date",
            "border_point",
            "country_of_departure",
            name=op.f("pk_agg_arrivals_split"),
        ),
    )


def downgrade() -> None:
    op.drop_table("agg_arrivals_split")
    op.drop_table("agg_vaccination_series")
