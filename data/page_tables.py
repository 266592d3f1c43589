"""Derived tables that make a page's first view one indexed read (see each module): the key
figures per area and day (:mod:`data.key_figures`), the vaccination series
(:mod:`data.vaccination_series`) and the arrival splits (:mod:`data.arrival_splits`). Rebuilt
with the aggregates, in the same transaction."""

from __future__ import annotations

from sqlalchemy import Connection

from data import arrival_splits, key_figures, vaccination_series


def refresh(conn: Connection) -> None:
    """Rebuild every page table (after :func:`data.rollups.refresh`)."""
    key_figures.refresh(conn)
    vaccination_series.refresh(conn)
    arrival_splits.refresh(conn)


def ensure(conn: Connection) -> bool:
    """Build the page tables a store loaded before they existed lacks. True when any was
    built."""
    figured = key_figures.ensure(conn)
    dosed = vaccination_series.ensure(conn) > 0
    split = arrival_splits.ensure(conn)
    return figured or dosed or split


__all__ = ["ensure", "refresh"]
