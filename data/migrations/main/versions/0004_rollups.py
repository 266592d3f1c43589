"""County and national rollups of the daily aggregates

Revision ID: 0004_rollups
Revises: 0003_certificate_series
Create Date: 2026-11-22 17:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_rollups"
down_revision: str | None = "0003_certificate_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS: dict[str, list[sa.Column]] = {
    "agg_cases_rollup": [],
    "agg_tests_rollup": [sa.Column("test_type", sa.String(length=8), nullable=False)],
    "agg_vaccination_rollup": [sa.Column("dose_number", sa.SmallInteger(), nullable=False)],
    "agg_hospital_rollup": [],
}
VALUES: dict[str, list[str]] = {
    "agg_cases_rollup": ["cases_by_testdate", "cases_by_regdate"],
    "agg_tests_rollup": ["tests", "positive", "result_days_sum", "result_days_n"],
    "agg_vaccination_rollup": ["doses"],
    "agg_hospital_rollup": ["admissions", "icu_admissions"],
}


def upgrade() -> None:
    for table, extra in KEYS.items():
        op.create_table(
            table,
            sa.Column("disease", sa.String(length=32), nullable=False),
            sa.Column("area", sa.String(length=4), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("age_band", sa.String(length=8), nullable=False),
            *extra,
            *(sa.Column(v, sa.Integer(), nullable=False) for v in VALUES[table]),
            sa.PrimaryKeyConstraint(
                "disease",
                "area",
                "date",
                "age_band",
                *(c.name for c in extra),
                name=op.f(f"pk_{table}"),
            ),
        )


def downgrade() -> None:
    for table in KEYS:
        op.drop_table(table)
