"""The translation layer: every user-facing string is in the English catalogue, the language
switch works over HTTP, and numbers and dates follow the language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from dashboard import formatting, i18n

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("dashboard", "layouts", "callbacks")


def extracted_messages() -> dict[object, str]:
    """msgid (or (singular, plural)) -> "file:line" of every string marked for translation."""
    found: dict[object, str] = {}
    for folder in SOURCE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=DEFAULT_KEYWORDS,
        ):
            key = tuple(message) if isinstance(message, tuple | list) else message
            found.setdefault(key, f"{folder}/{filename}:{lineno}")
    return found


def test_every_marked_string_has_an_english_translation() -> None:
    catalogue = i18n.catalogue("en")
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(extracted_messages().items(), key=lambda kv: kv[1])
        if msgid not in catalogue
    ]
    assert not missing, (
        f"{len(missing)} strings have no English translation (run `make messages` and fill "
        "dashboard/locale/en/LC_MESSAGES/messages.po):\n" + "\n".join(missing[:200])
    )


def test_placeholders_survive_translation() -> None:
    """A translation must name the same {placeholders} as its source, or .format() breaks."""
    import string

    def names(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    bad = []
    for msgid, translated in i18n.catalogue("en").items():
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        for source, target in zip(sources, translated.split("\0"), strict=False):
            if names(source) != names(target):
                bad.append(f"{source!r} -> {target!r}")
    assert not bad, "\n".join(bad)


def test_gettext_uses_catalogue_placeholders_and_plurals() -> None:
    assert i18n.gettext("Ukjent språk.") == "Ukjent språk."
    with i18n.language("en"):
        assert i18n.gettext("Ukjent språk.") == "Unknown language."
        # a string not in the catalogue falls back to the source, placeholders filled
        assert i18n.gettext("{n} stk", n=3) == "3 stk"
    with i18n.language(i18n.PSEUDO_LANGUAGE):
        assert i18n.gettext("Hei {navn}", navn="Ola") == "⟪Hei Ola⟫"
        assert i18n.ngettext("{n} klynge", "{n} klynger", 2, n=2) == "⟪2 klynger⟫"
    assert i18n.ngettext("{n} klynge", "{n} klynger", 1, n=1) == "1 klynge"
    with pytest.raises(ValueError), i18n.language("sv"):
        pass


def test_number_and_date_formats_follow_the_language() -> None:
    day = dt.date(2026, 11, 2)
    assert formatting.number(12345.67, 1) == "12\u00a0345,7"
    assert formatting.date_short(day) == "02.11.2026"
    assert formatting.date_long(day) == "2. november 2026"
    with i18n.language("en"):
        assert formatting.number(12345.67, 1) == "12,345.7"
        assert formatting.date_short(day) == "02/11/2026"
        assert formatting.date_long(day) == "2 November 2026"
        assert i18n.plotly_separators() == ".,"
    assert i18n.plotly_separators() == ", "


def test_language_switch_sets_cookie_and_html_lang(client) -> None:
    assert b'<html lang="nb">' in client.get("/").data
    response = client.get("/sprak/en", headers={"Referer": "http://localhost/kommune/0301"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kommune/0301")
    assert "sb_lang=en" in response.headers["Set-Cookie"]
    assert b'<html lang="en">' in client.get("/").data
    # no open redirect, no unknown language
    away = client.get("/sprak/nb?neste=//evil.example/x")
    assert away.headers["Location"].endswith("/") and "evil" not in away.headers["Location"]
    assert client.get("/sprak/sv").status_code == 404
    assert b'<html lang="nb">' in client.get("/").data


def test_language_switch_is_open_before_login(anonymous_client) -> None:
    response = anonymous_client.get("/sprak/en?neste=/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
