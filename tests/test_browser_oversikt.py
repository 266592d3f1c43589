"""The KS analyst's weekly walk: sort and filter the Kommuneoversikt, open a kommune from it,
then put Krisemøte on the wall and step through its panels with the keyboard."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_helpers import start_and_login

pytestmark = pytest.mark.browser


def _column(dash_duo, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    cells = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, f'#ov-table td[data-dash-column="{key}"]'
    )
    return [c.text for c in cells]


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _visible_panel_title(dash_duo) -> str:  # type: ignore[no-untyped-def]
    for panel in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".krise-panel"):
        if panel.is_displayed():
            return panel.find_element(By.CSS_SELECTOR, ".krise-panel-title").text
    return ""


def test_overview_sort_filter_open_and_krisemote_keyboard(dash_duo, app) -> None:
    start_and_login(dash_duo, app, "ks-analytiker", "/oversikt")
    dash_duo.wait_for_contains_text("#ov-title", "357 kommuner", timeout=60)
    dash_duo.wait_for_element('#ov-table td[data-dash-column="name"] a', timeout=30)
    # the files for people and for scripts, of the date shown
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: (
            "/oversikt/data.json?dato="
            in dash_duo.find_element("#ov-export-json").get_attribute("href")
        )
    )
    people = dash_duo.find_element("#ov-export-csv").get_attribute("href")
    machine = dash_duo.find_element("#ov-export-data-csv").get_attribute("href")
    assert people.split("?")[1] == machine.split("?")[1] and "/oversikt/data.csv?" in machine

    # sort by population: the column is ordered after the click(s)
    sort = dash_duo.find_element('#ov-table th[data-dash-column="population"] .column-header--sort')
    sort.click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: (
            (v := [_number(t) for t in _column(dash_duo, "population")[:20]])
            and (v == sorted(v) or v == sorted(v, reverse=True))
        )
    )
    sort.click()
    values = [_number(t) for t in _column(dash_duo, "population")[:20]]
    assert values == sorted(values) or values == sorted(values, reverse=True)

    # filter on the county column: only Vestland's kommuner remain
    box = dash_duo.find_element('#ov-table th.dash-filter[data-dash-column="fylkesnavn"] input')
    box.send_keys("Vestland" + Keys.ENTER)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: set(_column(dash_duo, "fylkesnavn")) == {"Vestland"}
    )
    assert len(_column(dash_duo, "fylkesnavn")) > 5

    # open a kommune from the table
    link = dash_duo.find_element('#ov-table td[data-dash-column="name"] a')
    name = link.text
    link.click()
    WebDriverWait(dash_duo.driver, 20).until(lambda d: "/kommune/" in d.current_url)
    dash_duo.wait_for_contains_text("#kommune-title", name, timeout=30)

    # Krisemøte on the wall screen, stepped with the keyboard
    dash_duo.driver.get(f"{dash_duo.server_url}/krisemote/4601")
    dash_duo.wait_for_contains_text("#krise-title", "Bergen", timeout=60)
    dash_duo.wait_for_contains_text("#krise-position", "Panel 1 av 3", timeout=20)
    assert "dataversjon" in dash_duo.find_element("#krise-asof").text
    assert _visible_panel_title(dash_duo) == "Situasjonen nå"
    # the wall: the situation, what changed, neighbours and this week's rules at once
    for box in ("#krise-since", "#krise-neighbours", "#krise-rules", "#krise-gaps"):
        assert dash_duo.find_element(box).is_displayed(), box
    # the last meeting's day is chosen beside the controls; the link reloads with it
    link = dash_duo.find_element("#krise-since-link").get_attribute("href")
    assert link.endswith("/krisemote/4601"), link
    dash_duo.find_element("#krise-title").click()  # focus the page, not a control
    keys = ActionChains(dash_duo.driver)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    dash_duo.wait_for_contains_text("#krise-position", "Panel 2 av 3", timeout=10)
    assert _visible_panel_title(dash_duo) == "Vaksinasjon"
    keys = ActionChains(dash_duo.driver)
    keys.send_keys(Keys.PAGE_DOWN).perform()
    dash_duo.wait_for_contains_text("#krise-position", "Panel 3 av 3", timeout=10)
    assert _visible_panel_title(dash_duo) == "Klynger og utbrudd"
    keys = ActionChains(dash_duo.driver)
    keys.send_keys(Keys.ARROW_LEFT).perform()
    dash_duo.wait_for_contains_text("#krise-position", "Panel 2 av 3", timeout=10)
    # two quick presses are two steps (back to the first panel, then round to the last)
    ActionChains(dash_duo.driver).send_keys(Keys.PAGE_UP).send_keys(Keys.PAGE_UP).perform()
    dash_duo.wait_for_contains_text("#krise-position", "Panel 3 av 3", timeout=10)
    assert _visible_panel_title(dash_duo) == "Klynger og utbrudd"
    assert dash_duo.get_logs() == [], "browser console errors"


# every word of a header: how many line boxes it takes (2 or more: broken inside the word)
WORD_LINES = """
const out = [];
for (const th of document.querySelectorAll('#ov-table th.dash-header')) {
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data)) !== null) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      out.push([m[0], lines.size]);
    }
  }
}
return out;
"""


def test_overview_headers_keep_their_words_whole(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    """No column header of the Kommuneoversikt breaks inside a word («Innbyg|gere»)."""
    start_and_login(dash_duo, app, "ks-analytiker", "/oversikt")
    dash_duo.wait_for_element('#ov-table td[data-dash-column="name"] a', timeout=60)
    words = dash_duo.driver.execute_script(WORD_LINES)
    assert len(words) >= 20, words
    broken = [word for word, lines in words if lines > 1]
    assert not broken, broken
