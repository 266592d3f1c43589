"""A page's charts do not wait for plotly.js (issue 22; layouts/lazy_graph.py,
assets/lazygraph.js): each chart is first a static picture drawn from its figure, with the
chart's text alternative, while plotly.js is not loaded; the interactive chart then replaces
it, saying the same. The map's geometry is downloaded once for both."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import browser_login, start_server

pytestmark = pytest.mark.browser

STATE_JS = """
const box = document.querySelector(arguments[0]);
const picture = box && box.querySelector('svg.sb-static-svg, svg.main-svg');
const details = box && box.querySelector('details.chart-data');
return {
  plotly: typeof window.Plotly !== 'undefined',
  plotlyRequested: performance.getEntriesByType('resource')
    .some(e => e.name.endsWith('plotly.min.js')),
  static: !!(box && box.querySelector('.sb-static-graph')),
  interactive: !!(box && box.querySelector('.js-plotly-plot')),
  marks: box ? box.querySelectorAll(
    '.sb-static-svg rect, .sb-static-svg path, .sb-static-svg circle').length : 0,
  label: picture ? picture.getAttribute('aria-label') : null,
  role: picture ? picture.getAttribute('role') : null,
  table: details ? details.querySelector('table').textContent : null,
};
"""


def _state(driver, selector: str) -> dict:  # type: ignore[no-untyped-def]
    return driver.execute_script(STATE_JS, selector)


def _static_then_interactive(driver, selector: str, min_marks: int) -> None:  # type: ignore[no-untyped-def]
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: _state(d, selector)["marks"] >= min_marks and _state(d, selector)["label"])
    first = _state(driver, selector)
    # drawn, and described, before plotly.js was even asked for
    assert first["static"] and not first["interactive"], first
    assert not first["plotly"] and not first["plotlyRequested"], first
    assert first["role"] == "img" and first["table"], first
    # the interactive chart replaces the picture once the user has it on the screen, and
    # says the same
    driver.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    wait.until(lambda d: _state(d, selector)["interactive"] and _state(d, selector)["label"])
    wait.until(lambda d: _state(d, selector)["table"])
    then = _state(driver, selector)
    assert not then["static"], then
    assert then["label"] == first["label"]
    assert then["table"] == first["table"]
    assert len(driver.find_elements(By.CSS_SELECTOR, f"{selector} details.chart-data")) == 1


def _open_uncached(dash_duo, app, user: str, path: str):  # type: ignore[no-untyped-def]
    """The page as ``user`` sees it on a first visit: nothing from the browser's cache, so
    every download (plotly.js, the geometry) is seen."""
    driver = dash_duo.driver
    start_server(dash_duo, app)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    browser_login(dash_duo, user, path)
    return driver


def test_charts_are_pictures_first_then_interactive(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    driver = _open_uncached(dash_duo, app, "lege-oslo", "/morgenbrief/0301?dato=2022-01-15")
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Oslo", timeout=30)
    # the daily cases: a bar per day and the 7-day mean
    _static_then_interactive(driver, "#brief-daily", 20)
    assert dash_duo.get_logs() == [], "browser console errors"


def test_the_map_is_a_picture_first_and_its_geometry_comes_once(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    driver = _open_uncached(dash_duo, app, "ks-analytiker", "/?dato=2022-01-15")
    # every kommune drawn in the picture
    _static_then_interactive(driver, "#map", 356)
    polygons = "#map g.choroplethlayer path.choroplethlocation"
    WebDriverWait(driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, polygons)) >= 356
    )
    geometry = driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('geojson')).map(e => e.name)"
    )
    assert len(geometry) == 1, geometry
    assert dash_duo.get_logs() == [], "browser console errors"
