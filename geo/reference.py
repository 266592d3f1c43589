"""Kommuner and fylker of the 2020 and 2024 structures, the code crosswalk and neighbours.

The CSV files beside this module are the reference data: numbers and names from Kartverket's
2020 boundaries, the 2024 renumbering from SSB's classification (verified against the published
correspondence table by ``tests/test_geo_realdata.py`` when ``../shared/realdata`` is present).
Neighbours are computed once from the 2020 polygons (:mod:`geo.neighbours`) and translated to
the 2024 codes through the crosswalk.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).with_name("reference")
STRUCTURES = (2020, 2024)


@cache
def _read_cached(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


def _read(name: str) -> pd.DataFrame:
    return _read_cached(name).copy()  # callers may modify their copy


def _check_structure(structure: int) -> None:
    if structure not in STRUCTURES:
        raise ValueError(
            f"Unknown municipality structure {structure!r}; expected one of {STRUCTURES}"
        )


@cache
def _kommuner() -> pd.DataFrame:
    df = _read("kommuner.csv")
    df["structure"] = df["structure"].astype(int)
    return df


@cache
def _fylker() -> pd.DataFrame:
    df = _read("fylker.csv")
    df["structure"] = df["structure"].astype(int)
    return df


def fylker(structure: int = 2024) -> pd.DataFrame:
    """Columns: fylkesnummer, name. (A copy: callers may change it.)"""
    _check_structure(structure)
    return _fylker_of(structure).copy()


@cache
def _fylker_of(structure: int) -> pd.DataFrame:
    df = _fylker()
    return df.loc[df["structure"] == structure, ["fylkesnummer", "name"]].reset_index(drop=True)


def kommuner(structure: int = 2024) -> pd.DataFrame:
    """Columns: kommunenummer, name, fylkesnummer, fylkesnavn, valid_from, valid_to. (A copy of
    a table built once per process: callers may change it.)"""
    _check_structure(structure)
    return _kommuner_of(structure).copy()


@cache
def _kommuner_of(structure: int) -> pd.DataFrame:
    df = _kommuner()
    df = df.loc[df["structure"] == structure].drop(columns="structure")
    names = _fylker_of(structure).rename(columns={"name": "fylkesnavn"})
    out = df.merge(names, on="fylkesnummer", how="left", validate="many_to_one")
    return out[
        ["kommunenummer", "name", "fylkesnummer", "fylkesnavn", "valid_from", "valid_to"]
    ].reset_index(drop=True)


def crosswalk_2020_2024() -> pd.DataFrame:
    """Columns: kommunenummer_2020, kommunenummer_2024, weight (0.5 for the 1507 split)."""
    df = _read("crosswalk_2020_2024.csv")
    df["weight"] = df["weight"].astype(float)
    return df


def neighbours(structure: int = 2024) -> pd.DataFrame:
    """Pairs of kommuner sharing a land border, both directions. Columns: kommunenummer, neighbour.

    Computed on 2020 polygons; for 2024 the codes are translated. 1508 Ålesund and 1580 Haram
    come from one 2020 polygon, so each inherits all of 1507's neighbours and they neighbour
    each other.
    """
    _check_structure(structure)
    pairs = _read("neighbours_2020.csv")
    if structure == 2020:
        return pairs.reset_index(drop=True)
    cw = crosswalk_2020_2024()[["kommunenummer_2020", "kommunenummer_2024"]]
    out = pairs.merge(cw, left_on="kommunenummer", right_on="kommunenummer_2020").merge(
        cw, left_on="neighbour", right_on="kommunenummer_2020", suffixes=("_a", "_b")
    )
    out = out[["kommunenummer_2024_a", "kommunenummer_2024_b"]].set_axis(
        ["kommunenummer", "neighbour"], axis=1
    )
    split = cw.groupby("kommunenummer_2020")["kommunenummer_2024"].agg(list)
    extra = [(a, b) for parts in split[split.map(len) > 1] for a in parts for b in parts if a != b]
    out = pd.concat([out, pd.DataFrame(extra, columns=["kommunenummer", "neighbour"])])
    return out.drop_duplicates().sort_values(["kommunenummer", "neighbour"]).reset_index(drop=True)


def polygon_of(structure: int = 2024) -> pd.DataFrame:
    """Which polygon of the built-in (2020) geometry draws each kommune.

    Columns: kommunenummer, polygon_id. For 2024 codes this goes through the crosswalk, so
    1508 Ålesund and 1580 Haram both map to polygon 1507 (they share one area on the map).
    """
    _check_structure(structure)
    if structure == 2020:
        codes = kommuner(2020)["kommunenummer"]
        return pd.DataFrame({"kommunenummer": codes, "polygon_id": codes})
    cw = crosswalk_2020_2024()
    return (
        cw.rename(
            columns={"kommunenummer_2024": "kommunenummer", "kommunenummer_2020": "polygon_id"}
        )[["kommunenummer", "polygon_id"]]
        .sort_values("kommunenummer")
        .reset_index(drop=True)
    )


def polygons_on_map(map_structure: int) -> pd.DataFrame:
    """Which polygon of a map in ``map_structure`` draws each 2024-coded kommune.

    The dashboard's kommune aggregates are in the 2024 structure (2020-coded facts have been
    translated through the crosswalk on import). On a 2024 map every kommune is its own
    polygon; on the 2020 map (built-in geometry) see :func:`polygon_of`.
    Columns: kommunenummer, polygon_id.
    """
    _check_structure(map_structure)
    if map_structure == 2020:
        return polygon_of(2024)
    codes = kommuner(2024)["kommunenummer"]
    return pd.DataFrame({"kommunenummer": codes, "polygon_id": codes})


def crosswalk_changes() -> dict[str, int]:
    """How the 2020 → 2024 crosswalk changes kommuner: split, merged and renumbered counts."""
    cw = crosswalk_2020_2024()
    parts = cw.groupby("kommunenummer_2020")["kommunenummer_2024"].nunique()
    sources = cw.groupby("kommunenummer_2024")["kommunenummer_2020"].nunique()
    one_to_one = cw[
        cw["kommunenummer_2020"].map(parts).eq(1) & cw["kommunenummer_2024"].map(sources).eq(1)
    ]
    return {
        "split": int((parts > 1).sum()),
        "merged": int((sources > 1).sum()),
        "renumbered": int(
            (one_to_one["kommunenummer_2020"] != one_to_one["kommunenummer_2024"]).sum()
        ),
    }


def first_kommune_in(fylkesnummer: str, structure: int = 2024) -> str | None:
    """The first kommune (by number) of a county; a sensible default page for county users."""
    codes = kommuner(structure).query("fylkesnummer == @fylkesnummer")["kommunenummer"]
    return str(codes.iloc[0]) if len(codes) else None
