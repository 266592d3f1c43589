"""Helpers for dash.testing browser tests: log in as a demo user, pick dropdown options."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

FULL_ACCESS_USER = "test-full"

# Pending callbacks in the renderer's store, or components still marked as loading.
BUSY_JS = """
if (!window.store) { return true; }
const state = window.store.getState();
const callbacks = Object.assign({}, state.callbacks);
delete callbacks.stored;
delete callbacks.completed;
const pending = [].concat(...Object.values(callbacks)).length;
return pending > 0
    || document.querySelector('._dash-loading, [data-dash-is-loading="true"]') !== null;
"""


def wait_rendered(driver) -> None:  # type: ignore[no-untyped-def]
    """Until the renderer has no pending callbacks twice in a row, 0.4 s apart."""
    import time

    deadline = time.monotonic() + 60
    quiet = 0
    while quiet < 2:
        assert time.monotonic() < deadline, f"{driver.current_url}: callbacks still pending"
        quiet = 0 if driver.execute_script(BUSY_JS) else quiet + 1
        time.sleep(0.4)


def start_and_login(dash_duo, app, user_id: str = FULL_ACCESS_USER, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    """Start the app, log the browser in through the documented demo URL, open ``next_path``.

    Every page needs a session, so dash.testing's own first navigation (which waits for the
    Dash page) would only see the login page.
    """
    start_server(dash_duo, app)
    browser_login(dash_duo, user_id, next_path)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    """Start the app on a free port (not dash.testing's fixed 8050), without navigating."""
    dash_duo.start_server(app, navigate=False, port=free_port())
    dash_duo._url = dash_duo.server.url.rstrip("/")


def browser_login(dash_duo, user_id: str = FULL_ACCESS_USER, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    """Log the browser in through the documented demo URL and open ``next_path``."""
    from urllib.parse import quote

    dash_duo.driver.get(f"{dash_duo.server_url}/login/demo/{user_id}?next={quote(next_path)}")
    dash_duo.wait_for_element("#react-entry-point", timeout=20)


def choose_option(dash_duo, selector: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Open a dcc.Dropdown and click the option with ``label``, as a person does."""
    dash_duo.find_element(selector).click()
    option = WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.XPATH, f"//*[@role='option'][contains(., '{label}')]")
    )
    option.click()


MENU_OF_TOGGLE = "following-sibling::*[contains(@class,'dropdown-menu')]"


def nav_items(driver) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(text, href) of every page in the navigation: each grouped menu is opened as a
    person does (the menu's items are drawn when it opens) and closed again."""
    from selenium.webdriver.common.keys import Keys

    found: list[tuple[str, str]] = []
    toggles = driver.find_elements(By.CSS_SELECTOR, "#main-nav .nav-menu > .dropdown-toggle")
    if not toggles:  # the collapsed navigation on a narrow window: open it first
        driver.find_element(By.ID, "nav-toggler").click()
        toggles = driver.find_elements(By.CSS_SELECTOR, "#main-nav .nav-menu > .dropdown-toggle")
    for toggle in toggles:
        if not toggle.is_displayed():
            driver.find_element(By.ID, "nav-toggler").click()
            WebDriverWait(driver, 5).until(lambda _d, t=toggle: t.is_displayed())
        toggle.click()
        menu = toggle.find_element(
            By.XPATH, "following-sibling::*[contains(@class,'dropdown-menu')]"
        )
        WebDriverWait(driver, 5).until(lambda _d, m=menu: m.is_displayed())
        for item in menu.find_elements(By.CSS_SELECTOR, "a.dropdown-item"):
            found.append((item.text.strip(), item.get_attribute("href") or ""))
        toggle.send_keys(Keys.ESCAPE)
        WebDriverWait(driver, 5).until(lambda _d, m=menu: not m.is_displayed())
    return found


def open_from_nav(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open the page ``name`` from the navigation as a person does: open the grouped menu that
    holds it, then click the item."""
    toggles = driver.find_elements(By.CSS_SELECTOR, "#main-nav .nav-menu > .dropdown-toggle")
    for toggle in toggles:
        if not toggle.is_displayed():
            driver.find_element(By.ID, "nav-toggler").click()
            WebDriverWait(driver, 5).until(lambda _d, t=toggle: t.is_displayed())
        menu = toggle.find_element(
            By.XPATH, "following-sibling::*[contains(@class,'dropdown-menu')]"
        )
        toggle.click()
        WebDriverWait(driver, 5).until(lambda _d, m=menu: m.is_displayed())
        items = menu.find_elements(
            By.XPATH, f".//a[contains(@class,'dropdown-item')][normalize-space()='{name}']"
        )
        if items:
            items[0].click()
            return
        toggle.click()  # close it again
        WebDriverWait(driver, 5).until(lambda _d, m=menu: not m.is_displayed())
    raise AssertionError(f"{name!r} is not in the navigation")


def choose_open_option(dash_duo, label: str) -> None:  # type: ignore[no-untyped-def]
    """Click the option of an open dropdown that contains ``label``."""
    option = WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.XPATH, f"//*[@role='option'][contains(., '{label}')]")
    )
    option.click()


def pick_kommune(dash_duo, prefix: str, search: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page's kommune dropdown, type to search (357 options are not all drawn), click
    the option with ``label``."""
    dash_duo.find_element(f"#{prefix}-select").click()
    field = WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search")
    )
    field.click()  # the focus may sit on the selected option
    field.send_keys(search)
    choose_open_option(dash_duo, label)


def set_date(dash_duo, prefix: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Type a date into a page's picker as a person does (DD.MM.YYYY, then Enter)."""
    field = dash_duo.find_element(f"#{prefix}-date")
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(value)
    field.send_keys(Keys.ENTER)


# A chart's picture as the page shows it: the static picture a LazyGraph draws first
# (assets/lazygraph.js) or plotly's, once interactive.
CHART_PICTURE = ".js-plotly-plot svg.main-svg, .sb-static-graph svg.sb-static-svg"


def interactive_charts(driver) -> None:  # type: ignore[no-untyped-def]
    """Every chart on the page made interactive (plotly.js) now, as a user reaching for each
    would; returns when no static picture is left."""
    driver.execute_script("window.sbLazyGraph && window.sbLazyGraph.upgradeAll();")
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            "window.sbLazyGraph && window.sbLazyGraph.upgradeAll();"
            "return document.querySelector('.sb-static-graph') === null;"
        )
    )
