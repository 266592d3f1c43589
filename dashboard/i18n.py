"""One translation layer for every user-facing string, and the number and date formats that
go with each language.

Source strings are Norwegian bokmål, the product's default language; English comes from the
gettext catalogue ``dashboard/locale/en/LC_MESSAGES/messages.po`` (edited with Babel:
``make messages`` extracts new strings and updates the catalogue). The language of a request is
the ``sb_lang`` cookie set by ``/sprak/<code>``; outside a request (CLI, reports, tests) it is
bokmål unless :func:`language` says otherwise.

Use:

- ``_("Nye tilfeller siste 7 døgn")``: a translated string, at render time;
- ``_("{navn} har {n} tilfeller", navn=name, n=formatting.number(n))``: placeholders are filled
  after translation (``str.format``), so the translator can move them;
- ``ngettext("{n} klynge", "{n} klynger", count, n=count)``: plural forms;
- ``N_("...")`` marks a module-level constant for extraction without translating it at import;
  translate it where it is shown: ``_(CONSTANT)``.

The pseudo language ``qps`` wraps every translated string in ⟪ ⟫; the tests render every page in
it and fail on any text that did not pass through this layer.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import has_request_context, request

DEFAULT_LANGUAGE = "nb"
# code -> (name in its own language, Babel/CLDR locale, html lang attribute)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "nb": ("Norsk bokmål", "nb_NO", "nb"),
    "en": ("English", "en_GB", "en"),
}
PSEUDO_LANGUAGE = "qps"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟪", "⟫"
COOKIE = "sb_lang"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"

_forced: ContextVar[str | None] = ContextVar("sb_language", default=None)


def is_supported(code: str | None) -> bool:
    return code in LANGUAGES or code == PSEUDO_LANGUAGE


def get_language() -> str:
    """The language of this request (or of the enclosing :func:`language` block)."""
    forced = _forced.get()
    if forced is not None:
        return forced
    if has_request_context():
        code = request.cookies.get(COOKIE)
        if is_supported(code):
            return str(code)
    return DEFAULT_LANGUAGE


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """Render in ``code`` inside the block (CLI reports, PDF jobs, tests)."""
    if not is_supported(code):
        raise ValueError(f"unsupported language {code!r}; choose one of {sorted(LANGUAGES)}")
    token = _forced.set(code)
    try:
        yield
    finally:
        _forced.reset(token)


def babel_locale(code: str | None = None) -> str:
    """The CLDR locale of a language (pseudo renders with bokmål formats)."""
    code = code or get_language()
    return LANGUAGES.get(code, LANGUAGES[DEFAULT_LANGUAGE])[1]


def html_lang(code: str | None = None) -> str:
    code = code or get_language()
    return LANGUAGES.get(code, LANGUAGES[DEFAULT_LANGUAGE])[2]


@functools.cache
def catalogue(code: str) -> dict[Any, str]:
    """msgid -> translation of one language, read once from its .po file.

    Plural entries are keyed by (singular, plural) and hold the translations joined by NUL.
    Fuzzy and empty entries are left out: the source string is shown instead.
    """
    from babel.messages.pofile import read_po

    out: dict[Any, str] = {}
    # messages.po, plus any messages-*.po beside it (read in name order)
    for path in sorted((LOCALE_DIR / code / "LC_MESSAGES").glob(f"{DOMAIN}*.po")):
        with path.open("rb") as fh:
            cat = read_po(fh, locale=LANGUAGES.get(code, (None, code))[1])
        for message in cat:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                strings = list(message.string or ())
                if all(strings):
                    out[tuple(message.id)] = "\0".join(strings)
            elif message.string:
                out[message.id] = str(message.string)
    return out


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def gettext(message: str, /, **values: Any) -> str:
    """``message`` in the current language, placeholders filled from ``values``."""
    code = get_language()
    if code == PSEUDO_LANGUAGE:
        return PSEUDO_OPEN + _fill(message, values) + PSEUDO_CLOSE
    if code != DEFAULT_LANGUAGE:
        message = catalogue(code).get(message, message)
    return _fill(message, values)


_ = gettext


def ngettext(singular: str, plural: str, n: int | float, /, **values: Any) -> str:
    """The singular or plural form for ``n`` (bokmål and English share the rule n == 1)."""
    code = get_language()
    one = n == 1
    if code == PSEUDO_LANGUAGE:
        return PSEUDO_OPEN + _fill(singular if one else plural, values) + PSEUDO_CLOSE
    if code != DEFAULT_LANGUAGE:
        joined = catalogue(code).get((singular, plural))
        if joined:
            forms = joined.split("\0")
            return _fill(forms[0] if one or len(forms) == 1 else forms[1], values)
    return _fill(singular if one else plural, values)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (module-level constants)."""
    return message


def plotly_separators(code: str | None = None) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return ".," if (code or get_language()) == "en" else ", "


def plotly_locale(code: str | None = None) -> str:
    """The plotly.js locale of the graph config (month names, modebar)."""
    return "en" if (code or get_language()) == "en" else "nb"
