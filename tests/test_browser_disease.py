"""Choosing influenza in the header, in a browser: the tab's address names it, the Kommune
page's numbers turn to the influenza counts of the raw data, the menus keep it (and leave
out the pages influenza has no data for), and a second tab keeps showing covid-19."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser_helpers import (
    browser_login,
    nav_items,
    open_from_nav,
    start_server,
    wait_rendered,
)
from tests.disease_store import FLU, cases_7d, raw

pytestmark = pytest.mark.browser
KOMMUNE = "0301"


@pytest.fixture()
def flu_app(app: Any) -> Any:
    """The session's app on the tiny demo, which has influenza beside covid-19."""
    return app


def _card_lines(driver: Any) -> list[str]:
    card = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "kommune-cases-7d"))
    return [line.strip() for line in card.text.splitlines()]


def test_choosing_influenza_turns_the_tab_to_influenza(dash_duo: Any, flu_app: Any) -> None:
    driver = dash_duo.driver
    date_text = raw(flu_app, "SELECT value FROM dataset_meta WHERE key = 'data_date'")
    day = dt.date.fromisoformat(str(date_text["value"].iloc[0])) - dt.timedelta(days=10)
    covid = cases_7d(flu_app, "covid19", day)[KOMMUNE]
    flu = cases_7d(flu_app, FLU, day)[KOMMUNE]
    assert covid != flu
    start_server(dash_duo, flu_app)
    browser_login(dash_duo, next_path=f"/kommune/{KOMMUNE}?dato={day.isoformat()}")
    wait_rendered(driver)
    assert str(covid) in _card_lines(driver)
    assert "Koronasertifikat" in [name for name, _href in nav_items(driver)]

    Select(driver.find_element(By.ID, "disease-select")).select_by_value(FLU)
    WebDriverWait(driver, 20).until(lambda d: "sykdom=influensa" in d.current_url)
    wait_rendered(driver)
    assert f"dato={day.isoformat()}" in driver.current_url  # the rest of the address kept
    WebDriverWait(driver, 20).until(lambda d: str(flu) in _card_lines(d))
    assert (
        Select(driver.find_element(By.ID, "disease-select")).first_selected_option.get_attribute(
            "value"
        )
        == FLU
    )

    # the menus keep the disease and leave out what influenza has no data for
    items = nav_items(driver)
    names = [name for name, _href in items]
    assert "Koronasertifikat" not in names and "Testing" in names
    assert all("sykdom=influensa" in href for _name, href in items), items
    open_from_nav(driver, "Signaler")
    WebDriverWait(driver, 20).until(lambda d: "/signaler" in d.current_url)
    wait_rendered(driver)
    assert "sykdom=influensa" in driver.current_url
    assert driver.execute_script("return sessionStorage.getItem('sb-sykdom')") == FLU

    # another tab (a second wall screen) still shows covid-19
    driver.switch_to.new_window("tab")
    driver.get(f"{dash_duo.server_url}/kommune/{KOMMUNE}?dato={day.isoformat()}")
    wait_rendered(driver)
    assert "sykdom=" not in driver.current_url
    WebDriverWait(driver, 20).until(lambda d: str(covid) in _card_lines(d))
