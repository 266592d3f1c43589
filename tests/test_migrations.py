"""Migrations build exactly the schema the models describe, for both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from data import db
from data.schema import Base
from data.tracing_schema import TracingBase
from tests.stores import new_stores


@pytest.fixture()
def fresh_stores(tmp_path: Path):
    with db.using(**new_stores(tmp_path)):
        yield tmp_path


@pytest.mark.parametrize(
    ("store", "metadata"), [("main", Base.metadata), ("tracing", TracingBase.metadata)]
)
def test_upgrade_matches_models(fresh_stores: Path, store: str, metadata) -> None:
    db.upgrade(store)
    engine = create_engine(db.url(store))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ for {store}: {diff}"
    assert db.current_revision(store) is not None


def test_tracing_tables_are_not_in_the_dashboard_store(fresh_stores: Path) -> None:
    db.upgrade()
    main_tables = set(inspect(db.engine("main")).get_table_names())
    tracing_tables = set(inspect(db.engine("tracing")).get_table_names())
    assert {"cluster_membership", "transmission_link"} <= tracing_tables
    assert not {"cluster_membership", "transmission_link"} & main_tables
    assert {"case", "cluster", "rule_version", "audit_log"} <= main_tables


def test_no_personal_identifiers_in_any_table() -> None:
    forbidden = ("name", "fnr", "fodselsnummer", "personnummer", "dnummer", "address")
    for metadata in (Base.metadata, TracingBase.metadata):
        for table in metadata.tables.values():
            if table.name in {"kommune", "fylke"}:
                continue  # place names, not people
            for column in table.columns:
                assert not any(word in column.name.lower() for word in forbidden), (
                    f"{table.name}.{column.name} looks like a personal identifier"
                )
