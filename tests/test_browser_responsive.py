"""Universal design: every page reflows on a tablet and at 200 % zoom (WCAG 1.4.10).

Two window sizes: a tablet in portrait (768 × 1024) and 640 px wide, which is what a 1280 px
screen shows at 200 % zoom. On every page in the navigation: no horizontal scrolling of the
page itself, and no control cut off at the window's edge (wide tables may scroll inside their
own box: controls in such a box are left out).
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import browser_login, start_server, wait_rendered
from tests.test_browser_axe import _charts, _nav_paths

pytestmark = pytest.mark.browser

SIZES = {"tablet 768x1024": (768, 1024), "200% zoom 640x900": (640, 900)}

# The page's overflow, and the controls outside the window (not inside a scrolling box).
OVERFLOW_JS = """
const width = window.innerWidth;
const page = document.documentElement.scrollWidth;
const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
  + '[role=button], [role=combobox]';
const scrolls = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) { return true; }
  }
  return false;
};
const clipped = [];
document.querySelectorAll(selector).forEach(el => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') { return; }
  if (el.closest('.modebar-container, .dash-table-container, .visually-hidden-focusable')) {
    return;
  }
  if ((r.left < -1 || r.right > width + 1) && !scrolls(el)) {
    clipped.push(`<${el.tagName.toLowerCase()} id=${el.id}> ${(el.textContent || '').trim()
      .slice(0, 30)} [${Math.round(r.left)}..${Math.round(r.right)}]`);
  }
});
// the widest elements, to say what overflows
const wide = [];
if (page > width + 1) {
  document.querySelectorAll('body *').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      wide.push(`${el.tagName.toLowerCase()}#${el.id}.${String(el.className).slice(0, 40)} `
        + `right=${Math.round(r.right)}`);
    }
  });
}
return {width: width, page: page, clipped: clipped, wide: wide.slice(0, 5)};
"""


def test_every_page_reflows(dash_duo, app, capsys) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    start_server(dash_duo, app)
    browser_login(dash_duo, "lege-oslo", "/")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "nav a"))
    paths = _nav_paths(driver)
    assert len(paths) >= 10, paths
    problems: dict[tuple[str, str], dict] = {}
    rows = []
    for label, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        for path in paths:
            driver.get(f"{dash_duo.server_url}{path}")
            dash_duo.wait_for_element("#react-entry-point main", timeout=20)
            wait_rendered(driver)
            _charts(driver)
            found = dict(driver.execute_script(OVERFLOW_JS))
            rows.append(
                f"{label:<18} {path:<20} window={found['width']:>4} page={found['page']:>4} "
                f"clipped={len(found['clipped'])}"
            )
            if found["page"] > found["width"] + 1 or found["clipped"]:
                problems[(label, path)] = found
    with capsys.disabled():
        print("\nReflow (page width must not exceed the window):")
        print("\n".join(rows))
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


# In print media: what is hidden, what stays (computed display of the first match).
PRINT_JS = """
const shown = sel => {
  const el = document.querySelector(sel);
  return el === null ? null : getComputedStyle(el).display !== 'none';
};
return {
  nav: shown('nav.navbar'), language: shown('#language-switch'), footer: shown('footer'),
  dropdown: shown('.dash-dropdown'), date: shown('.dash-datepicker-input'),
  buttons: shown('#brief-print'), modebar: shown('.modebar-container'),
  title: shown('#brief-title'), graph: shown('.js-plotly-plot, .sb-static-graph'),
  source: shown('#brief-source'),
  status: shown('#data-status'),
};
"""


def test_print_styles(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    """The printed brief: no navigation or controls; title, charts, sources and status stay."""
    driver = dash_duo.driver
    start_server(dash_duo, app)
    browser_login(dash_duo, "lege-oslo", "/morgenbrief/0301")
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Oslo", timeout=30)
    wait_rendered(driver)
    _charts(driver)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        found = dict(driver.execute_script(PRINT_JS))
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    hidden = ("nav", "language", "footer", "dropdown", "date", "buttons", "modebar")
    kept = ("title", "graph", "source", "status")
    assert not any(found[k] for k in hidden), found
    assert all(found[k] for k in kept), found
