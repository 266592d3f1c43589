"""The subtype of a case (influenza A or B), NULL where the disease has none"""

from alembic import op

from data.migrations._ops import column

revision: str = "0011_case_subtype"
down_revision: str | None = "0010_ili_consultation"


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(column("subtype:s8?"))


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("subtype")
