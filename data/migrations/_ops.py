"""The migrations' own small helpers: a table written as data, created and dropped in one way.

FROZEN: every migration's result depends on this module, so nothing an existing migration uses
may change its meaning (tests/test_migrations.py compares the built schema with the models).
Add a new column type or option instead of changing one. Migrations import this module and
alembic; never the app's code.

A column is ``"name:type"`` (``?`` after the type: NULL allowed), several in one string apart by
white space. Types: ``s<N>`` String(N), ``int``, ``small``, ``big``, ``float``, ``bool``, ``date``,
``datetime``, ``text``, ``json``, ``bytes``, ``serial`` (the autoincrementing Integer id) and
``bigserial`` (the BigInteger id of the event tables, an Integer on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic import op

_TYPES: dict[str, Callable[[], sa.types.TypeEngine]] = {
    "int": sa.Integer,
    "small": sa.SmallInteger,
    "big": sa.BigInteger,
    "float": sa.Float,
    "bool": sa.Boolean,
    "date": sa.Date,
    "datetime": sa.DateTime,
    "text": sa.Text,
    "json": sa.JSON,
    "bytes": sa.LargeBinary,
    "serial": sa.Integer,
    "bigserial": lambda: sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
}


def column(spec: str) -> sa.Column:
    """One column from ``"name:type"`` (``"name:type?"`` when NULL is allowed)."""
    name, kind = spec.split(":")
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if kind.startswith("s") and kind[1:].isdigit():
        return sa.Column(name, sa.String(length=int(kind[1:])), nullable=nullable)
    if kind == "serial":
        return sa.Column(name, sa.Integer(), autoincrement=True, nullable=nullable)
    return sa.Column(name, _TYPES[kind](), nullable=nullable)


def columns(*specs: str) -> list[sa.Column]:
    """The columns of one or more white-space separated spec strings, in order."""
    return [column(spec) for text in specs for spec in text.split()]


@dataclass(frozen=True)
class Table:
    """A table as a migration creates it: columns, primary key, foreign keys, indexes.

    ``fks`` maps a column to ``"table.column"``; ``indexes`` lists each index's columns as one
    string (the index is named after the table and its first column, as the models name it);
    ``unique`` lists the unique ones the same way.
    """

    name: str
    columns: tuple[str, ...]
    pk: str = "id"
    fks: dict[str, str] = field(default_factory=dict)
    indexes: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()

    def index_names(self) -> list[str]:
        return [f"ix_{self.name}_{cols.split()[0]}" for cols in (*self.indexes, *self.unique)]


def table(name: str, *cols: str, pk: str = "id", fks: dict[str, str] | None = None,
          indexes: Iterable[str] = (), unique: Iterable[str] = ()) -> Table:  # fmt: skip
    return Table(name, cols, pk, fks or {}, tuple(indexes), tuple(unique))


def create(*tables: Table) -> None:
    """Create the tables in order, each with its indexes."""
    for t in tables:
        fks = [
            sa.ForeignKeyConstraint(
                [col], [target], name=op.f(f"fk_{t.name}_{col}_{target.split('.')[0]}")
            )
            for col, target in t.fks.items()
        ]
        op.create_table(
            t.name,
            *columns(*t.columns),
            *fks,
            sa.PrimaryKeyConstraint(*t.pk.split(), name=op.f(f"pk_{t.name}")),
        )
        specs = [(cols, False) for cols in t.indexes] + [(cols, True) for cols in t.unique]
        for ix_name, (cols, unique) in zip(t.index_names(), specs, strict=True):
            op.create_index(op.f(ix_name), t.name, cols.split(), unique=unique)


def drop(*tables: Table) -> None:
    """Drop the tables in the reverse order, each one's indexes first."""
    for t in reversed(tables):
        for ix_name in reversed(t.index_names()):
            op.drop_index(op.f(ix_name), table_name=t.name)
        op.drop_table(t.name)
