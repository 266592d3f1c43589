"""The 07:45 walk: Morgenbrief, change the date, export the PDF."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from data.synthetic._common import PERIOD_END
from tests.browser_helpers import start_and_login

pytestmark = pytest.mark.browser


def _wait_for_pdf(folder: Path, timeout: float = 30) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.glob("*.pdf") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.3)
    raise AssertionError(f"no PDF downloaded to {folder}")


def test_morning_briefing_walk_and_pdf(dash_duo, app) -> None:
    # The Oslo doctor logs in and lands on the own Morgenbrief.
    start_and_login(dash_duo, app, "lege-oslo", "/")
    WebDriverWait(dash_duo.driver, 20).until(lambda d: "/morgenbrief/0301" in d.current_url)
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Oslo", timeout=30)
    dash_duo.wait_for_contains_text("#brief-changes", ".", timeout=10)
    dash_duo.wait_for_contains_text("#brief-neighbours", "Bærum", timeout=10)

    # Another date in a wave. The neighbours are comparison rows on Oslo's brief, never
    # briefs of their own (issue 19): the picker holds Oslo only.
    date_input = dash_duo.find_element("#brief-date")
    date_input.clear()
    date_input.send_keys("15.01.2022\n")
    dash_duo.wait_for_contains_text("#brief-title", "15. januar 2022", timeout=30)
    date_input.send_keys(Keys.ESCAPE)
    dash_duo.wait_for_contains_text("#brief-neighbours", "Bærum", timeout=10)

    # Export: the link gives a one-page A4 PDF with the kommune's name and the data date.
    href = dash_duo.find_element("#brief-pdf").get_attribute("href")
    assert "/morgenbrief/0301/pdf?dato=2022-01-15" in href
    dash_duo.driver.get(href)
    pdf = _wait_for_pdf(Path(dash_duo.download_path))
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Oslo (0301)" in text and f"{PERIOD_END:%d.%m.%Y}" in text
    # a download does not leave the page
    dash_duo.wait_for_contains_text("#brief-title", "Morgenbrief Oslo", timeout=10)
    assert dash_duo.get_logs() == [], "browser console errors"


@pytest.mark.parametrize(
    ("user", "path", "module", "function"),
    [
        ("lege-oslo", "/morgenbrief/0301", "callbacks.morgenbrief", "briefing_view"),
        ("ks-analytiker", "/oversikt", "callbacks.oversikt", "overview_payload"),
    ],
)
def test_a_first_view_computes_the_page_once(
    dash_duo, app, monkeypatch: pytest.MonkeyPatch, user: str, path: str, module: str, function: str
) -> None:
    # An empty date picker set its date once more when mounted: the page's main callback ran
    # twice for every first view. Counted on a data version nobody has asked for yet.
    import importlib

    from data import cache, db
    from data.load import bump_data_version

    with db.engine().begin() as conn:
        bump_data_version(conn)
    cache.invalidate_version()
    target = importlib.import_module(module)
    original = getattr(target, function)
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, function, counting)
    start_and_login(dash_duo, app, user, path)
    title, text = (
        ("#brief-title", "Morgenbrief Oslo") if "brief" in path else ("#ov-title", " per ")
    )
    dash_duo.wait_for_contains_text(title, text, timeout=30)
    time.sleep(2)  # a second call would come right after the first
    assert len(calls) == 1
