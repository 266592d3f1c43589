"""What a person does, in Debian's headless chromium (dash.testing)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import choose_option, start_and_login

pytestmark = pytest.mark.browser

# the values trace (the first); withheld areas are drawn again, grey, by the second
POLYGONS = "#map g.choroplethlayer > g.trace:first-child path.choroplethlocation"


def _fills(driver) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        p.value_of_css_property("fill") for p in driver.find_elements(By.CSS_SELECTOR, POLYGONS)
    }


def _largest_polygon(driver):  # type: ignore[no-untyped-def]
    paths = driver.find_elements(By.CSS_SELECTOR, POLYGONS)
    return max(paths, key=lambda p: p.size["width"] * p.size["height"])


def test_map_metric_click_kommune_without_console_errors(dash_duo, app) -> None:
    # A shared link with a date in a wave (URL state is part of the product), after login.
    start_and_login(dash_duo, app, next_path="/?dato=2022-01-15")
    driver = dash_duo.driver
    wait = WebDriverWait(driver, 30)

    # The whole country is drawn (356 polygons), with the data date and the demo label.
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, POLYGONS)) >= 356)
    dash_duo.wait_for_contains_text("#data-status", "Data per", timeout=10)
    dash_duo.wait_for_contains_text("#demo-badge", "DEMODATA", timeout=10)
    dash_duo.wait_for_contains_text("#map-definition", "14-dagers insidens", timeout=10)
    assert dash_duo.find_element("#map-date").get_attribute("value") == "15.01.2022"
    # Several distinct fill colours: values arrived and were drawn, not a blank outline.
    wait.until(lambda d: len(_fills(d)) > 3)

    # Change the metric: the definition and the URL follow, the polygons stay.
    choose_option(dash_duo, "#map-metric", "Tilfeller siste 7 dager")
    dash_duo.wait_for_contains_text("#map-definition", "Antall tilfeller", timeout=10)
    wait.until(lambda d: "metrikk=cases_7d" in d.current_url)
    assert len(driver.find_elements(By.CSS_SELECTOR, POLYGONS)) >= 356

    # Click a kommune: its page opens.
    # plotly's overlay takes the click and finds the kommune under the pointer, as for a person
    ActionChains(driver).move_to_element(_largest_polygon(driver)).pause(0.5).click().perform()
    wait.until(lambda d: "/kommune/" in d.current_url)
    code = driver.current_url.split("/kommune/")[1][:4]
    dash_duo.wait_for_contains_text("#kommune-title", f"({code})", timeout=15)
    wait.until(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "#kommune-incidence .scatterlayer .trace")) == 3
        )
    )
    dash_duo.wait_for_contains_text("#kommune-cards", "7-dagers insidens", timeout=10)

    assert dash_duo.get_logs() == [], "browser console errors"
