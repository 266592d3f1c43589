"""Arrivals per kommune of stay, day, entry point and country of departure, derived once per
load and stored in ``agg_arrivals_split``.

Why: the Innreise page splits a kommune's arrivals of the last 8 weeks by entry point and by
country of departure. Counted from the ``arrival`` register that is every arrival of those
weeks looked up through the (disease, kommune, date) index (30 000 rows for Oslo, 25 ms on
every first view); stored as counts it is one contiguous range of the primary key (4 000 rows,
4 ms). The counts are exactly the live ``GROUP BY`` (:func:`data.queries.arrivals._kommune_daily`).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select

from data import db, rollups
from data.cache import cached
from data.schema import AggArrivalsSplit, Arrival


def refresh(conn: Connection) -> None:
    """Rebuild the counts from ``arrival`` inside the caller's transaction."""
    a = Arrival
    conn.execute(delete(AggArrivalsSplit))
    q = select(
        a.disease,
        a.kommunenummer,
        a.arrival_date,
        a.border_point,
        a.country_of_departure,
        func.count(),
    ).group_by(a.disease, a.kommunenummer, a.arrival_date, a.border_point, a.country_of_departure)
    names = ["disease", "kommunenummer", "date", "border_point", "country_of_departure", "arrivals"]
    conn.execute(insert(AggArrivalsSplit).from_select(names, q))


def ensure(conn: Connection) -> bool:
    """Build the counts when arrivals exist but no counts do (a store loaded before the table
    existed). True when they were built."""
    if not rollups.derived_missing(conn, select(Arrival.id), AggArrivalsSplit.disease):
        return False
    refresh(conn)
    return True


@cached(process=True)
def built(*, disease: str) -> bool:
    """Whether counts of ``disease`` are stored (else callers count the register live)."""
    t = AggArrivalsSplit
    with db.engine().connect() as conn:
        return (
            conn.execute(select(t.disease).where(t.disease == disease).limit(1)).first() is not None
        )


__all__ = ["built", "ensure", "refresh"]
