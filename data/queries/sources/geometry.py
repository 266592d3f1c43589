"""Imported boundaries: the geometry that replaces the built-in, and what it lacks."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, select

from data import db
from data.codes import CURRENT_STRUCTURE
from data.schema import (
    BoundarySet,
)


def boundary_geojson(*, structure: int, level: str = "kommune") -> dict[str, Any] | None:
    """The active imported boundaries for a structure and level, or None (use the built-in).

    A FeatureCollection with feature ``id`` = the zero-padded code, ``properties.name``, exterior
    rings clockwise (plotly/d3), and a ``situasjonsbilde`` member with level, structure, source
    and attribution. Geometry is reference data, not facts: no scope is needed.
    """
    with db.engine().connect() as conn:
        text = conn.execute(
            select(BoundarySet.geojson)
            .where(and_(BoundarySet.structure == structure, BoundarySet.source.like(f"{level}|%")))
            .order_by(BoundarySet.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if text is None:
        return None
    data: dict[str, Any] = json.loads(text)
    return data


def polygons_drawn(structure: int) -> set[str] | None:
    """The polygon ids the map of ``structure`` has geometry for: those of the imported
    boundaries, or None for the built-in geometry (which has every kommune)."""
    data = boundary_geojson(structure=structure)
    if data is None:
        return None
    return {str(f.get("id")) for f in data.get("features", [])}


def kommuner_without_geometry() -> dict[int, list[str]]:
    """Per structure with imported boundaries: the kommuner (2024 codes, as on the map) whose
    polygon is missing from them, as "code name". The built-in geometry has every kommune."""
    from geo import reference

    out: dict[int, list[str]] = {}
    names = reference.kommuner(CURRENT_STRUCTURE).set_index("kommunenummer")["name"]
    for structure in (2020, 2024):
        drawn = polygons_drawn(structure)
        if drawn is None:
            continue
        polygons = reference.polygons_on_map(structure)
        missing = polygons[~polygons["polygon_id"].isin(drawn)]["kommunenummer"]
        out[structure] = [f"{c} {names.get(c, '')}".strip() for c in sorted(missing)]
    return out
