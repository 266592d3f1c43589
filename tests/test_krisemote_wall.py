"""Krisemøte fills the wall: the first panel holds the situation, what changed since the
last meeting, the neighbours, this week's rules and a chart whose gaps are explained."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboard.auth import DEMO_USERS, scope_for
from dashboard.briefing import build_briefing, neighbour_table
from data import queries
from data.scope import Scope
from tests.conftest import login
from tests.dash_http import KRISE_OUTPUTS, call, values
from tests.test_overview import DATE
from tests.test_page_testing import find, texts


def _panels(client: Any, kommune: str, store: Any) -> list:
    status, body, _ = call(
        client,
        outputs=KRISE_OUTPUTS,
        inputs=[("krise-kommune", "data", kommune), ("krise-refresh", "n_clicks", 0)],
        state=[("krise-date", "data", store)],
    )
    assert status == 200
    return body["response"]["krise-panels"]["children"]


def test_wall_has_the_situation_changes_neighbours_and_rules(app) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "krise-bergen")
    since = DATE - dt.timedelta(days=10)
    panels = _panels(client, "4601", {"dato": DATE.isoformat(), "forrige": since.isoformat()})
    wall = panels[0]
    for box in ("krise-since", "krise-neighbours", "krise-rules", "krise-gaps"):
        assert find(wall, box) is not None, box
    for key in ("incidence_7d", "cases_7d", "admissions_7d", "positivity_7d", "active_clusters"):
        assert find(wall, f"krise-{key}") is not None, key
    # what changed: the last meeting's value → today's, the Morgenbrief's of each day
    scope = scope_for(DEMO_USERS["krise-bergen"])
    now = build_briefing(scope=scope, kommunenummer="4601", date=DATE).indicators
    then = build_briefing(scope=scope, kommunenummer="4601", date=since).indicators
    lines = texts(find(wall, "krise-since"))
    assert lines[0] == f"Siden forrige møte ({since.strftime('%d.%m.%Y')})"
    shown = dict(zip(lines[1::2], lines[2::2], strict=True))
    incidence = now["incidence_7d"]
    assert shown[incidence.label + ": "] == (
        f"{then['incidence_7d'].display_percent()} → {incidence.display_percent()}"
    )
    # the neighbours the Morgenbrief lists, highest incidence first
    table = neighbour_table(scope=scope, kommunenummer="4601", date=DATE)
    names = [t for t in texts(find(wall, "krise-neighbours")) if t in set(table["name"])]
    expected = table.sort_values("incidence_7d", ascending=False)["name"].head(5)
    assert names == list(expected)


def test_gaps_in_the_line_are_shaded_and_named(app) -> None:  # type: ignore[no-untyped-def]
    """A KS analyst sees a small kommune's line broken where its count is withheld: each
    missing day lies in a shaded band, and the note under the chart names the periods."""
    client = login(app.server.test_client(), "ks-analytiker")
    # the smallest kommuner first: the first whose line the KS analyst sees broken
    kommuner = queries.kommune_list(scope=Scope.full()).sort_values("population")
    for code in kommuner["kommunenummer"].head(12):
        wall = _panels(client, code, DATE.isoformat())[0]
        graphs = _components(wall, "Graph")
        assert len(graphs) == 1
        figure = graphs[0]["props"]["figure"]
        own = figure["data"][0]
        days = pd.to_datetime(pd.Series(values(own["x"]))).dt.date
        ys = values(own["y"])
        missing = [d for d, y in zip(days, ys, strict=True) if y is None or y != y]  # NaN
        if missing:
            break
    assert missing, "no small kommune's 7-day count is withheld for KS in 120 days"
    bands = [
        (dt.date.fromisoformat(s["x0"][:10]), dt.date.fromisoformat(s["x1"][:10]))
        for s in figure["layout"].get("shapes", [])
        if s.get("name") == "withheld"  # not the incomplete last days' band
    ]
    for day in missing:
        assert any(a <= day < b for a, b in bands), day
    for a, b in bands:  # a band covers missing days only
        assert all(d in missing for d in days if a <= d < b)
    note = " ".join(texts(find(wall, "krise-gaps")))
    assert "skjult" in note.lower() and "for få tilfeller" in note
    assert missing[0].strftime("%d.%m.%Y") in note


def _components(tree: Any, kind: str) -> list[dict]:
    if isinstance(tree, dict):
        found = [tree] if tree.get("type") == kind else []
        return found + [c for v in tree.values() for c in _components(v, kind)]
    if isinstance(tree, list):
        return [c for v in tree for c in _components(v, kind)]
    return []
