"""initial main schema"""

from data.migrations._ops import create, drop, table

revision: str = "0001_main"
down_revision: str | None = None

# the key of the daily aggregates and of the event rows, and the counts
AREA_DAY = "disease:s32 kommunenummer:s4 date:date"
EVENT = "id:bigserial disease:s32 structure:small kommunenummer:s4"
AGG_PK = "disease kommunenummer date"

TABLES = (
    table(
        "agg_arrivals_daily",
        AREA_DAY,
        "arrivals:int without_fd_number:int tested:int positive:int",
        "quarantine_required:int follow_up_completed:int",
        pk=AGG_PK,
    ),
    table(
        "agg_cases_daily",
        AREA_DAY,
        "age_band:s8 cases_by_testdate:int cases_by_regdate:int",
        pk=f"{AGG_PK} age_band",
        indexes=["disease date"],
    ),
    table(
        "agg_hospital_daily",
        AREA_DAY,
        "age_band:s8 admissions:int icu_admissions:int",
        pk=f"{AGG_PK} age_band",
    ),
    table(
        "agg_tests_daily",
        AREA_DAY,
        "age_band:s8 test_type:s8 tests:int positive:int result_days_sum:int result_days_n:int",
        pk=f"{AGG_PK} age_band test_type",
        indexes=["disease date"],
    ),
    table(
        "agg_vaccination_daily",
        AREA_DAY,
        "age_band:s8 dose_number:small doses:int",
        pk=f"{AGG_PK} age_band dose_number",
    ),
    table(
        "arrival",
        "id:bigserial disease:s32 structure:small arrival_date:date border_point:s40",
        "border_kommunenummer:s4 country_of_departure:s2 kommunenummer:s4 has_fd_number:bool",
        "certificate_shown:bool tested_at_border:bool test_positive:bool? quarantine_required:bool",
        "follow_up_status:s12 person_key:big",
        indexes=["disease kommunenummer arrival_date"],
    ),
    table(
        "audit_log",
        "id:serial at:datetime user_id:s80 role:s40 action:s80 kommunenummer:s4? detail:json",
    ),
    table(
        "boundary_set",
        "id:serial structure:small source:s200 geojson:text imported_at:datetime",
    ),
    table(
        "case",
        EVENT,
        "residence_kommunenummer:s4? test_date:date? registration_date:date age_band:s8 sex:s1",
        "infection_setting:s16? imported:bool cluster_id:s24? person_key:big",
        indexes=["cluster_id", "disease kommunenummer test_date"],
    ),
    table(
        "cluster",
        "id:s24 disease:s32 structure:small kommunenummer:s4 setting:s16 first_case_date:date",
        "last_case_date:date size:int status:s12 kommuner_involved:s200",
    ),
    table(
        "data_source_status",
        "id:serial source:s80 file:s300? checksum:s64? rows_loaded:int rows_rejected:int",
        "loaded_at:datetime data_date:date? is_demo:bool detail:json",
    ),
    table("dataset_meta", "key:s40 value:s200", pk="key"),
    table("fylke", "structure:small fylkesnummer:s2 name:s80", pk="structure fylkesnummer"),
    table(
        "hospital_admission",
        EVENT,
        "admission_date:date discharge_date:date? age_band:s8 icu:bool person_key:big",
        indexes=["disease kommunenummer admission_date"],
    ),
    table(
        "kommune",
        "structure:small kommunenummer:s4 name:s80 fylkesnummer:s2 valid_from:date valid_to:date?",
        pk="structure kommunenummer",
    ),
    table(
        "kommune_crosswalk",
        "from_structure:small from_kommunenummer:s4 to_structure:small to_kommunenummer:s4",
        "weight:float",
        pk="from_structure from_kommunenummer to_structure to_kommunenummer",
    ),
    table(
        "kommune_neighbour",
        "structure:small kommunenummer:s4 neighbour:s4",
        pk="structure kommunenummer neighbour",
    ),
    table(
        "population",
        "structure:small kommunenummer:s4 year:small age_band:s8 sex:s1 population:int",
        pk="structure kommunenummer year age_band sex",
    ),
    table(
        "rule_version",
        "id:serial disease:s32 rule_key:s40 category:s16 scope_level:s8 scope_code:s4?",
        "parameters:json text_nb:text authority:s80 source_url:s300? valid_from:date",
        "valid_to:date? recorded_at:datetime recorded_by:s80 supersedes_id:int?",
        fks={"supersedes_id": "rule_version.id"},
        indexes=["disease category valid_from"],
    ),
    table(
        "test_event",
        EVENT,
        "sample_date:date result_date:date? age_band:s8 test_type:s8 positive:bool lab:s40?",
        "person_key:big",
        indexes=["disease kommunenummer sample_date"],
    ),
    table(
        "vaccination",
        EVENT,
        "vaccination_date:date age_band:s8 dose_number:small product:s24 person_key:big",
        indexes=["disease kommunenummer vaccination_date"],
    ),
    table(
        "certificate",
        EVENT,
        "person_key:big basis:s12 valid_from:date valid_to:date rule_version_id:int?",
        fks={"rule_version_id": "rule_version.id"},
        indexes=["disease kommunenummer valid_from"],
    ),
)


def upgrade() -> None:
    create(*TABLES)


def downgrade() -> None:
    drop(*TABLES)
