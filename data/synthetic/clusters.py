"""Clusters (outbreaks) built from real cases: an index case, members of matching ages in the
same kommune (sometimes its neighbours) within a few weeks, and a transmission tree."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, CLUSTER_SETTINGS, INFECTION_SETTINGS
from data.synthetic._common import (
    DISEASE,
    N_DAYS,
    base_columns,
    categorical,
    date_of,
    dates_column,
    day_of,
    piecewise,
)
from data.synthetic.cases import Cases
from data.synthetic.geography import Geography

CS = {name: i for i, name in enumerate(CLUSTER_SETTINGS)}
# Cluster setting by the index case's age band (columns in CLUSTER_SETTINGS order:
# household, school, kindergarten, nursing_home, workplace, event, travel, healthcare).
SETTING_BY_INDEX_AGE = np.array(
    [
        [0.20, 0.35, 0.45, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.20, 0.60, 0.00, 0.00, 0.00, 0.20, 0.00, 0.00],
        [0.20, 0.55, 0.00, 0.00, 0.05, 0.20, 0.00, 0.00],
        [0.25, 0.05, 0.00, 0.00, 0.25, 0.35, 0.10, 0.00],
        [0.30, 0.02, 0.05, 0.02, 0.40, 0.12, 0.05, 0.04],
        [0.30, 0.02, 0.03, 0.02, 0.42, 0.12, 0.05, 0.04],
        [0.30, 0.02, 0.02, 0.03, 0.42, 0.12, 0.05, 0.04],
        [0.35, 0.00, 0.00, 0.03, 0.38, 0.12, 0.08, 0.04],
        [0.60, 0.00, 0.00, 0.05, 0.05, 0.15, 0.10, 0.05],
        [0.45, 0.00, 0.00, 0.30, 0.00, 0.10, 0.05, 0.10],
        [0.20, 0.00, 0.00, 0.65, 0.00, 0.00, 0.00, 0.15],
        [0.10, 0.00, 0.00, 0.75, 0.00, 0.00, 0.00, 0.15],
    ]
)


def _bands(*names: str) -> np.ndarray:
    mask = np.zeros(len(AGE_BANDS), dtype=bool)
    for name in names:
        mask[AGE_BANDS.index(name)] = True
    return mask


ALL = tuple(AGE_BANDS)
ALLOWED_AGES = {
    "household": _bands(*ALL),
    "school": _bands("0-11", "12-15", "16-17", "25-39", "40-44", "45-54", "55-64"),
    "kindergarten": _bands("0-11", "25-39", "40-44", "45-54"),
    "nursing_home": _bands(
        "18-24", "25-39", "40-44", "45-54", "55-64", "65-74", "75-79", "80-84", "85+"
    ),
    "workplace": _bands("18-24", "25-39", "40-44", "45-54", "55-64", "65-74"),
    "event": _bands("16-17", "18-24", "25-39", "40-44", "45-54", "55-64", "65-74"),
    "travel": _bands("18-24", "25-39", "40-44", "45-54", "55-64", "65-74"),
    "healthcare": _bands("25-39", "40-44", "45-54", "55-64", "65-74", "75-79", "80-84", "85+"),
}
SIZE_SCALE = {
    "school": 4.0,
    "kindergarten": 3.0,
    "nursing_home": 5.0,
    "workplace": 3.5,
    "event": 5.0,
    "travel": 2.0,
    "healthcare": 3.0,
}
HUB_SHARE = {"household": 0.6, "event": 0.5, "travel": 0.5}
MAX_SIZE = 300
MAX_KOMMUNER = 8


@dataclass
class Clusters:
    members: np.ndarray  # case rows, grouped by cluster, each cluster sorted by test day
    offsets: np.ndarray  # cluster c has members[offsets[c]:offsets[c+1]]
    setting: np.ndarray  # int8 index into CLUSTER_SETTINGS
    sources: np.ndarray  # per member: case row of the source (-1 for the index)
    confirmed: np.ndarray  # per member link
    household_link: np.ndarray  # per member link: setting of the link is household
    ids: list[str]  # per cluster, in cluster order

    def __len__(self) -> int:
        return len(self.offsets) - 1


def cluster_share(days: np.ndarray) -> np.ndarray:
    """Share of cases traced into clusters: high while tracing was done, low with omicron."""
    return piecewise(
        days,
        [
            ("2020-03-10", 0.2),
            ("2020-05-01", 0.3),
            ("2021-12-15", 0.3),
            ("2022-01-15", 0.1),
            ("2022-02-12", 0.03),
            ("2023-02-28", 0.02),
        ],
    )


class _Finder:
    """Cases grouped by kommune and sorted by test day, with a free/taken flag."""

    def __init__(self, cases: Cases, n_kommuner: int) -> None:
        self.order = np.lexsort((cases.test_day, cases.kommune))
        self.day = cases.test_day[self.order].astype(np.int64)
        kommune = cases.kommune[self.order]
        self.start = np.searchsorted(kommune, np.arange(n_kommuner + 1))
        self.age = cases.age[self.order]
        self.imported = cases.imported[self.order]
        self.taken = np.zeros(len(cases), dtype=bool)  # by case row

    def window(self, kommune: int, first: int, last: int) -> np.ndarray:
        lo, hi = self.start[kommune], self.start[kommune + 1]
        a = lo + np.searchsorted(self.day[lo:hi], first, side="left")
        b = lo + np.searchsorted(self.day[lo:hi], last, side="right")
        return np.arange(a, b)

    def candidates(
        self,
        kommuner: list[int],
        first: int,
        last: int,
        ages: np.ndarray,
        want: int,
        rng: np.random.Generator,
        *,
        travel: bool = False,
    ) -> np.ndarray:
        """Up to ``want`` free cases; imported cases join travel clusters only."""
        pos = np.concatenate([self.window(k, first, last) for k in kommuner])
        if len(pos) > 25 * want:
            pos = np.unique(rng.choice(pos, size=25 * want))
        rows = self.order[pos]
        rows = rows[~self.taken[rows] & ages[self.age[pos]] & (travel | ~self.imported[pos])]
        if len(rows) > want:
            rows = rows[rng.permutation(len(rows))[:want]]
        return rows


def build_clusters(
    cases: Cases, geo: Geography, fraction: float, rng: np.random.Generator
) -> Clusters:
    finder = _Finder(cases, geo.n)
    groups: list[np.ndarray] = []
    settings: list[int] = []

    mega = _mega_cluster(cases, geo, finder, fraction, rng)
    if mega is not None:
        groups.append(mega)
        settings.append(CS["event"])

    share = cluster_share(cases.test_day)
    target = float(share.sum()) - sum(len(g) for g in groups)
    picked = np.flatnonzero(rng.random(len(cases)) < share / 4.0)
    picked = picked[rng.permutation(len(picked))]
    clustered = 0
    closed = (cases.test_day >= day_of("2020-03-12")) & (cases.test_day < day_of("2020-04-27"))
    cumulative = np.cumsum(
        SETTING_BY_INDEX_AGE / SETTING_BY_INDEX_AGE.sum(axis=1, keepdims=True), axis=1
    )
    for index in picked:
        if clustered >= target:
            break
        if finder.taken[index]:
            continue
        setting = int((rng.random() > cumulative[cases.age[index]]).sum())
        setting = min(setting, len(CLUSTER_SETTINGS) - 1)
        name = CLUSTER_SETTINGS[setting]
        if closed[index] and name in ("school", "kindergarten"):
            name, setting = "household", CS["household"]
        if cases.imported[index]:
            name, setting = "travel", CS["travel"]
        size = _draw_size(name, rng)
        span = 10 if name == "household" else int(7 + 3 * np.sqrt(size))
        kommune = int(cases.kommune[index])
        kommuner = [kommune]
        if size >= 8 and name in ("event", "workplace", "school") and rng.random() < 0.35:
            nb = list(geo.neighbours[kommune])
            extra = rng.permutation(len(nb))[: min(len(nb), 3)]
            kommuner += [nb[i] for i in extra]
        first = int(cases.test_day[index])
        finder.taken[index] = True
        members = finder.candidates(
            kommuner,
            first,
            first + span,
            ALLOWED_AGES[name],
            size - 1,
            rng,
            travel=name == "travel",
        )
        if len(members) < 2:
            finder.taken[index] = False
            continue
        finder.taken[members] = True
        groups.append(np.concatenate([[index], members]))
        settings.append(setting)
        clustered += len(members) + 1
    return _finish(groups, settings, cases, geo, rng)


def _draw_size(name: str, rng: np.random.Generator) -> int:
    if name == "household":
        return int(3 + min(rng.geometric(0.55) - 1, 5))
    size = 3 + int(rng.pareto(1.7) * SIZE_SCALE[name])
    # The tail beyond the largest ordinary outbreak is spread out instead of piling up at it.
    return size if size <= MAX_SIZE else int(rng.integers(MAX_SIZE // 3, MAX_SIZE + 1))


def _mega_cluster(
    cases: Cases, geo: Geography, finder: _Finder, fraction: float, rng: np.random.Generator
) -> np.ndarray | None:
    """One very large outbreak (an event in Oslo as omicron arrived) so that the network view is
    exercised at size: about 1 200 members at full scale."""
    oslo = geo.index_of("0301")
    kommuner = [oslo] + [
        geo.index_of(c) for c in ("3201", "3207", "3205", "3222", "3203", "3212") if c in geo.codes
    ]
    first, last = day_of("2021-11-26"), day_of("2021-12-31")
    want = round(1_200 * max(fraction, 0.25))
    available = sum(len(finder.window(k, first, last)) for k in kommuner)
    want = min(want, int(0.5 * available))
    if want < 20:
        return None
    rows = finder.candidates(sorted(set(kommuner)), first, last, ALLOWED_AGES["event"], want, rng)
    if len(rows) < 20:
        return None
    finder.taken[rows] = True
    return rows


def _finish(
    groups: list[np.ndarray],
    settings: list[int],
    cases: Cases,
    geo: Geography,
    rng: np.random.Generator,
) -> Clusters:
    sorted_groups = []
    for rows in groups:
        # index first: earliest test day; ties keep the index case in front
        key = cases.test_day[rows].astype(np.int64) * 2 + (np.arange(len(rows)) > 0)
        sorted_groups.append(rows[np.argsort(key, kind="stable")])
    # cluster order: by first case day, then kommune of the index
    first_day = np.array([cases.test_day[g[0]] for g in sorted_groups], dtype=np.int64)
    first_k = np.array([cases.kommune[g[0]] for g in sorted_groups], dtype=np.int64)
    order = np.lexsort((first_k, first_day))
    sorted_groups = [sorted_groups[i] for i in order]
    settings_arr = np.array([settings[i] for i in order], dtype=np.int8)
    first_day = first_day[order]

    ids: list[str] = []
    counters: dict[int, int] = {}
    for d in first_day:
        year = date_of(int(d)).year
        counters[year] = counters.get(year, 0) + 1
        ids.append(f"K{year}-{counters[year]:05d}")

    sizes = np.array([len(g) for g in sorted_groups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    members = np.concatenate(sorted_groups) if sorted_groups else np.zeros(0, dtype=np.int64)
    # transmission tree: every member after the index gets one earlier member as source
    position = np.arange(len(members)) - np.repeat(offsets[:-1], sizes)
    hub = np.array([HUB_SHARE.get(CLUSTER_SETTINGS[s], 0.25) for s in settings_arr])
    member_hub = np.repeat(hub, sizes)
    pick = np.floor(rng.random(len(members)) * position).astype(np.int64)
    pick = np.where(rng.random(len(members)) < member_hub, 0, pick)
    source_pos = np.repeat(offsets[:-1], sizes) + pick
    sources = np.where(position > 0, members[source_pos], -1)
    confirmed = rng.random(len(members)) < 0.65
    household_link = (rng.random(len(members)) < 0.12) & (
        np.repeat(settings_arr, sizes) != CS["household"]
    )

    cluster_no = np.repeat(np.arange(len(sorted_groups), dtype=np.int32), sizes)
    cases.cluster[members] = cluster_no
    setting_of_case = np.array(
        [INFECTION_SETTINGS.index(s) for s in CLUSTER_SETTINGS], dtype=np.int8
    )
    cases.setting[members] = setting_of_case[np.repeat(settings_arr, sizes)]
    return Clusters(members, offsets, settings_arr, sources, confirmed, household_link, ids)


def cluster_tables(
    cl: Clusters, cases: Cases, keys: np.ndarray, codes: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(cl)
    sizes = np.diff(cl.offsets)
    starts = cl.offsets[:-1]
    day = cases.test_day[cl.members].astype(np.int64)
    first = day[starts] if n else np.zeros(0, dtype=np.int64)
    last = np.maximum.reduceat(day, starts) if n else np.zeros(0, dtype=np.int64)
    index_kommune = cases.kommune[cl.members[starts]] if n else np.zeros(0, dtype=np.int16)
    involved = []
    for c in range(n):
        ks = np.unique(cases.kommune[cl.members[cl.offsets[c] : cl.offsets[c + 1]]])
        involved.append(" ".join(codes[k] for k in ks))
    status = np.where(last >= N_DAYS - 1 - 14, 0, 1)
    cluster = pd.DataFrame(
        {
            "id": cl.ids,
            **base_columns(n),
            "kommunenummer": categorical(index_kommune, codes),
            "setting": categorical(cl.setting, CLUSTER_SETTINGS),
            "first_case_date": dates_column(first),
            "last_case_date": dates_column(last),
            "size": sizes.astype(np.int32),
            "status": categorical(status, ("active", "closed")),
            "kommuner_involved": involved,
        }
    )
    cluster_of_member = np.repeat(np.arange(n), sizes)
    ids = (
        pd.Categorical.from_codes(cluster_of_member, categories=cl.ids) if n else pd.Categorical([])
    )
    role = np.where(np.arange(len(cl.members)) == np.repeat(starts, sizes), 0, 1)
    membership = pd.DataFrame(
        {
            "cluster_id": ids,
            "person_key": keys[cases.person[cl.members]],
            "disease": pd.Categorical.from_codes(np.zeros(len(cl.members), np.int8), [DISEASE]),
            "kommunenummer": categorical(cases.kommune[cl.members], codes),
            "age_band": categorical(cases.age[cl.members], AGE_BANDS),
            "test_date": dates_column(day),
            "role": categorical(role, ("index", "member")),
        }
    )
    linked = np.flatnonzero(cl.sources >= 0)
    link_setting = np.where(
        cl.household_link[linked], CS["household"], np.repeat(cl.setting, sizes)[linked]
    )
    links = pd.DataFrame(
        {
            "cluster_id": ids[linked] if n else pd.Categorical([]),
            "source_person_key": keys[cases.person[cl.sources[linked]]],
            "target_person_key": keys[cases.person[cl.members[linked]]],
            "link_date": dates_column(day[linked]),
            "setting": categorical(link_setting, CLUSTER_SETTINGS),
            "confidence": categorical(
                np.where(cl.confirmed[linked], 0, 1), ("confirmed", "probable")
            ),
        }
    )
    return cluster, membership, links
