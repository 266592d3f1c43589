"""plotly.js as the browser gets it: the partial bundle set-up builds (dashboard/vendor.py)
holds every trace type the pages draw, and is what the renderer loads."""

from __future__ import annotations

import brotli
import pytest

from dashboard import vendor
from dashboard.app_factory import PLOTLY_JS_PATH
from tests.browser_helpers import interactive_charts, start_and_login, wait_rendered

# pages whose graphs, between them, use every trace type the app draws: the map (choropleth,
# scattergeo overlays), the Kommune page (bar, scatter), Vaksinasjon (heatmap), Innreise
# (funnel), Klynger, Testing and Sykehus
PAGES = (
    "/?dato=2022-01-15",
    "/kommune/0301?dato=2022-01-15",
    "/vaksinasjon/0301?dato=2022-01-15",
    "/innreise/0301?dato=2021-06-15",
    "/klynger/0301?dato=2022-01-15",
    "/testing/0301?dato=2022-01-15",
    "/sykehus/0301?dato=2022-01-15",
)
GRAPHS_JS = """
const known = new Set(Object.keys(Plotly.PlotSchema.get().traces));
const used = [...document.querySelectorAll('.js-plotly-plot')]
  .flatMap(gd => (gd.data || []).map(t => t.type || 'scatter'));
const loaded = performance.getEntriesByType('resource')
  .filter(e => e.name.endsWith('plotly.min.js'))
  .map(e => e.decodedBodySize);
return {used: used, unknown: used.filter(t => !known.has(t)), loaded: loaded,
        known: [...known]};
"""


def _bundle_built(app) -> bool:  # type: ignore[no-untyped-def]
    from dashboard.settings import load_settings

    return vendor.plotly_partial_path(load_settings().assets_dir).exists()


def test_the_renderer_gets_the_partial_bundle(app) -> None:  # type: ignore[no-untyped-def]
    if not _bundle_built(app):
        pytest.skip("no partial plotly.js bundle: set-up (situasjonsbilde geo) did not build it")
    client = app.server.test_client()
    response = client.get(f"/{PLOTLY_JS_PATH}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    assert response.cache_control.max_age == 86400
    plain = client.get(f"/{PLOTLY_JS_PATH}")
    body = plain.get_data()
    again = client.get(f"/{PLOTLY_JS_PATH}", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304  # a browser that has it downloads nothing
    assert vendor.PLOTLY_PARTIAL_MARKER.encode() in body[:300]
    assert len(body) < 2_000_000  # the full bundle is 4.8 MB
    # a browser that takes brotli gets the copy compressed once at brotli's best level: the
    # same bytes, a sixth smaller than per-request gzip
    br = client.get(f"/{PLOTLY_JS_PATH}", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert br.headers.get("Content-Encoding") == "br"
    assert "Accept-Encoding" in br.headers.get("Vary", "")
    assert brotli.decompress(br.get_data()) == body
    assert len(br.get_data()) < 0.85 * len(response.get_data())
    assert br.headers["ETag"] != plain.headers["ETag"]


@pytest.mark.browser
def test_every_graph_type_is_in_the_bundle(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    if not _bundle_built(app):
        pytest.skip("no partial plotly.js bundle: set-up (situasjonsbilde geo) did not build it")
    start_and_login(dash_duo, app, next_path=PAGES[0])
    used: set[str] = set()
    for n, path in enumerate(PAGES):
        if n:
            dash_duo.driver.get(f"{dash_duo.server_url}{path}")
        wait_rendered(dash_duo.driver)
        interactive_charts(dash_duo.driver)  # the charts below the fold too
        dash_duo.wait_for_element(".js-plotly-plot", timeout=30)
        got = dash_duo.driver.execute_script(GRAPHS_JS)
        assert not got["unknown"], f"{path}: trace types not in the bundle: {got['unknown']}"
        assert got["loaded"] and max(got["loaded"]) < 2_000_000, (path, got["loaded"])
        used |= set(got["used"])
    # the pages drew every type the bundle was built for (a type no page draws can go)
    assert set(vendor.PLOTLY_TRACES) | {"scatter"} <= used, used
    assert dash_duo.get_logs() == [], "browser console errors"
