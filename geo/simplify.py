"""Geometry processing of the kommune boundaries: repair, coverage simplification (shared
borders simplified once, so neighbours stay matched), grid rounding and d3 winding.

See :mod:`geo.boundaries` for the steps and why; this module must not import dash, flask or
anything from the application packages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Coverage simplification tolerance in degrees (GEOS, Visvalingam-Whyatt: roughly the square
# root of the triangle areas removed).
SIMPLIFY_TOLERANCE = 0.025
# Finer tolerance for islands of kommuner that the coarse pass shrinks too much.
FINE_TOLERANCE = 0.005
MIN_KEPT_AREA_RATIO = 0.9
# Island parts smaller than this (square degrees, ~1.5 km² at 60°N) are dropped unless they
# touch another kommune or are among the largest parts making up KEEP_AREA_SHARE of it.
MIN_ISLAND_AREA = 3e-4
KEEP_AREA_SHARE = 0.9
# Coordinates are rounded to this grid (degrees, ~110 m north-south).
COORD_GRID = 1e-3
COORD_DECIMALS = 3


def _polygon_parts(geom: Any) -> Iterator[Any]:
    if geom.is_empty:
        return
    if geom.geom_type == "Polygon":
        yield geom
    elif geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        for part in geom.geoms:
            yield from _polygon_parts(part)


def polygonal(geom: Any) -> Any:
    """Valid MultiPolygon made of the polygonal parts of ``geom`` (repaired if invalid)."""
    import shapely

    if geom is None or geom.is_empty:
        return shapely.MultiPolygon()
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return shapely.MultiPolygon(list(_polygon_parts(geom)))


def simplify_coverage(geoms: list[Any]) -> list[Any]:
    """Simplify kommune polygons together so that shared borders stay matched.

    The polygon parts of all kommuner form one coverage, simplified with GEOS coverage
    simplification (``shapely.coverage_simplify``, Visvalingam-Whyatt; the same engine
    ``topojson.Topology(..., presimplify=..., simplify_with="geos")`` uses): every shared
    edge is simplified once, edges never cross, rings stay at least triangles.

    * Tiny islands (below :data:`MIN_ISLAND_AREA`) that touch no other kommune are dropped,
      except the largest parts making up :data:`KEEP_AREA_SHARE` of each kommune's area,
      so that island kommuner (Træna, Røst, Utsira, …) keep their shape.
    * Parts that touch no other kommune in kommuner that the coarse pass shrinks below
      :data:`MIN_KEPT_AREA_RATIO` of their area are taken from a finer pass
      (:data:`FINE_TOLERANCE`), unless the finer part would then touch another part.
    """
    import numpy as np
    import shapely

    parts_list: list[Any] = []
    owner_list: list[int] = []
    for i, geom in enumerate(geoms):
        for part in polygonal(geom).geoms:
            parts_list.append(part)
            owner_list.append(i)
    parts = np.array(parts_list, dtype=object)
    owner = np.array(owner_list, dtype=np.intp)
    areas = shapely.area(parts)
    kommune_area = np.bincount(owner, weights=areas, minlength=len(geoms))

    # parts that share a border (or a point) with another kommune
    left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
    other = owner[left] != owner[right]
    touching = np.zeros(len(parts), dtype=bool)
    touching[left[other]] = True

    keep = touching | (areas >= MIN_ISLAND_AREA)
    for i in range(len(geoms)):
        idx = np.flatnonzero(owner == i)
        idx = idx[np.argsort(-areas[idx], kind="stable")]
        covered_before = np.concatenate([[0.0], np.cumsum(areas[idx])[:-1]]) / kommune_area[i]
        keep[idx[covered_before < KEEP_AREA_SHARE]] = True
    parts, owner, areas, touching = parts[keep], owner[keep], areas[keep], touching[keep]

    coarse = shapely.coverage_simplify(parts, SIMPLIFY_TOLERANCE)
    fine = shapely.coverage_simplify(parts, FINE_TOLERANCE)
    coarse_ratio = np.bincount(owner, weights=shapely.area(coarse), minlength=len(geoms)) / (
        kommune_area
    )
    use_fine = ~touching & (coarse_ratio[owner] < MIN_KEPT_AREA_RATIO)
    for _ in range(10):
        chosen = np.where(use_fine, fine, coarse)
        left, right = shapely.STRtree(chosen).query(chosen, predicate="intersects")
        conflict = (left != right) & use_fine[left]
        if not conflict.any():
            break
        use_fine[left[conflict]] = False
    chosen = np.where(use_fine, fine, coarse)

    result = []
    for i in range(len(geoms)):
        polys = [q for p in chosen[owner == i] for q in polygonal(p).geoms]
        result.append(shapely.MultiPolygon(polys))
    return result


def round_to_grid(geom: Any, grid: float = COORD_GRID) -> Any:
    """Round every vertex to ``grid`` and repair what that breaks.

    Pointwise rounding (not GEOS snap rounding, which nodes each geometry on its own and
    leaves slivers between neighbours): a vertex shared by two kommuner lands on the same
    grid point in both, so shared borders stay matched. The few rings that rounding makes
    self-touching or collapses are repaired with ``make_valid``.
    """
    import shapely

    return polygonal(shapely.set_precision(polygonal(geom), grid, mode="pointwise"))


def orient_d3(geom: Any) -> Any:
    """MultiPolygon with exterior rings clockwise and holes counter-clockwise (d3-geo)."""
    import shapely
    from shapely.geometry.polygon import orient

    return shapely.MultiPolygon([orient(p, sign=-1.0) for p in polygonal(geom).geoms])


def _round_coords(coords: Any, decimals: int) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(float(coords[0]), decimals), round(float(coords[1]), decimals)]
    return [_round_coords(c, decimals) for c in coords]


def geometry_json(geom: Any) -> dict[str, Any]:
    from shapely.geometry import mapping

    parts = list(geom.geoms)
    if len(parts) == 1:
        geo: dict[str, Any] = mapping(parts[0])
    else:
        geo = mapping(geom)
    return {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"], COORD_DECIMALS)}


def remove_small_holes(geom: Any, min_area: float) -> Any:
    """Drop interior rings smaller than ``min_area`` (slivers left by the dissolve)."""
    import shapely

    polys = []
    for p in polygonal(geom).geoms:
        holes = [r for r in p.interiors if shapely.Polygon(r).area >= min_area]
        polys.append(shapely.Polygon(p.exterior, holes))
    return shapely.MultiPolygon(polys)
