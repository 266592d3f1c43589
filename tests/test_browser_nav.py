"""Navigation that fits: grouped menus on one line at 1,280 px, every page of the role
reachable (by mouse and keyboard), and no overlapping boxes of the key elements on a phone
(390 px) or at 200 % zoom (640 px, a 1,280 px screen zoomed)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import (
    MENU_OF_TOGGLE,
    browser_login,
    nav_items,
    start_server,
    wait_rendered,
)
from tests.test_browser_axe import _charts

pytestmark = pytest.mark.browser

# the boxes of the navigation's top-level entries
NAV_BOXES_JS = """
return [...document.querySelectorAll('#main-nav > *')].map(el => {
  const r = el.getBoundingClientRect();
  return {text: el.innerText.trim(), top: r.top, bottom: r.bottom, left: r.left, right: r.right};
}).filter(b => b.bottom > b.top);
"""

# Key elements of a page that must not overlap: every visible heading, label, control,
# summary, paragraph and graph in the main area and the header, leaves only (an element
# is compared with those that neither contain it nor are contained in it).
OVERLAP_JS = """
const selector = 'header .navbar-brand, header #nav-toggler, header #language-switch, '
  + 'header #data-status, header #user-status, main h1, main h2, main h3, main label, '
  + 'main p, main summary, main .dash-graph, main .dash-dropdown, main .form-check, '
  + 'main #map-definition, main #map-summary, main .card';
const boxes = [...document.querySelectorAll(selector)].filter(el => {
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  // a text element without text shows nothing that could be covered
  const textual = /^(P|H1|H2|H3|LABEL|SUMMARY)$/.test(el.tagName);
  if (textual && !(el.innerText || '').trim()) { return false; }
  return r.width > 0 && r.height > 0 && style.visibility !== 'hidden';
});
const overlaps = [];
for (let i = 0; i < boxes.length; i++) {
  for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.contains(b) || b.contains(a)) { continue; }
    const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
    const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (x > 2 && y > 2) {
      const name = el => `${el.tagName.toLowerCase()}#${el.id}.${String(el.className)
        .split(' ')[0]} in #${(el.parentElement.closest('[id]') || {}).id} `
        + `"${(el.innerText || '').trim().slice(0, 30)}"`;
      overlaps.push(`${name(a)} × ${name(b)} (${Math.round(x)}×${Math.round(y)} px)`);
    }
  }
}
return {count: boxes.length, overlaps: overlaps};
"""


def test_nav_is_one_line_of_menus_and_reaches_every_page(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    start_server(dash_duo, app)
    driver.set_window_size(1280, 900)
    browser_login(dash_duo, "admin", "/")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#main-nav > *"))
    boxes = driver.execute_script(NAV_BOXES_JS)
    assert 3 <= len(boxes) <= 6, boxes
    tops = {round(b["top"]) for b in boxes}
    assert max(tops) - min(tops) <= 2, f"the navigation wraps: {boxes}"
    brand = driver.find_element(By.CSS_SELECTOR, ".navbar-brand").rect
    assert all(abs(b["top"] - brand["y"]) < 30 for b in boxes), (brand, boxes)
    items = nav_items(driver)
    names = [text for text, _href in items]
    # every page of the role (16 for the administrator), each once
    assert len(names) == len(set(names)) >= 15, names
    assert "Revisjonslogg" in names and "Morgenbrief" in names

    # keyboard: Tab to the first menu, Enter opens it, arrow down reaches its first page
    toggle = driver.find_element(By.CSS_SELECTOR, "#main-nav .dropdown-toggle")
    toggle.send_keys(Keys.ENTER)
    menu = toggle.find_element(By.XPATH, MENU_OF_TOGGLE)
    WebDriverWait(driver, 5).until(lambda _d: menu.is_displayed())
    toggle.send_keys(Keys.ARROW_DOWN)
    focused = driver.switch_to.active_element
    assert "dropdown-item" in (focused.get_attribute("class") or ""), focused.get_attribute(
        "outerHTML"
    )
    focused.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "/morgenbrief/" in d.current_url)


@pytest.mark.parametrize("width", [390, 640])
def test_no_overlaps_on_a_phone_and_at_200_percent(dash_duo, app, width) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    start_server(dash_duo, app)
    driver.set_window_size(width, 900)
    browser_login(dash_duo, "lege-oslo", "/")
    problems = {}
    for path in ("/", "/oversikt", "/morgenbrief/0301", "/krisemote/0301"):
        driver.get(f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element("#react-entry-point main", timeout=20)
        wait_rendered(driver)
        _charts(driver)
        found = driver.execute_script(OVERLAP_JS)
        assert found["count"] > 5, (path, found)
        if found["overlaps"]:
            problems[path] = found["overlaps"]
    assert not problems, problems
