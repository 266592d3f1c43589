"""The completeness gate: what a dataset covers, and what replacing the active import by a
new file would remove (refused unless asked to replace)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from data.importers.base import (
    Parsed,
    as_date,
)


def coverage(parsed: Parsed) -> dict[str, Any]:
    """What a dataset covers: its area levels, areas, measures and first and last date."""
    areas: set[str] = set()
    levels: set[str] = set()
    measures: set[str] = set()
    dates: list[Any] = []
    constants = parsed.extra.get("constants", {})
    for frame in parsed.facts.values():
        if frame is None or frame.empty:
            continue
        if "value" in frame.columns:
            frame = frame[frame["value"].notna()]
        level = frame["area_level"].astype(str) if "area_level" in frame.columns else None
        if "area_code" in frame.columns:
            codes = frame["area_code"].astype(str)
            keys = codes if level is None else level + ":" + codes
            areas |= set(keys.unique())
        if level is not None:
            levels |= set(level.unique())
        if "measure" in frame.columns:
            measures |= set(frame["measure"].astype(str).unique())
        if "dose_number" in frame.columns:
            measures |= {f"dose_{int(d)}" for d in frame["dose_number"].unique()}
        if "date" in frame.columns and len(frame):
            dates += [frame["date"].min(), frame["date"].max()]
    if "geojson" in parsed.extra:
        areas |= {f["id"] for f in parsed.extra["geojson"]["features"]}
    if "area_level" in constants:
        levels.add(str(constants["area_level"]))
    if "area_code" in constants and not areas:
        areas.add(str(constants["area_code"]))
    if "measure" in constants:
        measures.add(str(constants["measure"]))
    first = as_date(min(dates)) if dates else parsed.period_start
    last = as_date(max(dates)) if dates else parsed.data_date
    return {
        "levels": sorted(levels),
        "areas": sorted(areas),
        "measures": sorted(measures),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "rows": parsed.rows_loaded,
    }


def shrinkage(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What replacing ``old`` by ``new`` would remove (empty when new covers old)."""
    lost: dict[str, Any] = {}
    if old.get("levels") and new["levels"] != old["levels"]:
        lost["levels"] = old["levels"]
    missing = sorted(set(old.get("areas", [])) - set(new["areas"]))
    if missing:
        lost["areas"] = missing
    measures = sorted(set(old.get("measures", [])) - set(new["measures"]))
    if measures:
        lost["measures"] = measures
    if old.get("first") and (new["first"] is None or new["first"] > old["first"]):
        lost["first"] = old["first"]
    if old.get("last") and (new["last"] is None or new["last"] < old["last"]):
        lost["last"] = old["last"]
    return lost


def describe_loss(lost: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if "levels" in lost:
        parts.append(f"nivå {','.join(lost['levels'])} (ny fil: {','.join(new['levels'])})")
    if "areas" in lost:
        shown = ", ".join(lost["areas"][:8]) + (" …" if len(lost["areas"]) > 8 else "")
        parts.append(f"{len(lost['areas'])} av {len(old['areas'])} områder ({shown})")
    if "measures" in lost:
        parts.append(f"målene {', '.join(lost['measures'])}")
    if "first" in lost:
        parts.append(f"datoene fra {lost['first']} til {new['first']}")
    if "last" in lost:
        parts.append(f"datoene etter {new['last']} til og med {lost['last']}")
    return "; ".join(parts)


def active_coverage(conn: Connection, dataset: str) -> dict[str, Any] | None:
    from data.schema import ImportRun

    rows = conn.execute(
        select(ImportRun.detail, ImportRun.period_start, ImportRun.data_date).where(
            ImportRun.dataset == dataset, ImportRun.status == "active"
        )
    ).all()
    if not rows:
        return None
    detail, start, end = rows[-1]
    found = (detail or {}).get("coverage")
    if found:
        return dict(found)
    return {
        "levels": [],
        "areas": [],
        "measures": [],
        "first": start.isoformat() if start else None,
        "last": end.isoformat() if end else None,
    }
