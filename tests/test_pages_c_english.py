"""Signaler, Varsler, Datakvalitet and Revisjon in English (the language cookie), the alert
e-mails kept in bokmål, and the translatable signal definition kept equal to the method."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboard import i18n, mailer
from dashboard.definitions import clusters as definitions
from data import signals
from tests.conftest import login
from tests.dash_http import DQ_OUTPUTS, call, call_audit
from tests.dash_http import SIGNALER_OUTPUTS as SIGNAL_OUTPUTS
from tests.test_alerts import signal_date  # noqa: F401  (module fixture)
from tests.test_signals import (
    busy_week,  # noqa: F401  (module fixture)
    recompute,
)


def english(app: Any, user_id: str = "test-full") -> Any:
    client = login(app.server.test_client(), user_id)
    client.set_cookie("sb_lang", "en")
    return client


def test_signal_definition_names_the_method_parameters() -> None:
    """The definition is one literal (translatable); it must still say what data.signals does."""
    text = definitions.SIGNALS.definition
    p = signals.DEFAULT_PARAMS
    assert definitions.METHOD_NAME_NB in text
    assert f"(±{definitions.HALF_WINDOW})" in text
    assert f"opptil {definitions.YEARS_BACK} tidligere år" in text
    assert f"{100 * (1 - definitions.ALPHA):g} %-kvantilen" in text
    assert f"minst {definitions.RECENT_MIN} tilfeller siste {definitions.RECENT_WEEKS} uker" in text
    assert definitions.METHOD_CITATION in definitions.SIGNALS.source
    assert (p.alpha, p.years_back) == (definitions.ALPHA, definitions.YEARS_BACK)


def test_signaler_in_english(app, busy_week) -> None:  # noqa: F811
    from layouts import signaler

    status, body, _ = call(
        english(app),
        outputs=SIGNAL_OUTPUTS,
        inputs=[
            ("signaler-select", "value", None),
            ("signaler-date", "date", busy_week.isoformat()),
            ("signaler-fylke", "value", None),
            ("signaler-series", "value", "cases"),
            ("signaler-every-disease", "value", []),
        ],
    )
    assert status == 200, body
    response = body["response"]
    rows = response["signaler-table"]["data"]
    week = pd.Timestamp(busy_week - dt.timedelta(days=6))
    observed, expected, _threshold = recompute(rows[0]["kommunenummer"], week)
    assert rows[0]["observed"] == str(observed)
    assert rows[0]["expected"] == f"{expected:.1f}"  # English decimal point
    assert rows[0]["series"] == "Cases" and rows[0]["week"].startswith("Week ")
    assert "signals" in str(response["signaler-summary"]["children"])
    assert response["signaler-source"]["children"].startswith("Data as of ")
    assert "observed, expected and threshold" in str(response["signaler-history"]["figure"])
    with i18n.language("en"):
        rendered = str(signaler.layout())
    assert "All counties" in rendered and "Signal since" in rendered


def test_alert_emails_stay_bokmal_from_an_english_page(app, signal_date) -> None:  # noqa: F811
    event = {
        "kind": "signal",
        "kommunenummer": "4601",
        "series": "cases",
        "observed": 40,
        "observed_suppressed": False,
        "expected": 12.5,
        "threshold": 21.0,
        "week_start": signal_date - dt.timedelta(days=6),
        "since_week_start": signal_date - dt.timedelta(days=6),
    }
    with app.server.test_request_context(headers={"Cookie": "sb_lang=en"}):
        assert i18n.get_language() == "en"
        subject, body = mailer.render(event, base_url="http://x", date=signal_date, is_demo=True)
        english_subject, _ = mailer.render(
            event, base_url="http://x", date=signal_date, is_demo=True, language="en"
        )
    assert subject.startswith("Signal: Bergen (4601) – tilfeller over terskelen, uke ")
    assert "forventet 12,5" in body and "Syntetiske demodata" in body
    assert english_subject.startswith("Signal: Bergen (4601) – cases above the threshold, week ")


def test_varsler_datakvalitet_and_revisjon_in_english(app) -> None:
    from layouts import datakvalitet, revisjon, varsler

    with i18n.language("en"):
        pages = {
            "varsler": str(varsler.layout()),
            "datakvalitet": str(datakvalitet.layout()),
            "revisjon": str(revisjon.layout()),
        }
    assert "Save subscription" in pages["varsler"] and "Your latest alerts" in pages["varsler"]
    assert "Freshness by source" in pages["datakvalitet"]
    assert "Refused requests" in pages["revisjon"] and "Time (UTC)" in pages["revisjon"]

    status, body, _ = call(
        english(app), outputs=DQ_OUTPUTS, inputs=[("dq-cards", "id", "dq-cards")]
    )
    assert status == 200
    response = body["response"]
    assert "Rows loaded" in str(response["dq-cards"]["children"])
    arrivals = str(response["dq-arrivals"]["children"])
    assert "registered arrivals" in arrivals
    # an English number: thousands with a comma, no bokmål space
    assert any(c.isdigit() for c in arrivals) and "\xa0" not in arrivals

    admin = english(app, "admin")
    status, body, _ = call_audit(admin)
    assert status == 200
    assert "events (at most 500 shown)" in str(body["response"]["audit-alert"]["children"])


def _texts(component: Any) -> list[str]:
    """Every text a component tree shows: children strings, labels, placeholders, titles,
    table column names and option labels."""
    out: list[str] = []
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        for item in component:
            out += _texts(item)
        return out
    if not hasattr(component, "to_plotly_json"):
        return out
    props = component.to_plotly_json()["props"]
    for key in ("children", "placeholder", "title", "label", "aria-label"):
        if key in props:
            out += _texts(props[key])
    for column in props.get("columns") or []:
        out.append(str(column.get("name", "")))
    for option in props.get("options") or []:
        if isinstance(option, dict):
            out += _texts(option.get("label"))
    return out


def test_revisjon_layout_passes_the_pseudo_language_check() -> None:
    """The browser test walks the navigation of a user without the audit right, so the audit
    log page is checked here: in the pseudo language no word of its own may be left."""
    from layouts import revisjon
    from tests.test_i18n_pages import untranslated_words

    with i18n.language(i18n.PSEUDO_LANGUAGE):
        texts = _texts(revisjon.layout())
        title = revisjon.PAGE["title"]()
    bad = [t for t in [*texts, title] if untranslated_words(t, [])]
    assert texts and not bad, bad


def test_every_page_title_is_in_the_users_language() -> None:
    """A page's browser title (``PAGE["title"]``, from layouts.common.page_entry) is its name in
    the user's language, for every page module and every subject page."""
    from callbacks.subjects import pages
    from layouts import page_modules
    from tests.test_i18n_pages import untranslated_words

    entries = [m.PAGE for m in page_modules()] + [p.layout.page() for p in pages()]
    with i18n.language(i18n.PSEUDO_LANGUAGE):
        titles = {e["path"]: e["title"]() if callable(e["title"]) else e["title"] for e in entries}
    bad = {path: title for path, title in titles.items() if untranslated_words(title, [])}
    assert len(titles) == len(entries) > 10 and not bad, bad
    with i18n.language("en"):
        assert [e["title"]() for e in entries if e["path"] == "/regler/0301"] == [
            "Rules – Situasjonsbilde"
        ]


def _date_pickers(component: Any) -> list[Any]:
    from dash import dcc

    if isinstance(component, dcc.DatePickerSingle):
        return [component]
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return [p for child in children for p in _date_pickers(child)]
    return _date_pickers(children) if children is not None else []


def test_every_date_picker_writes_dates_as_the_language_does() -> None:
    """Every page's date pickers show dates as formatting does in the user's language
    (DD/MM/YYYY in English), weeks from Monday."""
    from layouts import page_modules

    with i18n.language("en"):
        pickers = {
            m.__name__: [
                (p.id, p.display_format, getattr(p, "first_day_of_week", None))
                for p in _date_pickers(m.layout())
            ]
            for m in page_modules()
        }
    found = [p for found in pickers.values() for p in found]
    assert len(found) >= 8
    assert not [p for p in found if p[1:] != ("DD/MM/YYYY", 1)], pickers
