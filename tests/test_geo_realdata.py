"""Our 2020 boundaries and neighbour table against the reference files in ../shared/realdata.

Skipped when that directory is absent (it is not part of the repository).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo.boundaries import ensure_boundaries, kommune_code, load_kommune_geojson
from geo.neighbours import NEIGHBOURS_CSV, compute_neighbours

REPO = Path(__file__).resolve().parents[1]
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
MEDIUM_2020 = REALDATA / "geo" / "b2020" / "Kommuner-medium.json"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not MEDIUM_2020.is_file():
        pytest.skip(f"{MEDIUM_2020} is missing")
    data: dict[str, Any] = json.loads(MEDIUM_2020.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    cache = Path(os.environ.get("GEO_CACHE_DIR") or REPO / "instance" / "geo")
    ensure_boundaries(cache, progress=False)
    return load_kommune_geojson(cache)


def _undirected(df: pd.DataFrame) -> set[tuple[str, str]]:
    return {(a, b) for a, b in df.itertuples(index=False, name=None) if a < b}


def test_same_356_kommuner(reference: dict[str, Any], ours: dict[str, Any]) -> None:
    ref_ids = {kommune_code(f) for f in reference["features"]}
    our_ids = {f["id"] for f in ours["features"]}
    assert len(ref_ids) == 356
    assert our_ids == ref_ids, (sorted(our_ids - ref_ids), sorted(ref_ids - our_ids))


def test_neighbours_agree_with_reference(reference: dict[str, Any]) -> None:
    ref = _undirected(compute_neighbours(reference))
    our = _undirected(pd.read_csv(NEIGHBOURS_CSV, dtype=str))
    both = ref & our
    agreement = len(both) / len(ref | our)
    print(
        f"\nneighbour pairs: ours {len(our)}, reference {len(ref)}, common {len(both)}, "
        f"agreement {agreement:.1%}; only ours {sorted(our - ref)[:10]}, "
        f"only reference {sorted(ref - our)[:10]}"
    )
    assert agreement >= 0.9


def test_crosswalk_equals_published_correspondence() -> None:
    from geo import reference as ref

    published = pd.read_csv(REALDATA / "lookups" / "kommune_2020_to_2024.csv", dtype=str)
    ours = ref.crosswalk_2020_2024()
    pub_pairs = set(zip(published.kommunenummer_2020, published.kommunenummer_2024, strict=True))
    our_pairs = set(zip(ours.kommunenummer_2020, ours.kommunenummer_2024, strict=True))
    assert our_pairs == pub_pairs, (sorted(our_pairs - pub_pairs), sorted(pub_pairs - our_pairs))
    split = ours[ours.kommunenummer_2020 == "1507"].set_index("kommunenummer_2024")["weight"]
    assert split.to_dict() == {"1508": 0.5, "1580": 0.5}
    assert (ours[ours.kommunenummer_2020 != "1507"].weight == 1.0).all()


def test_kommune_and_fylke_codes_equal_published_names_tables() -> None:
    from geo import reference as ref

    for structure in (2020, 2024):
        names = pd.read_csv(REALDATA / "lookups" / f"location_names_b{structure}.csv", dtype=str)
        municip = {c.removeprefix("municip_nor") for c in names.location_code if "municip" in c}
        county = {c.removeprefix("county_nor") for c in names.location_code if "county" in c}
        assert set(ref.kommuner(structure).kommunenummer) == municip, structure
        assert set(ref.fylker(structure).fylkesnummer) == county, structure
