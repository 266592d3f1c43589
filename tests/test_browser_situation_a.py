"""Browser: the testing, vaccination and hospital pages as a person uses them — open from the
navigation, change kommune and date, read the numbers; no console errors anywhere."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import open_from_nav, pick_kommune, set_date, start_and_login

pytestmark = pytest.mark.browser

PAGES = [
    # (nav name, prefix, a graph that must draw, its trace selector, how many traces)
    ("Testing", "testing", "#testing-positivity", ".scatterlayer .trace", 3),
    ("Vaksinasjon", "vaksinasjon", "#vaksinasjon-heatmap", ".hm", 1),
    ("Sykehus", "sykehus", "#sykehus-rate", ".scatterlayer .trace", 3),
]


def test_situation_pages_change_kommune_and_date_without_console_errors(dash_duo, app) -> None:
    start_and_login(dash_duo, app, next_path="/kommune/0301")
    driver = dash_duo.driver
    wait = WebDriverWait(driver, 30)
    dash_duo.wait_for_contains_text("#kommune-title", "(0301)", timeout=20)

    for nav_name, prefix, graph, traces, n_traces in PAGES:
        # open the page from the navigation bar
        open_from_nav(driver, nav_name)
        wait.until(lambda d, p=prefix: f"/{p}/" in d.current_url)
        dash_duo.wait_for_contains_text(f"#{prefix}-title", "Oslo (0301)", timeout=20)
        dash_duo.wait_for_contains_text(f"#{prefix}-source", "Data per", timeout=10)
        assert "demodata" in dash_duo.find_element(f"#{prefix}-source").text.lower()
        wait.until(
            lambda d, g=graph, t=traces, n=n_traces: (
                len(d.find_elements(By.CSS_SELECTOR, f"{g} {t}")) >= n
            )
        )

        # another kommune: title, numbers and URL follow
        pick_kommune(dash_duo, prefix, "Bergen", "Bergen (4601)")
        dash_duo.wait_for_contains_text(f"#{prefix}-title", "Bergen (4601), Vestland", timeout=20)
        wait.until(lambda d, p=prefix: f"/{p}/4601" in d.current_url)
        dash_duo.wait_for_contains_text(f"#{prefix}-neighbours", "Bergen (4601)", timeout=10)

        # another date: the page is recomputed "as of" that date and the URL keeps it
        set_date(dash_duo, prefix, "15.01.2022")
        dash_duo.wait_for_contains_text(f"#{prefix}-source", "Vist til og med 15.01.2022", 20)
        wait.until(lambda d: "dato=2022-01-15" in d.current_url)
        assert dash_duo.find_element(f"#{prefix}-date").get_attribute("value") == "15.01.2022"
        cards = dash_duo.find_element(f"#{prefix}-cards").text
        assert "Vestland" in cards and "Landet" in cards

    # a shared link opens exactly that view
    driver.get(f"{dash_duo.server_url}/vaksinasjon/1151?dato=2021-09-01")
    dash_duo.wait_for_contains_text("#vaksinasjon-title", "Utsira (1151)", timeout=20)
    dash_duo.wait_for_contains_text("#vaksinasjon-population", "1. januar 2021", timeout=20)
    assert dash_duo.find_element("#vaksinasjon-date").get_attribute("value") == "01.09.2021"

    assert dash_duo.get_logs() == [], "browser console errors"
