"""Key figures per area and day; clusters by last case date, signals by week (the brief's reads)

Revision ID: 0006_key_figures
Revises: 0005_signals
Create Date: 2026-11-22 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_key_figures"
down_revision: str | None = "0005_signals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = [
    "cases_by_testdate",
    "cases_by_regdate",
    "tests",
    "tests_pcr",
    "tests_antigen",
    "positive",
    "positive_pcr",
    "positive_antigen",
    "admissions",
    "icu_admissions",
    "cases",
    "cases_7d",
    "cases_prev_7d",
    "cases_14d",
    "population",
    "tests_7d",
    "positive_7d",
    "result_days_sum_7d",
    "result_days_n_7d",
    "admissions_7d",
    "icu_admissions_7d",
]
VACCINATED = [f"vaccinated_{g}{d}" for g in ("", "65_") for d in (1, 2, 3)]


def upgrade() -> None:
    op.create_table(
        "agg_key_figures",
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=4), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in COUNTS),
        *(sa.Column(c, sa.Integer(), nullable=True) for c in VACCINATED),
        sa.Column("population_alle", sa.Integer(), nullable=False),
        sa.Column("population_65", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("disease", "area", "date", name=op.f("pk_agg_key_figures")),
    )
    op.create_index(op.f("ix_agg_key_figures_disease"), "agg_key_figures", ["disease", "date"])
    op.create_index(op.f("ix_cluster_disease"), "cluster", ["disease", "last_case_date"])
    op.create_index("ix_signal_week", "signal", ["disease", "week_start", "kommunenummer"])


def downgrade() -> None:
    op.drop_index("ix_signal_week", table_name="signal")
    op.drop_index(op.f("ix_cluster_disease"), table_name="cluster")
    op.drop_index(op.f("ix_agg_key_figures_disease"), table_name="agg_key_figures")
    op.drop_table("agg_key_figures")
