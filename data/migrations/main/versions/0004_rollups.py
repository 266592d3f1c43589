"""County and national rollups of the daily aggregates"""

from data.migrations._ops import create, drop, table

revision: str = "0004_rollups"
down_revision: str | None = "0003_certificate_series"

# table: (its key columns after the shared key, its counts)
SHAPES = {
    "agg_cases_rollup": ("", "cases_by_testdate cases_by_regdate"),
    "agg_tests_rollup": ("test_type:s8", "tests positive result_days_sum result_days_n"),
    "agg_vaccination_rollup": ("dose_number:small", "doses"),
    "agg_hospital_rollup": ("", "admissions icu_admissions"),
}
TABLES = tuple(
    table(
        name,
        "disease:s32 area:s4 date:date age_band:s8",
        extra,
        " ".join(f"{v}:int" for v in values.split()),
        pk=" ".join(["disease area date age_band", *(c.split(":")[0] for c in extra.split())]),
    )
    for name, (extra, values) in SHAPES.items()
)


def upgrade() -> None:
    create(*TABLES)


def downgrade() -> None:
    for t in TABLES:
        drop(t)
