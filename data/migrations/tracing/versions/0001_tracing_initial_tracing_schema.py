"""initial tracing schema"""

from data.migrations._ops import create, drop, table

revision: str = "0001_tracing"
down_revision: str | None = None

TABLES = (
    table(
        "cluster_membership",
        "cluster_id:s24 person_key:big disease:s32 kommunenummer:s4 age_band:s8 test_date:date",
        "role:s12",
        pk="cluster_id person_key",
    ),
    table(
        "transmission_link",
        "cluster_id:s24 source_person_key:big target_person_key:big link_date:date setting:s16",
        "confidence:s12",
        pk="cluster_id source_person_key target_person_key",
        indexes=["cluster_id link_date"],
    ),
)


def upgrade() -> None:
    create(*TABLES)


def downgrade() -> None:
    drop(*TABLES)
