"""Query helpers every query module shares: reading a statement into a frame, and the kommuner
that make up an area. The one place these live; the query modules import them from here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Select, select

from data import db
from data.codes import CURRENT_STRUCTURE
from data.schema import Kommune
from data.scope import Scope, ScopeError

AreaLevel = Literal["kommune", "fylke", "nation"]


def read_frame(query: Select[Any] | Any, columns: Sequence[str]) -> pd.DataFrame:
    """The rows of ``query`` as a frame with ``columns`` (values typed by SQLAlchemy)."""
    with db.engine().connect() as conn:
        # plain tuples: pandas probes Row objects for mapping keys, one exception per row
        rows = [tuple(row) for row in conn.execute(query)]
    return pd.DataFrame(rows, columns=list(columns))


def read_raw_frame(query: Select[Any] | Any, columns: Sequence[str]) -> pd.DataFrame:
    """Like :func:`read_frame`, from the DBAPI's own tuples, without SQLAlchemy's per-value
    type processing (several times faster for tens of thousands of rows). Dates arrive as ISO
    text on SQLite and as dates on PostgreSQL: convert them with :func:`parse_dates`."""
    with db.engine().connect() as conn:
        result = conn.execute(query)
        rows = result.cursor.fetchall() if result.cursor is not None else []
    return pd.DataFrame(rows, columns=list(columns))


def parse_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``columns`` of ``frame`` as datetimes (in place; the frame is returned)."""
    for c in columns:
        frame[c] = pd.to_datetime(frame[c])
    return frame


def area_kommuner(scope: Scope, level: AreaLevel, code: str | None) -> list[str] | None:
    """Kommuner that make up an area (None: the nation). Aggregated areas may be read beyond
    the own kommune; a kommune is restricted to the scope."""
    if level == "nation":
        return None
    if code is None:
        raise ValueError(f"{level} needs a code")
    if level == "kommune":
        return scope.restrict([code])
    with db.engine().connect() as conn:
        codes = (
            conn.execute(
                select(Kommune.kommunenummer).where(
                    Kommune.structure == CURRENT_STRUCTURE, Kommune.fylkesnummer == code
                )
            )
            .scalars()
            .all()
        )
    if not codes:
        raise ScopeError(f"Ukjent fylke {code}")
    return list(codes)
