"""Real data in Debian's headless chromium: the map on the imported 2024 boundaries, the header
with the loaded sources, and every page of the navigation without a console error.

Skipped with the reason when ../shared/realdata is absent. Saves a screenshot of the map to
``$REALDATA_SCREENSHOT`` (default: the test's temporary directory) to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import browser_login, start_server
from tests.conftest import REALDATA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]

# the values trace (the first); withheld areas are drawn again, grey, by the second
POLYGONS = "#map g.choroplethlayer > g.trace:first-child path.choroplethlocation"
PAGES = [
    ("/kommune/0301", "#kommune-cards", "etter registreringsdato"),
    ("/morgenbrief/0301", "#brief-body", "Ikke publisert"),
    ("/testing/0301", "#testing-alert", "FHI publiserte ikke testdata per kommune"),
    ("/vaksinasjon/0301", "#vaksinasjon-alert", "øyeblikksbilde"),
    ("/sykehus/0301", "#sykehus-alert", "FHI publiserte ikke sykehusinnleggelser"),
    ("/innreise/0301", "#innreise-alert", "Ingen ankomster i datagrunnlaget"),
    ("/sertifikat/0301", "#sertifikat-alert", "Ingen koronasertifikater"),
]


def test_map_on_2024_boundaries_and_every_page(
    dash_duo: Any,
    real_app: Any,
    use_real_data: dict[str, Any],
    tmp_path: Path,
) -> None:
    start_server(dash_duo, real_app)
    browser_login(dash_duo, "ks-analytiker", "/?dato=2022-01-20")
    driver = dash_duo.driver
    wait = WebDriverWait(driver, 40)
    # The 2024 structure is the default with imported boundaries: 357 polygons, Haram its own.
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, POLYGONS)) >= 357)
    assert len(driver.find_elements(By.CSS_SELECTOR, POLYGONS)) == 357
    dash_duo.wait_for_contains_text("#map-structure-note", "via omkodingstabell", timeout=15)
    dash_duo.wait_for_contains_text("#real-data-badge", "EKTE DATA", timeout=10)
    dash_duo.wait_for_contains_text("#data-sources", "FHI covidnor til 13.11.2022", timeout=10)
    dash_duo.wait_for_contains_text("#map-definition", "registreringsdato", timeout=10)
    fills = {
        p.value_of_css_property("fill") for p in driver.find_elements(By.CSS_SELECTOR, POLYGONS)
    }
    assert len(fills) > 5  # values arrived and were drawn
    shot = Path(os.environ.get("REALDATA_SCREENSHOT", tmp_path / "map-2024.png"))
    driver.save_screenshot(str(shot))
    print(f"\nscreenshot: {shot}")

    # The built-in 2020 map is one click away: 356 polygons.
    driver.find_element(By.XPATH, "//label[contains(., '2020-inndeling')]").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, POLYGONS)) == 356)
    assert "kart=2020" in driver.current_url

    for path, selector, text in PAGES:
        driver.get(f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_contains_text(selector, text, timeout=30)
    assert dash_duo.get_logs() == [], "browser console errors"
