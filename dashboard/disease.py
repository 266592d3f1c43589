"""The disease a request asks about: chosen in the header, kept per browser tab in the URL.

One path for every page: the browser script ``assets/disease.js`` keeps the tab's choice in
its address (``?sykdom=influensa``, carried across the menus and in every same-site link,
download and export) and sends it with each of the Dash renderer's requests (header
``X-Sykdom``); a page or export loaded directly carries it as ``?sykdom=``, the API as
``?disease=``. :func:`init_disease_choice` sets it for the request in the data layer
(:func:`data.db.choose_disease`), where every read's ``disease`` defaults to it and every
result-cache key (so every cached response) carries it. No callback passes it on. Two tabs
(two wall screens) may show two diseases: nothing is kept in a cookie or the session.

An unknown value on a page falls back to the default disease and says so in the header
(never a 500); on the API it is a 400.
"""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, request

from dashboard.i18n import _
from data import db
from data.codes import DEFAULT_DISEASE, DISEASES, Disease, disease

HEADER = "X-Sykdom"
PAGE_PARAM = "sykdom"
API_PARAM = "disease"
API_PREFIX = "/api/"
MAX_SHOWN = 40  # of an unknown value echoed back in a message


def chosen() -> Disease:
    """The disease of this request (the default outside one)."""
    return disease(db.chosen_disease())


def unknown_choice() -> str | None:
    """The value asked for when it named no disease (the page then shows the default)."""
    try:
        value = g.get("unknown_disease")
    except RuntimeError:  # outside a request
        return None
    return None if value is None else str(value)


def name(code: str | None = None) -> str:
    """A disease's display name in the user's language (the chosen one by default)."""
    return _(disease(code).name) if code else _(chosen().name)


def query(code: str | None = None) -> str:
    """``?sykdom=<code>`` for a link to a page about ``code`` (the chosen disease by default);
    empty for the default disease."""
    code = code or db.chosen_disease()
    return "" if code == DEFAULT_DISEASE else f"?{PAGE_PARAM}={code}"


def titled(title: str) -> str:
    """A title of a page, report or file about the chosen disease: unchanged for the default
    disease (the titles it always had), else naming it («Morgenbrief Oslo – 7. desember 2026 ·
    influensa»). The same words as ``callbacks.common.with_disease``."""
    if db.chosen_disease() == DEFAULT_DISEASE:
        return title
    return _("{tittel} · {sykdom}", tittel=title, sykdom=name())


def file_part() -> str:
    """What a downloaded file's name says of the disease: ``-influensa``; empty for the
    default disease (the names files always had)."""
    code = db.chosen_disease()
    return "" if code == DEFAULT_DISEASE else f"-{code}"


def options() -> list[dict[str, str]]:
    """The header's choice: every disease, named in the user's language."""
    return [{"label": _(d.short_name), "value": code} for code, d in DISEASES.items()]


def _requested() -> tuple[str | None, bool]:
    """(the value the request names, whether it is an API request)."""
    if request.path.startswith(API_PREFIX):
        return request.args.get(API_PARAM), True
    value = request.headers.get(HEADER) or request.args.get(PAGE_PARAM)
    return value, False


def init_disease_choice(server: Flask) -> None:
    """Every request of ``server`` reads for the disease it names (see the module). Register
    before the response cache: its lookup key carries the chosen disease."""

    @server.before_request
    def choose_disease() -> Response | tuple[Response, int] | None:
        value, api = _requested()
        if not value:
            return None
        try:
            g.disease_token = db.choose_disease(value)
        except ValueError:
            if api:
                message = _(
                    "Ukjent sykdom i {felt}: bruk {koder}",
                    felt=API_PARAM,
                    koder=", ".join(DISEASES),
                )
                return jsonify(error=message, status=400), 400
            g.unknown_disease = value[:MAX_SHOWN]
        return None

    @server.teardown_request
    def unchoose_disease(_error: BaseException | None) -> None:
        token = g.pop("disease_token", None)
        if token is not None:
            db.unchoose_disease(token)
