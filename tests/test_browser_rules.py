"""Rules in the browser: an administrator records a new isolation rule through the form and
finds it on the Regler page and in the Morgenbrief; the crisis team's attempt is refused with
a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from data import db
from data.schema import RuleVersion
from data.synthetic._common import PERIOD_END
from tests.browser_helpers import browser_login, nav_items, start_and_login

pytestmark = pytest.mark.browser
NEW = PERIOD_END - dt.timedelta(days=1)  # the new version starts the day before the data date
BEFORE = NEW - dt.timedelta(days=1)
TEXT = f"Isolasjon i 6 dager fra {NEW:%d.%m.%Y} (nettlesertest)."
DAYS = "input[id*='isolation_days']"
# Bootstrap scrolls smoothly: an element must be in view before it is clicked
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})"


def _replace(element, text: str) -> None:  # type: ignore[no-untyped-def]
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def _fill_form(dash_duo, *, valid_from: str) -> None:  # type: ignore[no-untyped-def]
    _replace(dash_duo.find_element("#regelred-text"), TEXT)
    picker = dash_duo.find_element("#regelred-from")
    dash_duo.driver.execute_script(SCROLL, picker)
    picker.send_keys(valid_from)
    picker.send_keys(Keys.ENTER)
    picker.send_keys(Keys.ESCAPE)
    _click(dash_duo, "h1")  # elsewhere on the page: the calendar closes


def _click(dash_duo, selector: str) -> None:  # type: ignore[no-untyped-def]
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def _recorded(text: str) -> int:
    with db.engine().connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(RuleVersion).where(RuleVersion.text_nb == text)
            ).scalar_one()
        )


def _current_text(rule_key: str) -> str:
    """The text of the national rule's version that started last."""
    with db.engine().connect() as conn:
        return str(
            conn.execute(
                select(RuleVersion.text_nb)
                .where(RuleVersion.rule_key == rule_key, RuleVersion.scope_level == "national")
                .order_by(RuleVersion.valid_from.desc(), RuleVersion.id.desc())
                .limit(1)
            ).scalar_one()
        )


def test_admin_records_isolation_rule_and_crisis_team_is_refused(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    start_and_login(dash_duo, app, "admin", "/regler-rediger?kommune=0301")
    dash_duo.wait_for_contains_text("#user-role", "Administrator", timeout=20)
    assert "Rediger regler" in [text for text, _href in nav_items(dash_duo.driver)]
    # the form opens on the national isolation rule, prefilled from its current version
    current = _current_text("isolasjon")
    WebDriverWait(dash_duo.driver, 20).until(
        lambda d: current in d.find_element(By.ID, "regelred-text").get_attribute("value")
    )
    days = dash_duo.find_element(DAYS)
    _replace(days, "6")
    days.send_keys(Keys.TAB)
    mandatory = dash_duo.find_element("input[id*='mandatory']")
    if not mandatory.is_selected():
        _click(dash_duo, "input[id*='mandatory']")
    _fill_form(dash_duo, valid_from=f"{NEW:%d.%m.%Y}")
    _click(dash_duo, "#regelred-submit")
    dash_duo.wait_for_contains_text("#regelred-success", "Ny versjon registrert", timeout=20)
    assert "avløser versjon" in dash_duo.find_element("#regelred-success").text
    assert _recorded(TEXT) == 1

    # the Regler page shows it in force from that day, in the table and in the card
    _click(dash_duo, "#regelred-view-link")
    dash_duo.wait_for_contains_text("#regler-in-force-table", TEXT, timeout=30)
    dash_duo.wait_for_contains_text("#regler-card-isolation", "6 dager", timeout=10)
    assert f"{NEW:%d.%m.%Y}" in dash_duo.find_element("#regler-card-isolation").text
    assert f"dato={NEW}" in dash_duo.driver.current_url

    # the Morgenbrief of that day lists it as changed since yesterday; the day before, as
    # starting within the next 7 days
    dash_duo.driver.get(f"{dash_duo.server_url}/morgenbrief/0301?dato={NEW}")
    dash_duo.wait_for_contains_text("#brief-rules-changed", "Isolasjon (nasjonal) endret", 30)
    assert "Isolasjon (dager)" in dash_duo.find_element("#brief-rules-changed").text
    assert "→ 6" in dash_duo.find_element("#brief-rules-changed").text
    dash_duo.driver.get(f"{dash_duo.server_url}/morgenbrief/0301?dato={BEFORE}")
    dash_duo.wait_for_contains_text("#brief-rules-upcoming", f"Fra {NEW:%d.%m.%Y}: Isolasjon", 30)
    assert (
        "Isolasjon (nasjonal)"
        not in dash_duo.find_element("#brief-rules").text.split("Starter de neste")[0]
    )

    # the crisis team does not have the page in the navigation; sent there, it is told so,
    # and a submitted form is refused by the data layer with a clear message
    browser_login(dash_duo, "krise-bergen", "/regler-rediger")
    dash_duo.wait_for_contains_text("#user-role", "Kriseledelse", timeout=20)
    assert "Rediger regler" not in [text for text, _href in nav_items(dash_duo.driver)]
    dash_duo.wait_for_contains_text("#regelred-no-access", "kan ikke registrere regler", timeout=20)
    dash_duo.wait_for_element(DAYS, timeout=20)
    _fill_form(dash_duo, valid_from=f"{PERIOD_END:%d.%m.%Y}")
    _click(dash_duo, "#regelred-submit")
    dash_duo.wait_for_contains_text(
        "#global-alert", "Rollen kriseledelse kan ikke registrere regler", timeout=20
    )
    assert not dash_duo.driver.find_elements(By.ID, "regelred-success")
    assert _recorded(TEXT) == 1  # nothing more recorded
    assert dash_duo.get_logs() == [], "browser console errors"
