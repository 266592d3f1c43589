"""The registry's views: what reading an indicator for every kommune costs, per indicator.

For every registry indicator with a view (``data.indicators.View``), against the store the
settings point to (``DATA_DIR``/``DATABASE_URL``): the area read of all kommuner
(:func:`data.views.area_values`, first call and repeat, in-process result cache), the map's
callback over Dash HTTP as the KS analyst (first and repeat), and the Morgenbrief (with its
respiratory panel) and the Kommuneoversikt (with its registry columns) built once. Prints
numbers; never fails on a time. ``python -m bench.views [--date 2022-01-19]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from bench.report import emit, heading


def _ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", default=None, help="ISO date (default: the data date)")
    args = parser.parse_args()

    from dashboard import briefing
    from dashboard import overview as overview_view
    from dashboard.app_factory import create_app
    from dashboard.auth import DEMO_USERS, scope_for
    from dashboard.settings import load_settings
    from data import indicators, queries, views
    from tests.conftest import login
    from tests.dash_http import call_map

    app = create_app(load_settings())
    scope = scope_for(DEMO_USERS["ks-analytiker"])
    info = queries.dataset_info(scope=scope)
    day = dt.date.fromisoformat(args.date) if args.date else info["data_date"]
    client = login(app.server.test_client(), "ks-analytiker")
    rows: list[tuple[str, str]] = []
    with app.server.app_context():
        for indicator in indicators.INDICATORS.values():
            if not indicator.views or indicator.area_reader is None:
                continue
            first = _ms(lambda i=indicator: views.area_values(i, scope=scope, date=day))
            again = _ms(lambda i=indicator: views.area_values(i, scope=scope, date=day))
            rows.append(
                (f"{indicator.id}: area read, first / repeat (ms)", f"{first:.0f} / {again:.1f}")
            )
        for indicator in indicators.with_view("map"):
            other = day - dt.timedelta(days=3)  # a date not read above
            first = _ms(lambda i=indicator, d=other: call_map(client, i.id, d))
            again = _ms(lambda i=indicator, d=other: call_map(client, i.id, d, changed=True))
            rows.append(
                (f"{indicator.id}: map callback, first / repeat (ms)", f"{first:.0f} / {again:.0f}")
            )
        brief = _ms(lambda: briefing.build_briefing(scope=scope, kommunenummer="0301", date=day))
        panel = _ms(
            lambda: briefing.respiratory_panel(
                scope=scope,
                kommunenummer="0301",
                fylkesnummer="03",
                date=day - dt.timedelta(days=1),
            )
        )
        overview = _ms(lambda: overview_view.build_overview(scope=scope, date=day, info=info))
    rows += [
        ("Morgenbrief 0301 built (ms)", f"{brief:.0f}"),
        ("respiratory panel alone, another date (ms)", f"{panel:.0f}"),
        ("Kommuneoversikt built (ms)", f"{overview:.0f}"),
    ]
    emit(heading(f"Registry views on {day}", "KS analyst, every kommune"), rows)


if __name__ == "__main__":
    main()
