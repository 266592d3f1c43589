"""Benchmarks: print numbers and ratios, never pass/fail on a time.

Runs against the database the settings point to (``DATABASE_URL``; by default the embedded
SQLite file). For full scale, build it first: ``make demo-full`` (or set DATA_DIR to a folder
holding a full-scale database). Results are also appended to ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import time
from pathlib import Path

from bench.report import emit, heading
from bench.sqltime import SqlRecorder
from dashboard.app_factory import create_app, freeze_startup
from dashboard.settings import load_settings
from data import cache as data_cache
from data import db, queries
from data.scope import Scope
from tests.dash_http import call_dependency, call_map, kommune_page_callbacks

RESULTS = Path(__file__).with_name("results.md")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _client(app):  # type: ignore[no-untyped-def]
    """A test client logged in as the KS analyst: every kommune, the heaviest map."""
    client = app.server.test_client()
    assert client.get("/login/demo/ks-analytiker").status_code == 302
    return client


PAGE_KOMMUNER = ("0301", "4601", "1151", "5501", "3201", "1508", "3209", "5605")


def _page_callbacks(settings, data_date: dt.date, n_kommuner: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """p50/p95 server time of every kommune page's main callback, three ways.

    no cache: the result cache off, every read runs (the worst case); first view: a fresh
    app with the cache on, every request a kommune and date not asked before (what the first
    user of a morning meets); repeat: the same requests again (everyone after). The requests
    are those a browser sends (found in /_dash-dependencies). With no cache, every statement
    a callback sends is recorded and replayed bare (``bench/sqltime.py``): callback time /
    bare SQL time is the app's overhead.
    """
    out = []
    dates = [data_date - dt.timedelta(days=d) for d in (0, 45, 400)]
    kommuner = PAGE_KOMMUNER[:n_kommuner]
    for label in ("no cache", "first view", "repeat"):
        app = create_app(settings)
        freeze_startup()  # as the servers do (app.py)
        client = _client(app)
        if label == "no cache":
            data_cache.set_backend(None)
        deps = kommune_page_callbacks(client)
        seen: set[str] = set()
        for dep in deps:
            first_id = dep["output"].strip(".").split(".")[0]
            name = first_id.rsplit("-", 1)[0]
            if name in seen:  # two callbacks of one page: name them by their first output
                name = first_id
            seen.add(name)
            times = []
            sql: list[float] = []
            for _round in range(2 if label == "repeat" else 1):
                for kommune in kommuner:
                    for date in dates:
                        with SqlRecorder(db.engine()) as recorder:
                            start = time.perf_counter()
                            status, _ = call_dependency(
                                client, dep, kommune=kommune, date=date.isoformat()
                            )
                            times.append((time.perf_counter() - start) * 1000)
                        assert status in (200, 204), (name, kommune, status)
                        if label == "no cache":
                            sql.append(recorder.replay_ms())
            if label == "repeat":
                times = times[len(times) // 2 :]  # the second round: everything cached
            out.append(
                (
                    f"page {name} main callback, {label}: p50 / p95 ms (n={len(times)})",
                    f"{statistics.median(times):.0f} / {_pct(times, 0.95):.0f}",
                )
            )
            if sql:
                out.append(
                    (
                        f"page {name} main callback, bare SQL of its reads: p50 ms · "
                        "callback / SQL (sum)",
                        f"{statistics.median(sql):.0f} · {sum(times) / max(sum(sql), 0.01):.1f}×",
                    )
                )
    return out


def _pdf_export(settings, data_date: dt.date) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    client = app.server.test_client()
    client.get("/login/demo/lege-oslo")
    times = []
    for i in range(4):
        start = time.perf_counter()
        response = client.get(f"/morgenbrief/0301/pdf?dato={data_date - dt.timedelta(days=i)}")
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            return [("Morgenbrief PDF export", f"HTTP {response.status_code}")]
    return [
        ("Morgenbrief PDF export, first (starts the renderer) ms", f"{times[0]:.0f}"),
        ("Morgenbrief PDF export, next: max ms", f"{max(times[1:]):.0f}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kommuner", type=int, default=len(PAGE_KOMMUNER))
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF export timing")
    parser.add_argument(
        "--no-append", action="store_true", help="do not append to bench/results.md"
    )
    args = parser.parse_args()
    settings = load_settings()
    app = create_app(settings)
    client = _client(app)
    info = queries.dataset_info(scope=Scope.full())
    data_date = info["data_date"]
    dates = [data_date - dt.timedelta(days=7 * i) for i in range(20)]
    metrics = ["incidence_14d", "incidence_7d", "cases_7d", "cases_14d"]
    rows: list[tuple[str, str]] = []

    geometry = client.get("/geo/kommuner-2020.geojson").data
    rows.append(
        ("geometry bytes (raw / gzip)", f"{len(geometry):,} / {len(gzip.compress(geometry)):,}")
    )

    def first(date: dt.date) -> int:
        _, _, size = call_map(client, "incidence_14d", date)
        return size

    def change(metric: str, date: dt.date) -> int:
        status, _, size = call_map(client, metric, date, changed=True)
        assert status == 200
        return size

    rows.append(("first map response bytes (raw)", f"{first(data_date):,}"))
    rows.append(("metric change response bytes (raw)", f"{change('cases_7d', data_date):,}"))

    # Cold: a new date each call, so neither the result cache nor SQLite's page cache for that
    # window is warm. Warm: the same call again.
    data_cache.set_backend(None)
    cold = []
    map_sql = []
    for i, d in enumerate(dates):
        with SqlRecorder(db.engine()) as recorder:
            start = time.perf_counter()
            change(metrics[i % len(metrics)], d)
            cold.append((time.perf_counter() - start) * 1000)
        map_sql.append(recorder.replay_ms())
    app2 = create_app(settings)
    client = _client(app2)
    change("incidence_7d", data_date)
    warm = _time(lambda: change("incidence_7d", data_date), 30)
    sql = _time(lambda: queries.case_windows(scope=Scope.full(), date=data_date), 1)
    data_cache.set_backend(None)
    bare = _time(lambda: queries.case_windows(scope=Scope.full(), date=data_date), 10)
    rows += [
        (
            "map metric change, no result cache: p50 / p95 ms",
            f"{statistics.median(cold):.1f} / {_pct(cold, 0.95):.1f}",
        ),
        (
            "map metric change, warm cache: p50 / p95 ms",
            f"{statistics.median(warm):.1f} / {_pct(warm, 0.95):.1f}",
        ),
        ("bare case-window query (no cache): p50 ms", f"{statistics.median(bare):.1f}"),
        (
            "callback / bare query ratio (no cache)",
            f"{statistics.median(cold) / statistics.median(bare):.2f}",
        ),
        (
            "map metric change, bare SQL of its reads: p50 ms · callback / SQL (sum)",
            f"{statistics.median(map_sql):.0f} · {sum(cold) / max(sum(map_sql), 0.01):.1f}×",
        ),
    ]
    del sql
    rows += _page_callbacks(settings, data_date, args.kommuner)
    if not args.no_pdf:
        rows += _pdf_export(settings, data_date)
    data = f"data {info['scale'] or info['source']} (data date {data_date})"
    header = heading("Pages", data, settings.database_url.split(":")[0])
    emit(header, rows, args.json, append=not args.no_append)
    print(json.dumps({"results_file": str(RESULTS)}))


if __name__ == "__main__":
    main()
