"""Kommune and fylke boundaries as GeoJSON (Kartverket-derived), 2020 or 2024 structure.

Codes may be integers (``301``, leading zero lost) or strings (``"0301"``); they are zero-padded.
The structure is the one the codes match best. Each feature is repaired if invalid, oriented
the way plotly's d3 expects (exterior rings clockwise) and rounded like the built-in geometry;
the result is stored in ``boundary_set`` and replaces the built-in geometry for that structure
(see :func:`data.queries.sources.boundary_geojson`). A rejected feature's "line" is its
1-based position in ``features``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, insert

from data.importers.base import (
    Flag,
    ImportFormatError,
    Parsed,
    Rejections,
    SourceFile,
    missing_codes,
    valid_codes,
)
from data.schema import BoundarySet
from geo import simplify

SOURCE = "kartverket_boundaries"
SOURCE_LABEL = "Kartverket (via robhop/fylker-og-kommuner), CC BY 4.0"
ATTRIBUTION = "Kartgrunnlag: © Kartverket"
NAME_KEYS = ("kommunenavn", "fylkesnavn", "navn", "name")


def _load(src: SourceFile) -> dict[str, Any]:
    try:
        data = json.loads(src.text)
    except ValueError as exc:
        raise ImportFormatError("unreadable_file", f"ikke gyldig JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFormatError("unknown_format", "ikke en GeoJSON FeatureCollection")
    return data


def detect_level(data: dict[str, Any]) -> str | None:
    for feature in data.get("features", [])[:5]:
        props = (feature or {}).get("properties") or {}
        if "kommunenummer" in props:
            return "kommune"
        if "fylkesnummer" in props:
            return "fylke"
    return None


def detect(text_head: str) -> bool:
    head = text_head.lstrip()[:4000]
    return (
        head.startswith("{")
        and '"FeatureCollection"' in head
        and ('"kommunenummer"' in head or '"fylkesnummer"' in head)
    )


def parse(src: SourceFile) -> Parsed:
    from shapely.geometry import shape

    data = _load(src)
    level = detect_level(data)
    if level is None:
        raise ImportFormatError("unknown_format", "fant verken kommunenummer eller fylkesnummer")
    key = "kommunenummer" if level == "kommune" else "fylkesnummer"
    width = 4 if level == "kommune" else 2
    rejects = Rejections()
    features = data.get("features") or []
    raw_codes = []
    for feature in features:
        props = (feature or {}).get("properties") or {}
        raw_codes.append(props.get(key, (feature or {}).get("id")))
    codes = pd.Series([str(c).strip() if c is not None else "" for c in raw_codes], dtype=object)
    numeric = codes.str.fullmatch(r"\d{1,4}")
    codes = codes.where(~numeric, codes.str.zfill(width))
    matches = {s: int(codes.isin(valid_codes(s, level)).sum()) for s in (2020, 2024)}
    structure = max(matches, key=lambda s: (matches[s], s))
    known = valid_codes(structure, level)
    other = valid_codes(2024 if structure == 2020 else 2020, level)
    out_features: list[dict[str, Any]] = []
    seen: set[str] = set()
    loaded_positions: list[int] = []
    repaired = 0
    for position, (feature, code) in enumerate(zip(features, codes, strict=True), start=1):
        if code not in known:
            reason = "code_vintage_mismatch" if code in other else "unknown_code"
            rejects.add_line(position, key, str(raw_codes[position - 1]), reason)
            continue
        if code in seen:
            rejects.add_line(position, key, code, "duplicate_row")
            continue
        try:
            geom = shape(feature["geometry"])
            valid_before = geom.is_valid
            geom = simplify.orient_d3(simplify.round_to_grid(geom))
        except (KeyError, TypeError, ValueError, AttributeError):
            geom = None
            valid_before = False
        if geom is None or geom.is_empty:
            rejects.add_line(position, "geometry", None, "invalid_geometry")
            continue
        repaired += int(not valid_before)
        seen.add(code)
        loaded_positions.append(position)
        props = feature.get("properties") or {}
        name = next((str(props[k]) for k in NAME_KEYS if props.get(k)), code)
        out_features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {key: code, "name": name},
                "geometry": simplify.geometry_json(geom),
            }
        )
    flags = []
    if repaired:
        flags.append(Flag("geometry_repaired", rows_affected=repaired))
    missing = sorted(known - seen)
    flags += missing_codes(missing, structure, level)
    collection = {
        "type": "FeatureCollection",
        "situasjonsbilde": {
            "level": level,
            "structure": structure,
            "attribution": ATTRIBUTION,
            "source": src.name,
            "winding": "exterior clockwise, holes counter-clockwise (d3-geo)",
        },
        "features": sorted(out_features, key=lambda f: f["id"]),
    }
    return Parsed(
        rejects=rejects,
        dataset=f"boundaries:{level}:{structure}",
        structure=structure,
        rows_read=len(features),
        rows_loaded=len(out_features),
        loaded_lines=np.asarray(loaded_positions, dtype=np.int64),
        flags=flags,
        detail={"level": level, "features": len(out_features)},
        extra={"geojson": collection, "level": level},
    )


def source_key(level: str, run_id: int, file: str) -> str:
    return f"{level}|import:{run_id}|{file}"[:200]


def store(conn: Connection, parsed: Parsed, run_id: int, file: str) -> int:
    if not parsed.extra["geojson"]["features"]:
        return 0
    conn.execute(
        insert(BoundarySet).values(
            structure=parsed.structure,
            source=source_key(parsed.extra["level"], run_id, file),
            geojson=json.dumps(parsed.extra["geojson"], ensure_ascii=False, separators=(",", ":")),
            imported_at=pd.Timestamp.now(tz="UTC").tz_localize(None).to_pydatetime(),
        )
    )
    return len(parsed.extra["geojson"]["features"])


def remove(conn: Connection, run_id: int) -> None:
    conn.execute(delete(BoundarySet).where(BoundarySet.source.like(f"%|import:{run_id}|%")))
