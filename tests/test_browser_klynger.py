"""Browser: the cluster page with the transmission chains (as a contact tracer), the signal
list, and the signal/cluster overlay on the map; no console errors."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import start_and_login
from tests.test_page_klynger import busiest_cluster_date

pytestmark = pytest.mark.browser


def test_clusters_chains_signals_and_map_overlay(dash_duo, app) -> None:
    date = busiest_cluster_date("4601").isoformat()
    start_and_login(dash_duo, app, "sporer-bergen", next_path=f"/klynger/4601?dato={date}")
    driver = dash_duo.driver
    driver.set_window_size(1400, 2600)  # the chain section sits below the cluster table
    wait = WebDriverWait(driver, 40)

    dash_duo.wait_for_contains_text("#klynger-title", "Bergen (4601)", timeout=30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#klynger-table td"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#klynger-epicurve .barlayer .trace"))
    dash_duo.wait_for_contains_text("#klynger-source", "Data per", timeout=20)

    # the chain section is there for a tracer: choose a cluster, the network is drawn
    wait.until(lambda d: d.find_element(By.ID, "klynger-chain-section").is_displayed())
    first = driver.find_element(By.CSS_SELECTOR, "#klynger-table td").text
    picker = driver.find_element(By.ID, "klynger-chain-cluster")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", picker)
    picker.click()
    option = WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.XPATH, f"//*[@role='option'][contains(., '{first}')]")
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
    option.click()
    wait.until(lambda d: "Smittekjeder i" in d.find_element(By.CSS_SELECTOR, "#klynger-chain").text)
    dash_duo.wait_for_contains_text("#klynger-chain-detail", "Klikk på et tilfelle", timeout=20)
    wait.until(  # the chain is drawn
        lambda d: d.find_elements(By.CSS_SELECTOR, "#klynger-chain .scatterlayer .point")
    )
    # plotly takes clicks on its drag layer and finds the point under the pointer; a click
    # while the figure is still being laid out is lost, so the person clicks again
    for attempt in range(3):
        point = driver.find_elements(By.CSS_SELECTOR, "#klynger-chain .scatterlayer .point")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
        ActionChains(driver).move_to_element(point).pause(0.3).click().perform()
        try:
            dash_duo.wait_for_contains_text("#klynger-chain-detail", "prøvedato", timeout=10)
            break
        except TimeoutException:
            if attempt == 2:
                raise

    # the whole-scope view goes into the URL
    view = driver.find_element(By.XPATH, "//label[contains(., 'Alle kommuner jeg har')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", view)
    view.click()
    wait.until(lambda d: "visning=scope" in d.current_url)
    dash_duo.wait_for_contains_text("#klynger-title", "alle kommuner", timeout=30)

    # the signal list
    driver.get(f"{dash_duo.server_url}/signaler?dato={date}")
    dash_duo.wait_for_contains_text("#signaler-summary", "signal", timeout=30)  # "1 signal"
    dash_duo.wait_for_contains_text("#signaler-source", "Siste hele uke", timeout=20)
    assert "Farrington" in driver.find_element(By.TAG_NAME, "body").text

    # the map: the overlay switch adds markers and a note, the choropleth stays
    driver.get(f"{dash_duo.server_url}/?dato={date}")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map .choroplethlayer path"))
    driver.find_element(By.XPATH, "//label[contains(., 'Vis signaler og aktive klynger')]").click()
    dash_duo.wait_for_contains_text("#map-overlay-note", "kommuner med signal", timeout=30)
    wait.until(lambda d: "Aktive klynger" in d.find_element(By.ID, "map").text)
    assert driver.find_elements(By.CSS_SELECTOR, "#map .choroplethlayer path")
    assert dash_duo.get_logs() == [], "browser console errors"
