"""No layout shift while a page loads (issue 22, Lighthouse CLS ≤ 0.05): the browser's own
layout-shift entries, recorded from the first byte of the page, add up to at most 0.05 on the
map, the Morgenbrief, the Kommuneoversikt and a subject page, on a phone and on a desktop
screen, each page loaded with the browser's cache off.

What used to move: on a phone the status line (data date, user) filled its one reserved line
and broke onto a second, pushing the page down; each dropdown and date picker (their scripts
load on demand) took its height only when its script arrived, and a graph waited for
plotly.js in a box of no height; dcc.Loading's spinner, centred in its box, was recorded as
moving half a screen when the box filled. The boxes are reserved in layouts/common.py and
assets/app.css."""

from __future__ import annotations

import pytest

from tests.browser_helpers import browser_login, start_server, wait_rendered

pytestmark = pytest.mark.browser

RECORD_SHIFTS = """
window.__sbShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) {
    if (entry.hadRecentInput) { return; }
    window.__sbShifts.push({value: entry.value, sources: (entry.sources || []).map(function (s) {
      var n = s.node;
      return (n ? n.nodeName + '#' + (n.id || '') + '.' + String(n.className || '').slice(0, 40)
        : '?') + ' y ' + Math.round(s.previousRect.y) + '->' + Math.round(s.currentRect.y);
    })});
  });
}).observe({type: 'layout-shift', buffered: true});
"""

PAGES = [
    ("ks-analytiker", "/"),
    ("lege-oslo", "/morgenbrief/0301"),
    ("ks-analytiker", "/oversikt"),
    ("lege-oslo", "/vaksinasjon/0301"),
]
SIZES = {"phone 412x823": (412, 823), "desktop 1350x940": (1350, 940)}


@pytest.mark.parametrize("size", SIZES)
def test_pages_do_not_move_while_they_load(dash_duo, app, size) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    driver.set_window_size(*SIZES[size])
    start_server(dash_duo, app)
    # a first visit, as Lighthouse makes it: nothing from the browser's cache
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SHIFTS})
    failures = []
    for user, path in PAGES:
        browser_login(dash_duo, user, path)
        wait_rendered(driver)
        shifts = driver.execute_script("return window.__sbShifts || []")
        total = sum(s["value"] for s in shifts)
        print(f"{size} {path}: CLS {total:.4f}", [s["sources"] for s in shifts])
        if total > 0.05:
            failures.append((path, round(total, 3), [s["sources"] for s in shifts]))
    assert not failures, failures
