"""Signals (precomputed aberration detection), alert subscriptions and the notification outbox"""

from data.migrations._ops import create, drop, table

revision: str = "0005_signals"
down_revision: str | None = "0004_rollups"

CLUSTER_DAY = table("cluster_day", "cluster_id:s24 day:date cases:int", pk="cluster_id day")
TABLES = (
    table(
        "alert_subscription",
        "id:serial user_id:s80 role:s40 email:s200 kommuner:text small_number_kommuner:text?",
        "small_numbers:bool signals:bool clusters:bool active:bool created_at:datetime",
        "updated_at:datetime",
        indexes=["user_id"],
    ),
    table(
        "signal",
        "disease:s32 series:s16 kommunenummer:s4 week_start:date iso_year:small iso_week:small",
        "observed:int expected:float threshold:float dispersion:float trend:bool alarm:bool",
        "since_week_start:date? method:s40",
        pk="disease series kommunenummer week_start",
        indexes=["disease series week_start alarm"],
    ),
    table(
        "outbox",
        "id:serial subscription_id:int user_id:s80 recipient:s200 event_key:s120 kind:s12",
        "kommunenummer:s4 subject:s200 body:text created_at:datetime file:s300? status:s12",
        "sent_at:datetime? error:s300?",
        fks={"subscription_id": "alert_subscription.id"},
        unique=["subscription_id event_key"],
    ),
)


def upgrade() -> None:
    create(CLUSTER_DAY, *TABLES)


def downgrade() -> None:
    drop(CLUSTER_DAY)
    drop(*TABLES)
