"""Server time of the cluster page, the signal list, the chain view and the map overlay.

p50 / p95 of each main callback, posted as a browser does, without the result cache (cold:
every query runs) and with it (warm). Run against a full-scale database with signals:

    DATA_DIR=<folder with a full-scale database> python -m bench.clusters_signals [--append]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.report import emit, heading
from dashboard.app_factory import create_app
from dashboard.settings import load_settings
from data import cache as data_cache
from data import db, queries
from data.scope import Scope
from tests.dash_http import KLYNGER_OUTPUTS, SIGNALER_OUTPUTS, call, page_response

RESULTS = Path(__file__).with_name("results.md")
KOMMUNER = ("0301", "4601", "1151", "5501", "3201", "1508", "3209", "5605")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(requests: list[Callable[[], Any]]) -> list[float]:
    out = []
    for request in requests:
        start = time.perf_counter()
        request()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _login(app: Any, user: str) -> Any:
    client = app.server.test_client()
    assert client.get(f"/login/demo/{user}").status_code == 302
    return client


def _klynger(client: Any, kommune: str, date: dt.date, view: str) -> Callable[[], Any]:
    def request() -> None:
        page_response(client, "klynger", KLYNGER_OUTPUTS, kommune, date.isoformat(), view=view)

    return request


def _signaler(
    client: Any, date: dt.date, kommuner: list[str] | None, fylke: str | None
) -> Callable[[], Any]:
    def request() -> None:
        day = date.isoformat()
        page_response(
            client,
            "signaler",
            SIGNALER_OUTPUTS,
            kommuner,
            day,
            fylke=fylke,
            series="cases",
            **{"every-disease": []},
        )

    return request


def _chain(client: Any, cluster_id: str) -> Callable[[], Any]:
    def request() -> None:
        status, body, _ = call(
            client,
            outputs=[("klynger-chain", "figure"), ("klynger-chain-detail", "children")],
            inputs=[("klynger-chain-cluster", "value", cluster_id)],
        )
        assert status == 200 and body.get("response")

    return request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    info: dict[str, Any] | None = None
    rows: list[tuple[str, str]] = []
    for label, use_cache in (("cold", False), ("warm", True)):
        app = create_app(settings)
        if not use_cache:
            data_cache.set_backend(None)
        info = queries.dataset_info(scope=Scope.full())
        data_date = info["data_date"]
        dates = [data_date - dt.timedelta(days=d) for d in (0, 45, 320, 400)]
        ks = _login(app, "ks-analytiker")
        fylke = _login(app, "fylkeslege-vestland")
        sporer = _login(app, "sporer-bergen")
        cases: dict[str, list[Callable[[], Any]]] = {
            "Klynger, one kommune (KS role)": [
                _klynger(ks, k, d, "kommune") for k in KOMMUNER for d in dates
            ],
            "Klynger, whole scope (KS: all kommuner)": [
                _klynger(ks, "0301", d, "scope") for d in dates
            ],
            "Klynger, whole scope (fylkeslege Vestland)": [
                _klynger(fylke, "4601", d, "scope") for d in dates
            ],
            "Signaler, all kommuner (KS)": [_signaler(ks, d, None, None) for d in dates],
            "Signaler, one county (KS, Vestland)": [_signaler(ks, d, None, "46") for d in dates],
            "Signaler, one kommune (KS)": [
                _signaler(ks, d, [k], None) for k in KOMMUNER[:4] for d in dates
            ],
        }
        with db.engine().connect() as conn:
            biggest = conn.execute(
                text(
                    "select id, size from cluster where kommunenummer = '4601' "
                    "order by size desc limit 3"
                )
            ).all()
        cases["Smittekjeder, Bergen's largest clusters (smittesporer)"] = [
            _chain(sporer, r.id) for r in biggest
        ]
        for name, requests in cases.items():
            if use_cache:
                _timed(requests)  # fill the cache; the chain view is never cached
            times = _timed(requests)
            rows.append(
                (
                    f"{name}, {label}: p50 / p95 ms (n={len(times)})",
                    f"{statistics.median(times):.0f} / {_pct(times, 0.95):.0f}",
                )
            )
        if label == "cold":
            sizes = ", ".join(str(r.size) for r in biggest)
            rows.append(("  (chain clusters sizes)", sizes))
    assert info is not None
    data = f"data {info['scale'] or info['source']} (data date {info['data_date']})"
    emit(heading("Clusters and signals", data), rows, append=args.append)


if __name__ == "__main__":
    main()
