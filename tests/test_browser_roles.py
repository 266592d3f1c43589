"""Three demo users in one browser see three different views."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import browser_login, nav_items, start_server

pytestmark = pytest.mark.browser
# the values trace (the first); withheld areas are drawn again, grey, by the second
POLYGONS = "#map g.choroplethlayer > g.trace:first-child path.choroplethlocation"
WITHHELD = "#map g.choroplethlayer > g.trace:nth-child(2) path.choroplethlocation"


def _polygon_count(dash_duo, expected_min: int) -> int:  # type: ignore[no-untyped-def]
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, POLYGONS)) >= expected_min
    )
    return len(dash_duo.driver.find_elements(By.CSS_SELECTOR, POLYGONS))


def _nav(dash_duo) -> str:  # type: ignore[no-untyped-def]
    """The names of the pages in the navigation (every menu opened)."""
    return " ".join(text for text, _href in nav_items(dash_duo.driver))


def test_three_roles_three_views(dash_duo, app) -> None:
    # A kommuneoverlege in a small island kommune logs in through the form (CSRF token and
    # all) and sees only the own kommune on the map.
    start_server(dash_duo, app)
    dash_duo.driver.get(f"{dash_duo.server_url}/?dato=2022-01-15")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "/login" in d.current_url)
    dash_duo.driver.find_element(By.ID, "login-lege-utsira").click()
    dash_duo.wait_for_element("#react-entry-point", timeout=20)
    assert "dato=2022-01-15" in dash_duo.driver.current_url  # back where the user was going
    dash_duo.wait_for_contains_text("#user-role", "Kommuneoverlege", timeout=15)
    assert _polygon_count(dash_duo, 1) == 1
    assert "Revisjonslogg" not in _nav(dash_duo)

    # KS: the whole country, still no audit log.
    browser_login(dash_duo, "ks-analytiker", "/?dato=2022-01-15")
    dash_duo.wait_for_contains_text("#user-role", "KS-analytiker", timeout=15)
    assert _polygon_count(dash_duo, 356) == 356
    assert "Revisjonslogg" not in _nav(dash_duo)
    # areas withheld for the role (1–4 cases) are drawn grey, counted in the summary and
    # named "skjult" in the legend, never left as white holes
    dash_duo.wait_for_contains_text("#map-summary", "Trend", timeout=15)
    notes = dash_duo.driver.find_elements(By.ID, "map-withheld-note")
    grey = dash_duo.driver.find_elements(By.CSS_SELECTOR, WITHHELD)
    if notes:
        assert f"{len(grey)} områder" in notes[0].text
        assert "skjult" in dash_duo.find_element("#map .legend").text
    else:
        assert not grey

    # Admin: the audit log is in the navigation and shows the refusals and reads.
    browser_login(dash_duo, "admin", "/admin/revisjon")
    dash_duo.wait_for_contains_text("#user-role", "Administrator", timeout=15)
    assert "Revisjonslogg" in _nav(dash_duo)
    dash_duo.wait_for_contains_text("#audit-alert", "hendelser", timeout=15)

    # Logging out ends the session: the app asks for login again.
    dash_duo.find_element("#logout-link").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "/login" in d.current_url)
    assert "Logg inn" in dash_duo.driver.page_source
    assert dash_duo.get_logs() == [], "browser console errors"
