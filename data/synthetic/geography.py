"""Geography of the synthetic country: kommuner of the 2024 structure, their sizes, a travel
graph (the neighbours by land, bridge, tunnel and ferry of :mod:`geo.reference`: the same list
every page shows), hop distances, the mobility matrix that couples the epidemic, and the border
entry points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.reference import ssb_population
from data.synthetic._common import STRUCTURE
from geo import reference

# Entry points: (border point, kommune, kind, distance scale in hops for where people stay).
ENTRY_POINTS: tuple[tuple[str, str, str, float], ...] = (
    ("Oslo lufthavn Gardermoen", "3209", "airport", 2.5),
    ("Svinesund", "3101", "road", 2.0),
    ("Magnor", "3416", "road", 2.0),
    ("Storskog", "5605", "road", 0.6),
    ("Bergen lufthavn Flesland", "4601", "airport", 1.5),
    ("Stavanger lufthavn Sola", "1124", "airport", 1.5),
    ("Trondheim lufthavn Værnes", "5035", "airport", 1.5),
    ("Kristiansand lufthavn Kjevik", "4204", "airport", 1.5),
    ("Sandefjord lufthavn Torp", "3907", "airport", 2.0),
    ("Tromsø lufthavn", "5501", "airport", 1.2),
    ("Oslo havn", "0301", "port", 2.0),
    ("Larvik havn", "3909", "port", 2.0),
    ("Kristiansand havn", "4204", "port", 1.5),
)
ENTRY_KOMMUNER: frozenset[str] = frozenset(k for _, k, _, _ in ENTRY_POINTS)
OSLO_AKERSHUS_FYLKER = ("03", "32")


@dataclass(frozen=True)
class Geography:
    codes: tuple[str, ...]  # 357 kommunenummer, sorted
    fylke: np.ndarray  # fylkesnummer per kommune (object)
    hops: np.ndarray  # K × K graph distance over the travel neighbours
    adjacency: np.ndarray  # K × K bool
    neighbours: tuple[tuple[int, ...], ...]  # travel neighbours per kommune index

    @property
    def n(self) -> int:
        return len(self.codes)

    def index_of(self, code: str) -> int:
        return self.codes.index(code)


def load_geography() -> Geography:
    kommuner = reference.kommuner(STRUCTURE).sort_values("kommunenummer")
    codes = tuple(kommuner["kommunenummer"])
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    adjacency = np.zeros((n, n), dtype=bool)
    # one source of neighbours: the travel list the pages show (land ∪ bridges, tunnels, ferries)
    pairs = reference.neighbours_by_travel(STRUCTURE)
    a = pairs["kommunenummer"].map(pos)
    b = pairs["neighbour"].map(pos)
    ok = a.notna() & b.notna()
    adjacency[a[ok].astype(int), b[ok].astype(int)] = True
    fylke = kommuner["fylkesnummer"].to_numpy(dtype=object)
    np.fill_diagonal(adjacency, False)
    # Any part of the graph still cut off from Oslo (new island kommuner, changed reference
    # data) is linked to the regional centre of its fylke, so that every kommune is reachable.
    oslo = pos["0301"]
    size = ssb_sizes_2020()
    hops = _hop_distances(adjacency)
    while (hops[oslo] >= UNREACHABLE).any():
        i = int(np.flatnonzero(hops[oslo] >= UNREACHABLE)[0])
        centres = [
            pos[c]
            for c in sorted(size, key=size.__getitem__, reverse=True)
            if c in pos and fylke[pos[c]] == fylke[i] and hops[oslo, pos[c]] < UNREACHABLE
        ]
        target = centres[0] if centres else oslo
        adjacency[i, target] = adjacency[target, i] = True
        hops = _hop_distances(adjacency)
    neighbours = tuple(tuple(np.flatnonzero(adjacency[i]).tolist()) for i in range(n))
    return Geography(codes, fylke, hops, adjacency, neighbours)


UNREACHABLE = 99


def _hop_distances(adjacency: np.ndarray) -> np.ndarray:
    n = len(adjacency)
    hops = np.full((n, n), UNREACHABLE, dtype=np.int16)
    np.fill_diagonal(hops, 0)
    reached = np.eye(n, dtype=bool)
    frontier = reached.copy()
    step_matrix = adjacency.astype(np.float32)
    for step in range(1, UNREACHABLE):
        nxt = (frontier.astype(np.float32) @ step_matrix) > 0
        nxt &= ~reached
        if not nxt.any():
            break
        hops[nxt] = step
        reached |= nxt
        frontier = nxt
    return hops


def ssb_sizes_2020() -> dict[str, int]:
    """Residents on 1 January 2020 per kommune (2024 codes), from the committed SSB table."""
    table = ssb_population()
    return table[table["year"] == 2020].groupby("kommunenummer")["population"].sum().to_dict()


def urbanity(sizes: np.ndarray) -> np.ndarray:
    """0 for a kommune of 5 000, about +2 for Oslo, -1 for the smallest."""
    return np.clip(np.log10(np.maximum(sizes, 1)) - np.log10(5_000), -1.2, 2.3)


def mobility_matrix(geo: Geography, sizes: np.ndarray) -> np.ndarray:
    """Row-stochastic K × K matrix: the share of contacts residents of i have in j.

    Most contacts are at home; small kommuner mix more with neighbours (commuting), and every
    kommune has a gravity term towards the big cities, so that cities seed the country.
    """
    n = geo.n
    u = urbanity(sizes)
    home = np.clip(0.90 + 0.025 * u, 0.84, 0.95)
    w = np.zeros((n, n))
    nb_weight = geo.adjacency * sizes[None, :]
    nb_weight /= np.maximum(nb_weight.sum(axis=1, keepdims=True), 1)
    cities = np.argsort(-sizes)[:12]
    grav = np.zeros((n, n))
    grav[:, cities] = sizes[cities][None, :] / (1.0 + geo.hops[:, cities].astype(float)) ** 2
    np.fill_diagonal(grav, 0.0)
    grav /= np.maximum(grav.sum(axis=1, keepdims=True), 1e-9)
    away = 1.0 - home
    w += (0.65 * away)[:, None] * nb_weight + (0.35 * away)[:, None] * grav
    w[np.arange(n), np.arange(n)] += home
    return w / w.sum(axis=1, keepdims=True)


def entry_point_frame() -> pd.DataFrame:
    return pd.DataFrame(ENTRY_POINTS, columns=["border_point", "kommunenummer", "kind", "reach"])
