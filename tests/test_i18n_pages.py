"""Every text a page shows comes through the translation layer.

The browser renders every page in the navigation in the pseudo language (``qps``), in which
:func:`dashboard.i18n.gettext` wraps each string in ⟪ ⟫. Every visible or screen-reader text
(text nodes, SVG texts of the charts, title / aria-label / placeholder / alt attributes) is then
checked: once the wrapped parts, numbers, dates and names from the data (kommuner, fylker, the
user's name) are taken out, no word may be left. A word left is a string that bypassed the
layer, and the test names it with its page.

``I18N_PAGES=morgenbrief,kommune pytest tests/test_i18n_pages.py`` checks only the pages whose
path contains one of the given parts (for work on a few pages).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import formatting, i18n
from geo import reference
from tests.browser_helpers import (
    FULL_ACCESS_USER,
    browser_login,
    nav_items,
    start_server,
    wait_rendered,
)

pytestmark = pytest.mark.browser


TEXTS_JS = """
const out = [];
// a form field's content is the user's data being edited (a rule's bokmål text), not ours
// (and so are the audit log's user ids and its raw JSON records)
const skip = 'script, style, noscript, svg, textarea, #language-switch, '
    + 'td[data-dash-column="user_id"], td[data-dash-column="detail"]';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) { continue; }
    const text = node.textContent.trim();
    if (text) { out.push(text); }
}
// chart texts: a title split over <tspan> lines is one string
for (const el of document.querySelectorAll('svg text')) {
    // plotly's own placeholder for an empty, editable title ("Click to enter …") is not ours
    if (el.closest('.modebar') || el.classList.contains('js-placeholder')) { continue; }
    const text = el.textContent.trim();
    if (text) { out.push(text); }
}
for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    if (el.closest('.modebar, #language-switch')) { continue; }
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
        const value = el.getAttribute(name);
        if (value && value.trim()) { out.push(value.trim()); }
    }
}
return out;
"""

WRAPPED = re.compile(r"⟪[^⟪⟫]*⟫")
WORD = re.compile(r"[^\W\d_]{2,}")
# Month names and plotly's axis month abbreviations (bokmål formats in the pseudo language).
MONTH_WORDS = {m.lower() for m in formatting.MONTHS} | {m[:3].lower() for m in formatting.MONTHS}
# Words that are the same in every language and are not text of ours.
NEUTRAL_WORDS = {"situasjonsbilde"}


def _data_names() -> list[str]:
    """Names that come from the data, not from the interface: kommuner, fylker, demo users,
    the named links between kommuner."""
    from dashboard.auth import DEMO_USERS

    names: set[str] = set()
    for year in (2020, 2024):
        names |= set(reference.kommuner(year)["name"].astype(str))
        names |= set(reference.fylker(year)["name"].astype(str))
    names |= {user.display_name for user in DEMO_USERS.values()}
    # bridges, tunnels and ferry routes of the travel-link table are names too
    names |= {str(n) for n in reference.travel_links(2024)["name"] if str(n)}
    # longest first, so "Nord-Aurdal" goes before "Aurdal"
    return sorted(names, key=len, reverse=True)


def untranslated_words(text: str, names: list[str]) -> list[str]:
    previous = None
    while previous != text:
        previous, text = text, WRAPPED.sub(" ", text)
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return [
        word
        for word in WORD.findall(text)
        if word.lower() not in MONTH_WORDS and word.lower() not in NEUTRAL_WORDS
    ]


def test_untranslated_words_finds_bypassing_text() -> None:
    names = ["Oslo", "Nord-Aurdal"]
    assert untranslated_words("⟪Nye tilfeller⟫: 1 234", names) == []
    assert untranslated_words("⟪Kommune ⟪Oslo⟫⟫ Oslo 3. mars 2022", names) == []
    assert untranslated_words("Nord-Aurdal ⟪(fylke)⟫ per uke", names) == ["per", "uke"]
    assert untranslated_words("Hele landet", names) == ["Hele", "landet"]


def test_every_page_text_comes_through_the_translation_layer(dash_duo, app) -> None:  # type: ignore[no-untyped-def]
    driver = dash_duo.driver
    start_server(dash_duo, app)
    only = [p for p in os.environ.get("I18N_PAGES", "").split(",") if p]
    names = _data_names()
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    # the full-access test user sees every page but the admin's and the rule editor's
    for user in (FULL_ACCESS_USER, "admin", "regelredaktor"):
        browser_login(dash_duo, user, "/")
        driver.get(f"{dash_duo.server_url}/sprak/{i18n.PSEUDO_LANGUAGE}")
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "nav a"))
        paths = list(dict.fromkeys(urlsplit(href).path for _t, href in nav_items(driver)))
        assert len(paths) >= 5, (user, paths)
        paths = [p for p in paths if p not in seen]
        if only:
            paths = [p for p in paths if any(part in p for part in only)]
        for path in paths:
            seen.add(path)
            driver.get(f"{dash_duo.server_url}{path}")
            dash_duo.wait_for_element("#react-entry-point main", timeout=20)
            wait_rendered(driver)
            texts = driver.execute_script(TEXTS_JS)
            bad = {t for t in texts if untranslated_words(t, names)}
            if bad:
                found[path] = bad
        driver.get(f"{dash_duo.server_url}/logout")
    assert only or {"/admin/revisjon", "/regler-rediger"} <= seen, seen
    report = "\n".join(
        f"{path}:\n" + "\n".join(f"    {t[:160]!r}" for t in sorted(texts)[:60])
        for path, texts in found.items()
    )
    total = sum(len(t) for t in found.values())
    assert not found, f"{total} texts on {len(found)} pages bypass the translation layer:\n{report}"
