"""Benchmarks of issue 8: the Kommuneoversikt callback for every kommune (as the KS analyst)
and the weekly reports of every kommune for one week. Prints numbers, appends them to
``bench/results.md``; never fails on a time.

    DATA_DIR=/tmp/sbfull python -m bench.overview [--reports] [--week 2022-W05]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from bench.report import emit, heading
from bench.run import _client, _pct
from dashboard.app_factory import create_app
from dashboard.settings import load_settings
from data import cache as data_cache
from data import queries
from data.scope import Scope
from tests.dash_http import OVERVIEW_OUTPUTS, call


def _overview(client, date: dt.date) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    status, body, size = call(
        client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", date.isoformat())]
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert status == 200 and len(body["response"]["ov-table"]["data"]) >= 300
    return elapsed, size


def overview_rows(settings, data_date: dt.date) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    client = _client(app)
    rows: list[tuple[str, str]] = []
    # First load after start: every kommune's certificate spells and the per-date reads.
    first, size = _overview(client, data_date)
    rows.append(("overview (357 kommuner), first load after start ms", f"{first:.0f}"))
    rows.append(("overview response bytes (raw)", f"{size:,}"))
    # A new date each call: the per-date reads run, the long-lived caches are warm.
    dates = [data_date - dt.timedelta(days=7 * i) for i in range(1, 13)]
    new_date = [_overview(client, d)[0] for d in dates]
    rows.append(
        (
            "overview, new date each call: p50 / p95 ms (n=12)",
            f"{statistics.median(new_date):.0f} / {_pct(new_date, 0.95):.0f}",
        )
    )
    # The same view again (another user of the same role, a reload): cached.
    warm = [_overview(client, d)[0] for d in dates + dates]
    rows.append(
        (
            "overview, repeated view (cached): p50 / p95 ms (n=24)",
            f"{statistics.median(warm):.0f} / {_pct(warm, 0.95):.0f}",
        )
    )
    start = time.perf_counter()
    response = client.get(f"/oversikt/eksport.xlsx?dato={data_date.isoformat()}")
    assert response.status_code == 200
    rows.append(("overview Excel export ms", f"{(time.perf_counter() - start) * 1000:.0f}"))
    return rows


def report_rows(settings, week: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from cachelib import SimpleCache

    from dashboard import reports

    data_cache.set_backend(SimpleCache(threshold=20_000, default_timeout=3600))
    data_cache.set_version_reader(queries.read_data_version)
    codes = list(queries.kommune_list(scope=Scope.full())["kommunenummer"])
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        written, failed = reports.write_all(
            scope=Scope.full("bench"),
            week=week,
            out_dir=Path(folder),
            kommuner=codes,
            progress=False,
        )
        seconds = time.perf_counter() - start
    return [
        (f"weekly reports {week}, all kommuner (PDF+CSV+JSON): s", f"{seconds:.1f}"),
        ("weekly reports written / failed", f"{written} / {len(failed)}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", action="store_true", help="also write every report")
    parser.add_argument("--week", default="2022-W05")
    args = parser.parse_args()
    settings = load_settings()
    create_app(settings)  # configures the database
    info = queries.dataset_info(scope=Scope.full())
    rows = overview_rows(settings, info["data_date"])
    if args.reports:
        rows += report_rows(settings, args.week)
    data = f"data {info['scale'] or info['source']} (data date {info['data_date']})"
    emit(heading("Kommuneoversikt and weekly reports", data), rows, append=True)


if __name__ == "__main__":
    main()
