"""Signaler's «Alle sykdommer»: the list holds every disease's signals of the week, each row
naming its disease; without it the header's choice filters (the default). Over HTTP through
Dash on the session's tiny demo, compared with the stored ``signal`` rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from data.codes import DISEASES
from data.queries.signals import signal_week
from tests.conftest import login
from tests.dash_http import SIGNALER_OUTPUTS, call, texts
from tests.disease_store import raw

NAMES = {"covid19": "covid-19", "influensa": "influensa", "rsv": "RS-virus"}


def _signaler(app: Any, day: dt.date, every: list[str] | None, tab: str = "influensa") -> dict:
    from tests.browser_helpers import FULL_ACCESS_USER

    client = login(app.server.test_client(), FULL_ACCESS_USER)
    client.environ_base["HTTP_X_SYKDOM"] = tab
    status, body, _size = call(
        client,
        outputs=SIGNALER_OUTPUTS,
        inputs=[
            ("signaler-select", "value", None),
            ("signaler-date", "date", day.isoformat()),
            ("signaler-fylke", "value", None),
            ("signaler-series", "value", "cases"),
            ("signaler-every-disease", "value", every),
        ],
    )
    assert status == 200
    return dict(body["response"])


def test_every_disease_lists_each_disease_signals_with_its_name(app: Any) -> None:
    day = dt.date.fromisoformat(
        str(raw(app, "SELECT value FROM dataset_meta WHERE key = 'data_date'")["value"].iloc[0])
    )
    stored = raw(
        app,
        "SELECT kommunenummer, disease FROM signal WHERE week_start = :w "
        "AND series = 'cases' AND alarm",
        w=signal_week(day),
    )
    expected = Counter(
        (k, NAMES.get(d, str(DISEASES[d].name)))
        for k, d in zip(stored["kommunenummer"], stored["disease"], strict=True)
    )
    assert len(set(stored["disease"])) >= 2  # the demo's week has signals of two diseases
    every = _signaler(app, day, ["alle"])
    rows = every["signaler-table"]["data"]
    assert Counter((r["kommunenummer"], r["disease"]) for r in rows) == expected
    assert "(alle sykdommer)" in " ".join(texts(every["signaler-summary"]["children"]))
    # the header's choice stays the default filter: influenza's signals only, named so
    chosen = _signaler(app, day, [])["signaler-table"]["data"]
    flu = stored[stored["disease"] == "influensa"]
    assert sorted(r["kommunenummer"] for r in chosen) == sorted(flu["kommunenummer"])
    assert {r["disease"] for r in chosen} <= {"influensa"}
