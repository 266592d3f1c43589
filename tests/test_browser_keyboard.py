"""Universal design: Morgenbrief and Smittekart work with the keyboard alone.

From page load only keys are pressed (WebDriver key events, never clicks or element.focus()):

- the first Tab reaches the skip link, Enter moves focus into <main>;
- Tab then reaches every interactive control in <main> (links, buttons, inputs, the dropdowns,
  the date picker, radio buttons and switches, the PDF and print actions, the charts' table
  toggles), listed by name when one is never reached;
- every element that receives focus shows a focus indicator (an outline or a box-shadow);
- the key controls work by keyboard: another kommune is chosen in the kommune dropdown by
  typing and Enter, the date is typed, the map's metric is changed and its overlay toggled.
"""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import browser_login, interactive_charts, start_server, wait_rendered

pytestmark = pytest.mark.browser

# Every element that received focus since the page loaded (keyboard only in these tests).
TRACK_JS = """
window.__kbSeen = new Set();
document.addEventListener('focusin', e => window.__kbSeen.add(e.target), true);
"""

# Everything a person can operate inside <main>, visible and enabled, and whether it was focused.
COLLECT_JS = """
const main = document.querySelector('main');
const seen = window.__kbSeen || new Set();
const selector = [
  'a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary',
  '[tabindex]:not([tabindex="-1"])', '[role=button]', '[role=combobox]', '[role=switch]',
  '[role=checkbox]', '[role=radio]', '[contenteditable=true]',
].join(',');
const shown = el => el.getClientRects().length > 0
  && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden], [inert]');
const controls = [];
main.querySelectorAll(selector).forEach(el => {
  if (!shown(el) || el.disabled || el.closest('[aria-hidden=true]')) { return; }
  // inside a closed <details> only its summary can be reached
  const closed = el.closest('details:not([open])');
  if (closed && el !== closed.querySelector(':scope > summary')) { return; }
  // the dropdown's hidden entry point forwards focus to its trigger button: counted there
  if (el.classList.contains('dash-dropdown-focus-target')) { return; }
  controls.push(el);
});
const reachedGroups = new Set(controls.filter(el => el.type === 'radio' && seen.has(el))
                                      .map(el => el.name));
return controls.map(el => ({
  tag: el.tagName.toLowerCase(), id: el.id || '',
  cls: (typeof el.className === 'string' ? el.className : '').slice(0, 60),
  name: (el.getAttribute('aria-label') || el.textContent || el.value
         || el.getAttribute('placeholder') || '').trim().slice(0, 40),
  // a radio group is one Tab stop (arrow keys move within it)
  reached: seen.has(el) || (el.type === 'radio' && reachedGroups.has(el.name)),
}));
"""

# The focused element: its index from COLLECT_JS, where it is, and its focus indicator.
ACTIVE_JS = """
const el = document.activeElement;
if (!el || el === document.body) { return {body: true}; }
const style = getComputedStyle(el);
const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
const shadow = style.boxShadow && style.boxShadow !== 'none';
return {
  body: false,
  inMain: !!el.closest('main'),
  tag: el.tagName.toLowerCase(), id: el.id || '',
  cls: (typeof el.className === 'string' ? el.className : '').slice(0, 60),
  text: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40),
  href: el.getAttribute('href') || '',
  indicator: outline || !!shadow,
  outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow,
};
"""

CHARTS_DONE_JS = """
return [...document.querySelectorAll('.dash-graph')]
  .every(g => g.querySelector('.js-plotly-plot svg.main-svg[aria-label]') !== null);
"""

MAX_TABS = 250


def _press(driver, *keys: str) -> None:  # type: ignore[no-untyped-def]
    ActionChains(driver).send_keys(*keys).perform()


def _active(driver) -> dict:  # type: ignore[no-untyped-def]
    return dict(driver.execute_script(ACTIVE_JS))


def _options(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        driver.execute_script(
            "return [...document.querySelectorAll('[role=option]')].slice(0, 5).map("
            "o => o.textContent + (o.getAttribute('aria-selected') === 'true' ? '*' : '')"
            " + (o.getAttribute('data-highlighted') !== null ? '^' : ''));"
        )
    )


def _describe(el: dict) -> str:
    return f"<{el['tag']} id={el['id']!r} class={el['cls']!r}> {el.get('name', el.get('text'))!r}"


def _load(dash_duo, path: str) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_element("#react-entry-point main", timeout=30)
    wait_rendered(driver)
    # every chart interactive (its modebar's buttons are keyboard stops), drawn and given its
    # text alternative (maps draw after fetching geometry)
    interactive_charts(driver)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(CHARTS_DONE_JS))
    # start where a person starts: nothing focused
    driver.execute_script("document.activeElement && document.activeElement.blur();")
    driver.execute_script(TRACK_JS)


def _skip_link_then_main(dash_duo) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    _press(driver, Keys.TAB)
    first = _active(driver)
    assert first.get("href") == "#innhold", f"first Tab reached {first}, not the skip link"
    assert first["indicator"], f"skip link has no visible focus indicator: {first}"
    assert driver.execute_script(
        "const r = document.activeElement.getBoundingClientRect();"
        "return r.width > 1 && r.height > 1;"
    ), "skip link is focused but not shown"
    # the page must stay as it is: mark its first control, which a re-render would replace
    driver.execute_script("document.querySelector('main button, main input').__kbMark = 1;")
    _press(driver, Keys.ENTER)
    WebDriverWait(driver, 5).until(
        lambda d: _active(d).get("inMain") or _active(d).get("id") == "innhold"
    )
    time.sleep(1)
    kept = "return document.querySelector('main button, main input').__kbMark === 1;"
    assert driver.execute_script(kept), "the skip link made the page render again"


