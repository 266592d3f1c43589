"""Page tables: persons with dose n as stored daily series (agg_vaccination_series) and
arrivals per kommune, day, entry point and country (agg_arrivals_split)"""

from data.migrations._ops import create, drop, table

revision: str = "0007_page_tables"
down_revision: str | None = "0006_key_figures"

TABLES = (
    table(
        "agg_vaccination_series",
        "disease:s32 area:s4 age_band:s8 dose_number:small first_date:date n_days:int",
        "persons:bytes",
        pk="disease area age_band dose_number",
    ),
    table(
        "agg_arrivals_split",
        "disease:s32 kommunenummer:s4 date:date border_point:s40 country_of_departure:s2",
        "arrivals:int",
        pk="disease kommunenummer date border_point country_of_departure",
    ),
)


def upgrade() -> None:
    create(*TABLES)


def downgrade() -> None:
    drop(*TABLES)
