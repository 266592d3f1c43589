"""Neighbouring kommuner: pairs whose boundary polygons share a border.

The reference table ``geo/reference/neighbours_2020.csv`` is computed once from Kartverket's
unsimplified 2020 polygons (see :mod:`geo.boundaries`) and committed. Regenerate it with::

    python -m geo.neighbours --cache-dir instance/geo

Two kommuner are neighbours when their borders run together for at least
``min_shared_length`` degrees (a few metres), within a tolerance of ``tolerance`` degrees for
slightly mismatched source vertices. Touching in a single point does not count, and neither
does water between islands; as Kartverket's coastline is clipped, some kommuner linked only by
ferry (and true island kommuner such as Utsira, Røst and Værøy) have no neighbours.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

NEIGHBOURS_CSV = Path(__file__).resolve().parent / "reference" / "neighbours_2020.csv"
COLUMNS = ["kommunenummer", "neighbour"]


def compute_neighbours(
    geojson: dict[str, Any],
    *,
    tolerance: float = 1e-5,
    min_shared_length: float = 1e-4,
) -> pd.DataFrame:
    """Neighbour pairs of the kommuner in a GeoJSON FeatureCollection.

    Kommune codes come from ``properties.kommunenummer`` (integer or string) or the feature
    ``id``, zero-padded to four digits. Returns columns ``kommunenummer`` and ``neighbour``,
    both directions of every pair, sorted, no self-pairs.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    from geo.boundaries import kommune_code, polygonal

    merged: dict[str, Any] = {}
    for feature in geojson["features"]:
        if not feature.get("geometry"):
            continue
        code = kommune_code(feature)
        geom = polygonal(shape(feature["geometry"]))
        merged[code] = shapely.union_all([merged[code], geom]) if code in merged else geom
    codes = sorted(merged)
    geoms = np.array([merged[c] for c in codes], dtype=object)

    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance)
    keep = left < right
    left, right = left[keep], right[keep]

    pairs: list[tuple[str, str]] = []
    if len(left):
        shared = shapely.intersection(
            shapely.boundary(geoms[left]), shapely.buffer(geoms[right], tolerance)
        )
        lengths = shapely.length(shared)
        for i, j, length in zip(left, right, lengths, strict=True):
            if length >= min_shared_length:
                pairs.append((codes[i], codes[j]))
                pairs.append((codes[j], codes[i]))
    df = pd.DataFrame(pairs, columns=COLUMNS, dtype=str)
    return df.sort_values(COLUMNS, ignore_index=True)


def kommuner_without_neighbours(geojson: dict[str, Any], neighbours: pd.DataFrame) -> list[str]:
    """Kommune codes in ``geojson`` that have no row in ``neighbours``."""
    from geo.boundaries import kommune_code

    codes = {kommune_code(f) for f in geojson["features"]}
    return sorted(codes - set(neighbours["kommunenummer"]))


def load_neighbours(path: Path = NEIGHBOURS_CSV) -> pd.DataFrame:
    """The committed neighbour table (codes as four-digit strings)."""
    return pd.read_csv(path, dtype=str)


def write_reference_csv(cache_dir: Path, out_path: Path = NEIGHBOURS_CSV) -> pd.DataFrame:
    """Recompute the neighbour table from the original 2020 polygons and write it."""
    from geo.boundaries import original_kommune_geojson

    geojson = original_kommune_geojson(cache_dir, progress=True)
    df = compute_neighbours(geojson)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out_path, index=False, lineterminator="\n")
    names = dict(_names(geojson))
    lonely = kommuner_without_neighbours(geojson, df)
    print(f"{len(df) // 2} nabopar skrevet til {out_path}")
    print(f"{len(lonely)} kommuner uten naboer: " + ", ".join(f"{c} {names[c]}" for c in lonely))
    return df


def _names(geojson: dict[str, Any]) -> list[tuple[str, str]]:
    from geo.boundaries import kommune_code

    return [
        (kommune_code(f), str(f["properties"].get("navn") or f["properties"].get("name")))
        for f in geojson["features"]
    ]


def _main(argv: list[str] | None = None) -> None:  # pragma: no cover - manual use
    parser = argparse.ArgumentParser(description="Regenerer naboliste for 2020-kommunene.")
    parser.add_argument("--cache-dir", type=Path, default=Path("instance/geo"))
    parser.add_argument("--out", type=Path, default=NEIGHBOURS_CSV)
    args = parser.parse_args(argv)
    write_reference_csv(args.cache_dir, args.out)


if __name__ == "__main__":  # pragma: no cover
    _main()
