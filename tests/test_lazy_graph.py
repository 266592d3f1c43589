"""Every chart a page lays out is a LazyGraph (layouts/lazy_graph.py, issue 22): a dcc.Graph
in a layout would hold back its page's callbacks until plotly.js has loaded, and draw with all
the page's figures in one long task (tests/test_browser_lazy_graph.py shows the picture-first
behaviour in a browser)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from layouts.common import EMPTY_FIGURE, graph
from layouts.lazy_graph import LazyGraph

ROOT = Path(__file__).resolve().parent.parent
# Krisemøte's wall: a static plot (staticPlot) inside a callback's children, never an output
ALLOWED = {"callbacks/krisemote.py"}


def _graph_calls(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Graph"
    )


def test_no_page_lays_out_a_plain_dcc_graph() -> None:
    sources = [*ROOT.glob("layouts/**/*.py"), *ROOT.glob("callbacks/**/*.py")]
    assert len(sources) > 20
    found = {
        str(p.relative_to(ROOT)): n
        for p in sources
        if str(p.relative_to(ROOT)) not in ALLOWED and (n := _graph_calls(p))
    }
    assert not found, f"dcc.Graph built directly (use layouts.common.graph/lazy_graph): {found}"


def test_a_chart_is_a_lazy_graph_with_a_graphs_props() -> None:
    chart = graph("brief-daily")
    assert isinstance(chart, LazyGraph)
    sent = chart.to_plotly_json()  # what the browser gets
    assert (sent["namespace"], sent["type"]) == ("sb_components", "LazyGraph")
    assert sent["props"]["figure"] == EMPTY_FIGURE
    assert sent["props"]["config"]["displaylogo"] is False
    with pytest.raises(TypeError, match="unknown props"):
        LazyGraph(id="x", figur={})  # a typo would silently draw nothing
