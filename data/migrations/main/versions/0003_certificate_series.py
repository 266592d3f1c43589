"""Certificate status as stored daily series (agg_certificate_series)"""

from data.migrations._ops import create, drop, table

revision: str = "0003_certificate_series"
down_revision: str | None = "0002_imports"

SERIES = table(
    "agg_certificate_series",
    "disease:s32 area_level:s8 area_code:s4 series:s16 measure:s16 first_date:date n_days:int",
    "counts:bytes",
    pk="disease area_level area_code series measure",
)


def upgrade() -> None:
    create(SERIES)


def downgrade() -> None:
    drop(SERIES)