def _tab_through_main(dash_duo) -> tuple[list[dict], list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    """Tab from the skip target until focus leaves <main>.

    Returns the controls in <main> (each marked reached or not), every Tab stop, and the stops
    without a focus indicator."""
    driver = dash_duo.driver
    visits: list[dict] = []
    for _ in range(MAX_TABS):
        _press(driver, Keys.TAB)
        el = _active(driver)
        if el["body"] or not el["inMain"]:
            break
        visits.append(el)
    else:
        pytest.fail(f"focus never left <main> after {MAX_TABS} Tabs (a keyboard trap?)")
    missing_indicator = [v for v in visits if not v["indicator"]]
    controls = list(driver.execute_script(COLLECT_JS))
    return controls, visits, missing_indicator


def _tab_until(driver, predicate, what: str) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(MAX_TABS):
        _press(driver, Keys.TAB)
        el = _active(driver)
        if predicate(el):
            return el
    raise AssertionError(f"Tab never reached {what}")


def _is_dropdown(el: dict) -> bool:
    return bool(el["inMain"]) and "dash-dropdown" in el["cls"]


def _check_page(dash_duo, path: str, expected_controls: set[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    _load(dash_duo, path)
    _skip_link_then_main(dash_duo)
    controls, visits, no_indicator = _tab_through_main(dash_duo)
    print(f"\n{path}: {len(controls)} controls in <main>, {len(visits)} Tab stops")
    for v in visits:
        print(f"  tab  indicator={v['indicator']!s:<5} {_describe(v)}")
    unreached = [c for c in controls if not c["reached"]]
    for c in unreached:
        print(f"  NEVER REACHED {_describe(c)}")
    ids = {c["id"] for c in controls}
    assert expected_controls <= ids, f"controls missing on {path}: {expected_controls - ids}"
    assert not unreached, f"{path}: never reached by Tab: " + "; ".join(map(_describe, unreached))
    assert not no_indicator, f"{path}: focused without a visible indicator: " + "; ".join(
        f"{_describe(v)} outline={v['outline']} shadow={v['shadow']}" for v in no_indicator
    )
    return controls


def test_morgenbrief_by_keyboard(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    start_server(dash_duo, app)
    # a county role: other kommuner are its own (a kommuneoverlege's neighbours are not)
    browser_login(dash_duo, "fylkeslege-vestland", "/morgenbrief/4601")
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Bergen", timeout=30)
    driver = dash_duo.driver

    controls = _check_page(
        dash_duo, "/morgenbrief/4601", {"brief-date", "brief-pdf", "brief-print"}
    )
    # the charts' numbers are reachable as tables
    assert any(c["tag"] == "summary" for c in controls), "no chart table toggle in the tab order"

    # Another kommune: Tab to the kommune dropdown, open it, type, Enter.
    _load(dash_duo, "/morgenbrief/4601")
    _tab_until(driver, _is_dropdown, "the kommune dropdown")
    _press(driver, Keys.ENTER)
    time.sleep(0.3)
    _press(driver, "Askøy")
    time.sleep(0.5)
    assert _options(driver) == ["Askøy (4627)"], f"typing did not filter: {_options(driver)}"
    _press(driver, Keys.ENTER)
    time.sleep(0.5)
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Askøy", timeout=30)
    assert "/morgenbrief/4627" in driver.current_url

    # Another date: Tab to the date field, type it, Enter.
    _load(dash_duo, "/morgenbrief/4627")
    _tab_until(driver, lambda el: el["id"] == "brief-date", "the date field")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    _press(driver, "15.01.2022")
    _press(driver, Keys.ENTER)
    dash_duo.wait_for_contains_text("#brief-title", "15. januar 2022", timeout=30)
    _press(driver, Keys.ESCAPE)
    assert dash_duo.get_logs() == [], "browser console errors"


def test_smittekart_by_keyboard(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    start_server(dash_duo, app)
    browser_login(dash_duo, "lege-oslo", "/")
    driver = dash_duo.driver
    controls = _check_page(dash_duo, "/", {"map-metric", "map-date"})
    assert any(c["tag"] == "summary" for c in controls), "no map table toggle in the tab order"

    # The map's metric: Tab to its dropdown, open, next option, Enter.
    _load(dash_duo, "/")
    before = dash_duo.find_element("#map-definition").text
    _tab_until(driver, _is_dropdown, "the metric dropdown")
    _press(driver, Keys.ENTER)
    time.sleep(0.3)
    _press(driver, Keys.ARROW_DOWN)
    time.sleep(0.2)
    _press(driver, Keys.ENTER)
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element("css selector", "#map-definition").text not in ("", before)
    )
    assert "metrikk=" in driver.current_url

    # The overlay: Tab to its switch, Space.
    _load(dash_duo, "/")
    _tab_until(
        driver,
        lambda el: (
            el["id"].startswith("_dbcprivate_checklist_map-overlay")
            or (
                el["tag"] == "input"
                and "form-check-input" in el["cls"]
                and "map-overlay" in el["id"]
            )
            or el["id"] == "map-overlay"
        ),
        "the overlay switch",
    )
    _press(driver, Keys.SPACE)
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element("css selector", "#map-overlay-note").text.strip() != ""
    )
    assert driver.execute_script("return document.querySelector('#map-overlay input').checked;"), (
        "the overlay switch did not toggle"
    )
    assert dash_duo.get_logs() == [], "browser console errors"
