"""Vintages of a revised publication (ERVISS): the newest is kept, and what it revised is told.

A file whose parser sets ``detail["vintage"]`` (an ISO date) is one vintage of its dataset.
An older vintage never replaces a newer one (the import is reported as ``outdated`` and
changes nothing); a newer one replaces the older and records, as a ``vintage_revised``
quality flag on its run (shown on Datakvalitet), how many values it changed, added and
removed, and the first and last week it changed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data.importers.base import Flag, Parsed, as_date
from data.schema import ImportRun, ReportedSeries, ReportedSpan

KEYS = ["disease", "measure", "area_level", "area_code", "age_band", "sex", "date"]
STEP_DAYS = {"day": 1, "week": 7}


def active_vintage(conn: Connection, dataset: str) -> tuple[int, str] | None:
    """(run id, vintage) of the active import of ``dataset``, when it has a vintage."""
    rows = conn.execute(
        select(ImportRun.id, ImportRun.detail).where(
            ImportRun.dataset == dataset, ImportRun.status == "active"
        )
    ).all()
    for run_id, detail in rows[::-1]:
        found = (detail or {}).get("vintage")
        if found:
            return int(run_id), str(found)
    return None


def _stored(conn: Connection, run_id: int) -> pd.DataFrame:
    """The dense series of one import: stored rows, and a zero for every date inside a span
    without a row (the sparse storage drops zeros)."""
    rs = ReportedSeries
    rows = pd.DataFrame(
        conn.execute(
            select(
                rs.disease, rs.measure, rs.area_level, rs.area_code, rs.age_band, rs.sex,
                rs.date, rs.value,
            ).where(rs.import_id == run_id)
        ).all(),
        columns=[*KEYS, "value"],
    )  # fmt: skip
    sp = ReportedSpan
    spans = pd.DataFrame(
        conn.execute(
            select(
                sp.disease, sp.measure, sp.area_level, sp.area_code, sp.age_band, sp.sex,
                sp.period, sp.first_date, sp.last_date,
            ).where(sp.import_id == run_id)
        ).all(),
        columns=[*KEYS[:-1], "period", "first_date", "last_date"],
    )  # fmt: skip
    rows["date"] = pd.to_datetime(rows["date"])
    if spans.empty:
        return rows
    parts = []
    for span in spans.itertuples(index=False):
        step = STEP_DAYS.get(span.period)
        if step is None:
            continue
        dates = pd.date_range(span.first_date, span.last_date, freq=f"{step}D")
        part = pd.DataFrame({"date": dates})
        for key in KEYS[:-1]:
            part[key] = getattr(span, key)
        parts.append(part)
    if not parts:
        return rows
    grid = pd.concat(parts, ignore_index=True).assign(value=0.0)
    both = pd.concat([rows, grid], ignore_index=True)
    return both.drop_duplicates(KEYS, keep="first").reset_index(drop=True)


def _dense_new(parsed: Parsed) -> pd.DataFrame:
    frame = parsed.facts.get("reported_series")
    if frame is None or frame.empty:
        return pd.DataFrame(columns=[*KEYS, "value"])
    constants = parsed.extra.get("constants", {})
    out = pd.DataFrame(
        {
            key: (
                frame[key].astype(object).to_numpy()
                if key in frame.columns
                else np.full(len(frame), constants.get(key, "T" if key == "sex" else "total"))
            )
            for key in KEYS
        }
    )
    out["date"] = pd.to_datetime(frame["date"].to_numpy())
    out["value"] = frame["value"].to_numpy(dtype="float64")
    return out


def revision(conn: Connection, previous: tuple[int, str], parsed: Parsed) -> Flag:
    """What the vintage in ``parsed`` changes against the active import ``previous``."""
    run_id, old_vintage = previous
    old = _stored(conn, run_id)
    new = _dense_new(parsed)
    for frame in (old, new):
        for key in KEYS[:-1]:
            frame[key] = frame[key].astype(str)
    both = old.merge(new, on=KEYS, how="outer", suffixes=("_old", "_new"), indicator=True)
    in_both = both["_merge"] == "both"
    a, b = both["value_old"].to_numpy(dtype="float64"), both["value_new"].to_numpy("float64")
    differs = in_both.to_numpy() & ~((a == b) | (np.isnan(a) & np.isnan(b)))
    added = (both["_merge"] == "right_only") & both["value_new"].notna()
    removed = (both["_merge"] == "left_only") & both["value_old"].notna()
    changed_dates = both.loc[differs, "date"]
    first = as_date(changed_dates.min()) if len(changed_dates) else None
    last = as_date(changed_dates.max()) if len(changed_dates) else None
    detail: dict[str, Any] = {
        "previous_vintage": old_vintage,
        "first_week": first.isoformat() if first else None,
        "last_week": last.isoformat() if last else None,
        "added": int(added.sum()),
        "vintage": parsed.detail.get("vintage"),
        "removed": int(removed.sum()),
    }
    return Flag(
        "vintage_revised",
        severity="info",
        rows_affected=int(differs.sum()),
        date=first,
        detail=detail,
    )
