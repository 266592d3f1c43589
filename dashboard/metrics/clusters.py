"""Pure metrics for clusters and transmission chains: network layout and collapsing."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

MAX_NODES = 3000
OUTSIDE = "outside"  # role and setting of an anonymous member in another kommune


def with_outside(
    members: pd.DataFrame, links: pd.DataFrame, outside: pd.DataFrame | None
) -> pd.DataFrame:
    """The reader's members plus one anonymous row per member elsewhere that a link reaches
    (``outside``: node, kommunenummer, from :func:`data.tracing.transmission_links`).

    An anonymous row has no age and no date of its own: it is drawn a day before the first
    own case it infected, or a day after the own case that infected it.
    """
    if outside is None or outside.empty:
        return members
    dates = pd.to_datetime(members.set_index("person_key")["test_date"])
    rows = []
    for node, kommune in zip(outside["node"], outside["kommunenummer"], strict=True):
        infected = links.loc[links["source"] == node, "target"].map(dates).dropna()
        infector = links.loc[links["target"] == node, "source"].map(dates).dropna()
        if len(infected):
            x = infected.min() - pd.Timedelta(days=1)
        elif len(infector):
            x = infector.min() + pd.Timedelta(days=1)
        else:
            continue
        rows.append((node, kommune, None, x, OUTSIDE))
    extra = pd.DataFrame(rows, columns=list(members.columns[:5]))
    out = pd.concat([members.assign(test_date=pd.to_datetime(members["test_date"])), extra])
    return out.reset_index(drop=True)


def network_layout(members: pd.DataFrame, links: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions for a transmission forest: x = test date, y = a tidy-tree order (leaves on
    consecutive rows, a parent centred on its children), so chains read left to right.

    ``members``: person_key, kommunenummer, age_band, test_date, role.
    ``links``: source, target, link_date, setting, confidence. Links whose ends are not both
    among ``members`` are dropped (the reader may see only part of a cluster).
    Returns (nodes with x, y, setting, infected_by, infected, generation; edges with x0, y0,
    x1, y1, setting, confidence).
    """
    nodes = members.drop_duplicates("person_key").copy()
    nodes["test_date"] = pd.to_datetime(nodes["test_date"])
    keys = set(nodes["person_key"])
    edges = links[links["source"].isin(keys) & links["target"].isin(keys)].copy()
    edges = edges[edges["source"] != edges["target"]].drop_duplicates("target")
    parent = dict(zip(edges["target"], edges["source"], strict=True))
    children: dict[int, list[int]] = defaultdict(list)
    date_of = dict(zip(nodes["person_key"], nodes["test_date"], strict=True))
    for child, par in parent.items():
        children[par].append(child)
    for kids in children.values():
        kids.sort(key=lambda k: (date_of[k], k))
    # break cycles: a node whose ancestry loops is treated as a root
    roots = [k for k in nodes.sort_values(["test_date", "person_key"])["person_key"]]
    roots = [k for k in roots if k not in parent]
    y: dict[int, float] = {}
    generation: dict[int, int] = {}
    row = 0.0
    seen: set[int] = set()

    def place(root: int) -> None:
        nonlocal row
        # iterative post-order: leaves take the next row, parents the mean of their children
        stack: list[tuple[int, int, bool]] = [(root, 0, False)]
        while stack:
            key, depth, done = stack.pop()
            if done:
                kids = [c for c in children.get(key, []) if c in y]
                if kids:
                    y[key] = float(np.mean([y[c] for c in kids]))
                else:
                    y[key] = row
                    row += 1
                continue
            if key in seen:
                continue
            seen.add(key)
            generation[key] = depth
            stack.append((key, depth, True))
            for child in reversed(children.get(key, [])):
                if child not in seen:
                    stack.append((child, depth + 1, False))

    for root in roots:
        place(root)
    for key in nodes["person_key"]:  # members caught in a cycle
        if key not in seen:
            place(key)
    setting_of = dict(zip(edges["target"], edges["setting"], strict=True))
    nodes["y"] = nodes["person_key"].map(y).astype("float64")
    nodes["x"] = nodes["test_date"]
    nodes["generation"] = nodes["person_key"].map(generation).astype("int64")
    nodes["infected_by"] = nodes["person_key"].map(parent)
    nodes["infected"] = nodes["person_key"].map(lambda k: len(children.get(k, []))).astype("int64")
    nodes["setting"] = nodes["person_key"].map(setting_of).fillna("index")
    if "role" in nodes:
        nodes.loc[nodes["role"] == OUTSIDE, "setting"] = OUTSIDE
    edges = _placed(edges, "source", "target", nodes.set_index("person_key"))
    return nodes.reset_index(drop=True), edges.reset_index(drop=True)


def _placed(edges: pd.DataFrame, start: str, end: str, pos: pd.DataFrame) -> pd.DataFrame:
    """The edges with the positions (x0, y0 → x1, y1) of the nodes they join (``pos``: x and y
    by node)."""
    return edges.assign(
        x0=edges[start].map(pos["x"]),
        y0=edges[start].map(pos["y"]),
        x1=edges[end].map(pos["x"]),
        y1=edges[end].map(pos["y"]),
    )


def collapse_network(
    members: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate a cluster too large to draw person by person: one node per test date and
    kommune (size = cases), one edge per pair of such groups (weight = links).

    Returns (groups: group, test_date, kommunenummer, cases, x, y; edges: x0, y0, x1, y1,
    links)."""
    m = members.drop_duplicates("person_key").copy()
    m["test_date"] = pd.to_datetime(m["test_date"])
    m["group"] = m["test_date"].dt.strftime("%Y-%m-%d") + " " + m["kommunenummer"].astype(str)
    groups = (
        m.groupby(["group", "test_date", "kommunenummer"], as_index=False)
        .size()
        .rename(columns={"size": "cases"})
    )
    rows = {k: i for i, k in enumerate(sorted(groups["kommunenummer"].unique()))}
    groups["x"] = groups["test_date"]
    groups["y"] = groups["kommunenummer"].map(rows).astype("float64")
    group_of = dict(zip(m["person_key"], m["group"], strict=True))
    e = links.assign(g0=links["source"].map(group_of), g1=links["target"].map(group_of)).dropna(
        subset=["g0", "g1"]
    )
    e = e.groupby(["g0", "g1"], as_index=False).size().rename(columns={"size": "links"})
    e = _placed(e, "g0", "g1", groups.set_index("group"))
    return groups, e
