"""Published cells: the key figures' counts as a role without small-number access receives
them (cell-key perturbation, see data/disclosure.py), NULL where hidden"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008_published_cells"
down_revision: str | None = "0007_page_tables"

# the published counts (a migration does not import app code: the list is repeated here)
PUBLISHED = """cases tests tests_pcr tests_antigen positive positive_pcr positive_antigen admissions
    icu_admissions cases_7d cases_prev_7d cases_14d tests_7d positive_7d admissions_7d
    icu_admissions_7d"""


def upgrade() -> None:
    with op.batch_alter_table("agg_key_figures") as batch:
        for name in PUBLISHED.split():
            batch.add_column(sa.Column(f"{name}_pub", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agg_key_figures") as batch:
        for name in PUBLISHED.split():
            batch.drop_column(f"{name}_pub")
