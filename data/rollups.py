"""County and national rollups of the daily kommune aggregates.

A county's or the country's series used to be a ``GROUP BY date`` over every kommune's rows
(for the nation, the whole aggregate table: 2.6 s for vaccination coverage at full scale).
The rollup tables hold those sums, keyed by an area code: ``"F" + fylkesnummer`` for a county
(kommuner of the current structure) and ``"NO"`` for the whole country (every row, whatever
its code). They are rebuilt right after the kommune aggregates, in the same transaction.

Queries do not choose a table themselves: :func:`source` takes the kommune aggregate and the
set of kommuner asked for, and answers with the rollup when that set is exactly a county or
the whole country, and with the kommune table otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, literal, select

from data import db
from data.cache import cached, forget_process_facts
from data.codes import CURRENT_STRUCTURE
from data.schema import (
    AggCasesDaily,
    AggCasesRollup,
    AggHospitalDaily,
    AggHospitalRollup,
    AggTestsDaily,
    AggTestsRollup,
    AggVaccinationDaily,
    AggVaccinationRollup,
    Kommune,
)

NATION = "NO"
COUNTY_PREFIX = "F"
ROLLUPS: dict[Any, Any] = {
    AggCasesDaily: AggCasesRollup,
    AggTestsDaily: AggTestsRollup,
    AggVaccinationDaily: AggVaccinationRollup,
    AggHospitalDaily: AggHospitalRollup,
}


@cached(process=True, copy=False)
def _county_sets() -> dict[frozenset[str], str]:
    """The kommuner of each county (current structure) → its rollup area code; read once per
    data version (an import may change the kommuner), handed out as it is (nobody writes)."""
    with db.engine().connect() as conn:
        rows = conn.execute(
            select(Kommune.fylkesnummer, Kommune.kommunenummer).where(
                Kommune.structure == CURRENT_STRUCTURE
            )
        ).all()
    members: dict[str, set[str]] = {}
    for fylke, code in rows:
        members.setdefault(str(fylke), set()).add(str(code))
    return {frozenset(v): COUNTY_PREFIX + k for k, v in members.items()}


def area_of(members: tuple[str, ...] | list[str] | None) -> str | None:
    """The rollup area of a set of kommuner: ``NO`` for all (None), ``F<nr>`` when the set is
    exactly a county, else None."""
    if members is None:
        return NATION
    return _county_sets().get(frozenset(members))


def source(table: Any, members: tuple[str, ...] | list[str] | None) -> tuple[Any, list[Any]]:
    """The table to read for ``members`` and the conditions that select them.

    The rollup's columns have the same names as the kommune table's (``area`` instead of
    ``kommunenummer``), so a query written against the returned table works on both.
    """
    area = area_of(members)
    rollup = ROLLUPS.get(table)
    if rollup is not None and area is not None:
        return rollup, [rollup.area == area]
    if members is None:
        return table, []
    return table, [table.kommunenummer.in_(list(members))]


def _build(conn: Connection, kommune_table: Any, rollup: Any) -> None:
    src = kommune_table.__table__
    dst = rollup.__table__
    keys = [c.name for c in dst.primary_key.columns if c.name != "area"]
    values = [c.name for c in dst.columns if not c.primary_key]
    names = ["area", *keys, *values]
    sums = [func.sum(src.c[v]) for v in values]
    nation = select(literal(NATION), *(src.c[k] for k in keys), *sums).group_by(
        *(src.c[k] for k in keys)
    )
    conn.execute(insert(dst).from_select(names, nation))
    county = (
        select(
            literal(COUNTY_PREFIX) + Kommune.fylkesnummer,
            *(src.c[k] for k in keys),
            *sums,
        )
        .join(
            Kommune,
            (Kommune.kommunenummer == src.c.kommunenummer)
            & (Kommune.structure == CURRENT_STRUCTURE),
        )
        .group_by(Kommune.fylkesnummer, *(src.c[k] for k in keys))
    )
    conn.execute(insert(dst).from_select(names, county))


def refresh(conn: Connection) -> None:
    """Rebuild every rollup from its kommune aggregate inside the caller's transaction; the
    case rollups of a county or the nation take the official series where one is imported
    (:mod:`data.official_series`)."""
    from data import official_series  # it reads the rollups' area codes from here

    forget_process_facts()  # the kommuner of each county may change with this load
    for kommune_table, rollup in ROLLUPS.items():
        conn.execute(delete(rollup))
        _build(conn, kommune_table, rollup)
    # FHI's own county and national case series where they exist (labelled), else the sums
    official_series.apply(conn)


__all__ = ["NATION", "ROLLUPS", "area_of", "derived_missing", "ensure", "refresh", "source"]


def derived_missing(conn: Connection, source: Any, derived: Any) -> bool:
    """True when the query ``source`` finds a row but the table of the column ``derived``
    has none: a store loaded before that derived table existed (its module's ``ensure``
    builds it then)."""
    if conn.execute(source.limit(1)).first() is None:
        return False
    return conn.execute(select(derived).limit(1)).first() is None


def ensure(conn: Connection) -> bool:
    """Build the rollups when the kommune aggregates have rows but the rollups none (a store
    loaded before the rollups existed). True when they were built."""
    if not derived_missing(conn, select(AggCasesDaily.disease), AggCasesRollup.disease):
        return False
    refresh(conn)
    return True
