"""Browser: the Innreise and Koronasertifikat pages as a person uses them — open, change
kommune, date and window, read the numbers; no console errors anywhere."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import open_from_nav, pick_kommune, set_date, start_and_login

pytestmark = pytest.mark.browser


def test_innreise_and_sertifikat_without_console_errors(dash_duo, app) -> None:
    start_and_login(dash_duo, app, next_path="/innreise/0301")
    driver = dash_duo.driver
    wait = WebDriverWait(driver, 40)

    # Innreise opens for Oslo on the data date, with the demo label in the source line.
    dash_duo.wait_for_contains_text("#innreise-title", "Oslo (0301)", timeout=30)
    dash_duo.wait_for_contains_text("#innreise-source", "Data per", timeout=20)
    assert "demodata" in dash_duo.find_element("#innreise-source").text.lower()
    dash_duo.wait_for_contains_text("#innreise-cards", "Registrerte ankomster", timeout=20)
    dash_duo.wait_for_contains_text("#innreise-compare", "Hele landet", timeout=20)
    dash_duo.wait_for_contains_text("#innreise-rules", "Innreiseregler i kraft", timeout=20)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#innreise-funnel .trace"))

    # Another kommune (Gardermoen), another date and another window: all in the URL.
    pick_kommune(dash_duo, "innreise", "Ullensaker", "Ullensaker (3209)")
    dash_duo.wait_for_contains_text("#innreise-title", "Ullensaker (3209), Akershus", timeout=30)
    wait.until(lambda d: "/innreise/3209" in d.current_url)
    set_date(dash_duo, "innreise", "15.01.2022")
    dash_duo.wait_for_contains_text("#innreise-source", "Vist til og med 15.01.2022", timeout=30)
    wait.until(lambda d: "dato=2022-01-15" in d.current_url)
    dash_duo.wait_for_contains_text("#innreise-rules", "15.01.2022", timeout=20)
    driver.find_element(By.XPATH, "//label[normalize-space()='28 dager']").click()
    dash_duo.wait_for_contains_text("#innreise-cards", "Siste 28 dager", timeout=30)
    wait.until(lambda d: "vindu=28" in d.current_url)

    # Koronasertifikat from the navigation bar.
    open_from_nav(driver, "Koronasertifikat")
    wait.until(lambda d: "/sertifikat/" in d.current_url)
    dash_duo.wait_for_contains_text("#sertifikat-title", "Oslo (0301)", timeout=30)
    dash_duo.wait_for_contains_text("#sertifikat-cards", "Gyldig koronasertifikat", timeout=30)
    dash_duo.wait_for_contains_text("#sertifikat-rules", "Regelversjon i kraft", timeout=20)
    # the kommune, its county and the country over time (the comparison callback)
    wait.until(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "#sertifikat-over-time .scatterlayer .trace")) == 3
        )
    )
    dash_duo.wait_for_contains_text("#sertifikat-compare", "Hele landet", timeout=30)

    pick_kommune(dash_duo, "sertifikat", "Sør-Varanger", "Sør-Varanger (5605)")
    dash_duo.wait_for_contains_text("#sertifikat-title", "Sør-Varanger (5605)", timeout=30)
    wait.until(lambda d: "/sertifikat/5605" in d.current_url)
    dash_duo.wait_for_contains_text("#sertifikat-compare", "Finnmark", timeout=30)
    set_date(dash_duo, "sertifikat", "20.12.2021")
    dash_duo.wait_for_contains_text("#sertifikat-source", "Vist til og med 20.12.2021", 30)
    dash_duo.wait_for_contains_text("#sertifikat-rules", "Regelversjon i kraft 20.12.2021", 20)
    wait.until(lambda d: "dato=2021-12-20" in d.current_url)
    assert dash_duo.find_element("#sertifikat-date").get_attribute("value") == "20.12.2021"
    dash_duo.wait_for_contains_text("#sertifikat-table", "Alle", timeout=20)

    assert dash_duo.get_logs() == [], "browser console errors"
