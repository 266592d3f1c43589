"""Weekly consultations for influenza-like illness per kommune and age band"""

from data.migrations._ops import create, drop, table

revision: str = "0010_ili_consultation"
down_revision: str | None = "0009_sessions_audit_reader"

ILI = table(
    "ili_consultation",
    "id:bigserial structure:small kommunenummer:s4 week:date age_band:s8 consultations:int",
    indexes=["kommunenummer week"],
)


def upgrade() -> None:
    create(ILI)


def downgrade() -> None:
    drop(ILI)
