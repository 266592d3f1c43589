"""Imported facts: import runs, reported series, spans and coverage, rejected rows, flags"""

from data.migrations._ops import create, drop, table

revision: str = "0002_imports"
down_revision: str | None = "0001_main"

IMPORT = {"import_id": "import_run.id"}
REPORTED = "id:serial import_id:int source:s40 disease:s32"
SERIES_KEY = "measure:s48 structure:small area_level:s8 area_code:s4 period:s5"

TABLES = (
    table(
        "import_run",
        "id:serial kind:s40 dataset:s80 source:s120 file:s300 checksum:s64 structure:small?",
        "status:s12 started_at:datetime finished_at:datetime? rows_read:int rows_loaded:int",
        "rows_rejected:int rows_skipped:int period_start:date? data_date:date? detail:json",
        indexes=["checksum", "dataset status"],
    ),
    table(
        "quality_flag",
        "id:serial import_id:int? kind:s40 severity:s8 measure:s48? area_code:s4? date:date?",
        "rows_affected:int detail:json",
        fks=IMPORT,
        indexes=["import_id"],
    ),
    table(
        "rejected_row",
        "id:serial import_id:int file:s300 line:int? field:s60? value:s200? reason:s40",
        fks=IMPORT,
        indexes=["import_id"],
    ),
    table(
        "reported_coverage",
        REPORTED,
        "snapshot_date:date structure:small area_level:s8 area_code:s4 age_band:s8 sex:s1",
        "dose_number:small persons:int population:int line:int?",
        fks=IMPORT,
        indexes=["area_level area_code", "import_id"],
    ),
    table(
        "reported_series",
        REPORTED.replace("id:serial", "id:bigserial"),
        SERIES_KEY,
        "date:date age_band:s12 sex:s1 value:float? quality_flag:s24? line:int?",
        fks=IMPORT,
        indexes=["area_level measure"],
    ),
    table(
        "reported_span",
        REPORTED,
        SERIES_KEY,
        "age_band:s12 sex:s1 first_date:date last_date:date cells:int zeros:int",
        fks=IMPORT,
        indexes=["area_level measure area_code", "import_id"],
    ),
)


def upgrade() -> None:
    create(*TABLES)


def downgrade() -> None:
    drop(*TABLES)
