"""Key figures per area and day; clusters by last case date, signals by week (the brief's reads)"""

from alembic import op

from data.migrations._ops import create, drop, table

revision: str = "0006_key_figures"
down_revision: str | None = "0005_signals"

COUNTS = """cases_by_testdate cases_by_regdate tests tests_pcr tests_antigen positive positive_pcr
    positive_antigen admissions icu_admissions cases cases_7d cases_prev_7d cases_14d population
    tests_7d positive_7d result_days_sum_7d result_days_n_7d admissions_7d icu_admissions_7d"""
VACCINATED = [f"vaccinated_{g}{d}" for g in ("", "65_") for d in (1, 2, 3)]
KEY_FIGURES = table(
    "agg_key_figures",
    "disease:s32 area:s4 date:date",
    " ".join(f"{c}:int" for c in COUNTS.split()),
    " ".join(f"{c}:int?" for c in VACCINATED),
    "population_alle:int population_65:int",
    pk="disease area date",
    indexes=["disease date"],
)


def upgrade() -> None:
    create(KEY_FIGURES)
    op.create_index(op.f("ix_cluster_disease"), "cluster", ["disease", "last_case_date"])
    op.create_index("ix_signal_week", "signal", ["disease", "week_start", "kommunenummer"])


def downgrade() -> None:
    op.drop_index("ix_signal_week", table_name="signal")
    op.drop_index(op.f("ix_cluster_disease"), table_name="cluster")
    drop(KEY_FIGURES)
