"""Server-side login sessions (the cookie holds only an id) and the reader's kommune on every
audit row"""

from alembic import op

from data.migrations._ops import column, create, drop, table

revision: str = "0009_sessions_audit_reader"
down_revision: str | None = "0008_published_cells"

SESSIONS = table(
    "user_session",
    "id_hash:s64 user_id:s80? data:json created_at:datetime expires_at:datetime",
    pk="id_hash",
    indexes=["user_id", "expires_at"],
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(column("reader_kommunenummer:s4?"))
    create(SESSIONS)


def downgrade() -> None:
    drop(SESSIONS)
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("reader_kommunenummer")
