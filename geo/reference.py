"""Kommuner and fylker of the 2020 and 2024 structures, the code crosswalk and neighbours.

The CSV files beside this module are the reference data: numbers and names from Kartverket's
2020 boundaries, the 2024 renumbering from SSB's classification (verified against the published
correspondence table by ``tests/test_geo_realdata.py`` when ``../shared/realdata`` is present).
Land neighbours are computed once from the 2020 polygons (:mod:`geo.neighbours`); bridges,
tunnels and ferry routes come from the hand-compiled ``travel_links_2020.csv`` (see
``travel_links.md``); both are translated to the 2024 codes through the crosswalk.
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


LINK_KINDS = ("land", "bru", "tunnel", "ferje", "hurtigbåt")
LINK_COLUMNS = ["kommunenummer", "neighbour", "kind", "name", "source"]


def _to_2024(pairs: pd.DataFrame) -> pd.DataFrame:
    """Directed 2020-coded pairs (with any other columns) translated to 2024 codes.

    1508 Ålesund and 1580 Haram come from one 2020 kommune (1507), so each inherits all of
    1507's links; their link to each other is added as a land border.
    """
    cw = crosswalk_2020_2024()[["kommunenummer_2020", "kommunenummer_2024"]]
    rest = [c for c in pairs.columns if c not in ("kommunenummer", "neighbour")]
    out = pairs.merge(cw, left_on="kommunenummer", right_on="kommunenummer_2020").merge(
        cw, left_on="neighbour", right_on="kommunenummer_2020", suffixes=("_a", "_b")
    )
    out = out[["kommunenummer_2024_a", "kommunenummer_2024_b", *rest]].rename(
        columns={"kommunenummer_2024_a": "kommunenummer", "kommunenummer_2024_b": "neighbour"}
    )
    split = cw.groupby("kommunenummer_2020")["kommunenummer_2024"].agg(list)
    extra = [(a, b) for parts in split[split.map(len) > 1] for a in parts for b in parts if a != b]
    extra_frame = pd.DataFrame(extra, columns=["kommunenummer", "neighbour"])
    for column in rest:
        extra_frame[column] = "land" if column == "kind" else ""
    return pd.concat([out, extra_frame], ignore_index=True)


def travel_links(structure: int = 2024) -> pd.DataFrame:
    """Fixed links (bridges, tunnels) and ferry or passenger-boat routes between kommuner,
    both directions. Columns: kommunenummer, neighbour, kind (bru, tunnel, ferje, hurtigbåt),
    name, source. Compiled by hand in ``travel_links_2020.csv`` (2020 codes; see
    ``travel_links.md`` for its sources and coverage)."""
    _check_structure(structure)
    links = _read("travel_links_2020.csv").rename(
        columns={"kommune_a": "kommunenummer", "kommune_b": "neighbour"}
    )
    both = pd.concat(
        [
            links,
            links.rename(columns={"kommunenummer": "neighbour", "neighbour": "kommunenummer"}),
        ],
        ignore_index=True,
    )
    if structure == 2024:
        both = _to_2024(both)
    both = both[both["kommunenummer"] != both["neighbour"]]
    return both[LINK_COLUMNS].drop_duplicates().sort_values(LINK_COLUMNS).reset_index(drop=True)


def neighbour_links(structure: int = 2024) -> pd.DataFrame:
    """Every way two kommuner are connected, both directions, one row per link: a shared
    land border (kind ``land``, from the 2020 polygons) and the travel links of
    :func:`travel_links`. Columns: kommunenummer, neighbour, kind, name, source."""
    _check_structure(structure)
    land = _read("neighbours_2020.csv").assign(kind="land", name="", source="kartverket")
    if structure == 2024:
        land = _to_2024(land).assign(source="kartverket")
    frame = pd.concat([land, travel_links(structure)], ignore_index=True)
    frame["order"] = frame["kind"].map({k: i for i, k in enumerate(LINK_KINDS)})
    frame = frame.sort_values(["kommunenummer", "neighbour", "order", "name"])
    return frame[LINK_COLUMNS].drop_duplicates().reset_index(drop=True)


def neighbours_by_travel(structure: int = 2024) -> pd.DataFrame:
    """Neighbouring kommuner, both directions: connected by land, bridge, tunnel, ferry or
    passenger boat (:func:`neighbour_links`). Columns: kommunenummer, neighbour. What every
    user-facing neighbour list, comparison and access scope reads.
    """
    pairs = neighbour_links(structure)[["kommunenummer", "neighbour"]]
    return (
        pairs.drop_duplicates().sort_values(["kommunenummer", "neighbour"]).reset_index(drop=True)
    )


def neighbours(structure: int = 2024) -> pd.DataFrame:
    """Pairs of kommuner sharing a *land* border, both directions. Columns: kommunenummer,
    neighbour.

    Computed on 2020 polygons; for 2024 the codes are translated. 1508 Ålesund and 1580 Haram
    come from one 2020 polygon, so each inherits all of 1507's neighbours and they neighbour
    each other. The synthetic epidemic and everything shown to users read
    :func:`neighbours_by_travel` (land, bridges, tunnels and ferries).
    """
    links = neighbour_links(structure)
    pairs = links.loc[links["kind"] == "land", ["kommunenummer", "neighbour"]]
    return (
        pairs.drop_duplicates().sort_values(["kommunenummer", "neighbour"]).reset_index(drop=True)
    )


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
