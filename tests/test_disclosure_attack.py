"""An automated differencing attacker (issue 16): no hidden count may be recomputable.

For each role without full small-number access (``ks-analytiker``: every kommune, no small
numbers; ``krise-bergen``: Bergen only, no small numbers; ``lege-oslo``: small numbers for Oslo
only, neighbours/county/nation aggregated), every number the role can obtain over HTTP is
collected as a browser or a script would (Dash callbacks as POST /_dash-update-component,
figure data arrays included; CSV/Excel exports; weekly report JSON/CSV), written as bounds on a
linear function of the true daily case counts, and each hidden cell's feasible integer range
is solved with scipy's HiGHS MILP (``tests/attacker.py``). A hidden cell pinned to one value is
a disclosure. The true counts (read by a full-access user) must satisfy every shown number:
otherwise the model of the outputs is wrong and the test says so.

Routes (one case per route and role, so that each can be marked on its own): ``oversikt``
(CSV, Excel with its county sheet, the page's tables), ``kommune`` (cards, daily bars, 7-day
mean, incidence lines of kommune, county and nation), ``kart`` (values and hover of four
metrics, the national value), ``ukerapport`` (JSON and CSV: key figures and week series),
``morgenbrief`` (cards with county/nation, "Siden i går", neighbour table, figures),
``vaksinasjon`` (65+ without dose 1 by band: table, cards, heatmap, neighbour table; unknowns
per band), ``klynger`` (size, 7-day growth and weekly bars per cluster; unknowns per cluster
day), ``api`` (the series of every case indicator, and the 65+ dose-1 coverage), ``pdf`` (the
Morgenbrief PDF's key figures and neighbour table, the weekly report PDF's key figures and
eight-week table, read as text) and ``krisemote`` (the wall's numbers with county and nation,
and its incidence figure). ``oversikt-csv`` and ``kommune-kort`` attack the CSV and the
Kommune cards alone (the issue's "same row" and "7 dager før" routes); ``alle`` puts every
route of a role in one model. ``-s`` prints a summary line per case: hidden cells examined,
pinned (to 1–4, to 0, to ≥ 5). ``ATTACK_DUMP_DIR=dir`` writes each case's model (pickle)
for study offline.

Kommuner and dates: Rogaland (all 23, with Haugesund and Utsira), Oslo, Bergen, Tromsø and
neighbours for ``ks-analytiker``; Bergen for ``krise-bergen``; Oslo and its 8 neighbours for
``lege-oslo``; on the data date (2022-01-20), 2021-07-20, 2021-03-15 (quiet) and 2022-01-10 (the
Omicron wave), each with the SPAN days before it as unknowns.

Assumptions about the shown texts (see ``attacker.read``): counts are exact unless
``data.disclosure.MAX_PERTURBATION`` (D) says otherwise; "1–4" on a count claims 1–4, "0–4"
claims 0–4; "–", "skjult", empty, None and NaN where a number should be are hidden without
bounds; a hidden rate is hidden without bounds (a rate is never "1–4"), except the map's
"skjult (1–4 tilfeller)", which speaks of the count; a rate's decimals are those shown, a float
in figure JSON with more than 4 decimals is unrounded (1e-6 relative); a coverage of 100 % or
more says nothing (shown at most 100 %); the weekly report's empty ``verdi`` with ``skjermet``
= ``ja`` is the printed "1–4" for a count.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dashboard import overview as overview_view
from dashboard.definitions.overview import OVERVIEW_COLUMNS
from data import indicators
from data.synthetic._common import PERIOD_END
from tests import attacker, export_read, pdf_text
from tests.attacker import NATION, Collector, fylke, window
from tests.browser_helpers import FULL_ACCESS_USER
from tests.conftest import login
from tests.dash_http import values as array_values

# --------------------------------------------------------------------------- what to attack
# data date, quiet, quiet, the Omicron wave
DATES = (PERIOD_END.isoformat(), "2021-07-20", "2021-03-15", "2022-01-10")
SPAN = 42  # days of unknowns before (and including) each date: 28 days + a 14-day window
ROGALAND = (
    *("1101", "1103", "1106", "1108", "1111", "1112", "1114", "1119", "1120", "1121", "1122"),
    *("1124", "1127", "1130", "1133", "1134", "1135", "1144", "1145", "1146", "1149", "1151"),
    "1160",
)
BERGEN_AND_NEIGHBOURS = ("4601", "4623", "4624", "4628")
TROMSO_AND_NEIGHBOURS = ("5501", "5532", "5534", "5536", "5538")
OSLO_AND_NEIGHBOURS = ("0301", "3201", "3205", "3207", "3220", "3222", "3232", "3234", "3305")
KEY_KOMMUNER = ("4601", "1106", "1151", "0301", "5501")

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    # kommuner: pages and figures; reports: the weekly report and the Morgenbrief (fewer:
    # each is a request per kommune, date and week)
    "ks-analytiker": {
        "kommuner": (
            *ROGALAND,
            "0301",
            *BERGEN_AND_NEIGHBOURS,
            "4612",  # Sveio, Haugesund's neighbour in Vestland
            *TROMSO_AND_NEIGHBOURS,
        ),
        "reports": (*KEY_KOMMUNER, "1103", "1149", "4612"),
    },
    "krise-bergen": {"kommuner": ("4601",), "reports": ("4601",)},
    "lege-oslo": {"kommuner": OSLO_AND_NEIGHBOURS, "reports": OSLO_AND_NEIGHBOURS[:3]},
}
# Kommuner whose small numbers the role may see: their cells are not secrets of the role
# (a number of these kommuner alone; the county Oslo is the kommune Oslo).
SMALL_NUMBERS: dict[str, tuple[str, ...]] = {"lege-oslo": ("0301",)}
ROUTES = (
    *("oversikt", "kommune", "kart", "ukerapport", "morgenbrief", "vaksinasjon", "klynger"),
    *("api", "pdf", "krisemote"),
)
ALL = "alle"
# Parts of a route attacked alone: the issue's routes "the CSV, same row" and "the Kommune
# card" are one file and one card row of routes collected whole.
VIEWS: dict[str, tuple[str, Callable[[attacker.Observation], bool]]] = {
    "oversikt-csv": ("oversikt", lambda o: o.cell.startswith("csv ")),
    "kommune-kort": ("kommune", lambda o: o.cell.startswith("card ")),
}
# metric → (window days, rate?): every registry indicator on the map that is built on the
# case windows (the unknowns of this model: daily case counts), read from the registry so
# that a new one is attacked without an entry here
MAP_METRICS = {
    i.id: (i.window_days, i.kind == "rate")
    for i in indicators.with_view("map")
    if i.area_reader == indicators.CASE_WINDOWS and i.kind in ("count", "rate")
}
REPORT_WEEKS = 2  # weekly reports per kommune and date: the last complete weeks
EXAMPLES = 8
# A hidden cell pinned to 0 (e.g. a day shown as "0–4" inside a 7-day window published as 0)
# discloses no small count but does tell a hidden cell. Counted as a failure unless False.
PINNED_ZERO_FAILS = True


def max_perturbation() -> int:
    """D of the published method: 0 (exact) until ``data.disclosure`` says otherwise."""
    try:
        module = importlib.import_module("data.disclosure")
    except ImportError:
        return 0
    # only the data package's own module: an editable install of another checkout of the
    # project (a worktree run) must not lend its newer data/disclosure.py
    package = Path(importlib.import_module("data").__file__ or "").resolve().parent
    if Path(module.__file__ or "").resolve().parent != package:
        return 0
    return int(getattr(module, "MAX_PERTURBATION", 0) or 0)


# --------------------------------------------------------------------------- unit tests
def _textbook(d: int) -> attacker.Result:
    c = Collector("textbook", "test", max_perturbation=d)
    end = "2023-02-28"
    c.count("0301", end, "cases_14d", window("0301", end, 14), "11")
    c.count("0301", end, "cases_prev_7d", window("0301", end, 7, skip=7), "3")
    c.count("0301", end, "cases_7d", window("0301", end, 7), "skjult")
    return attacker.attack(c.observations, county_of={"0301": "03"}, name=f"textbook D={d}")


def test_attacker_pins_a_window_from_its_difference() -> None:
    """W14 = 11 and the 7 days before = 3 shown, W7 hidden: W7 = 8, exactly (D = 0)."""
    result = _textbook(0)
    assert result.examined == 1
    assert [f.value for f in result.pinned] == [8.0]


def test_attacker_does_not_pin_under_perturbation() -> None:
    """The same with every count perturbed by up to 2: W7 is anywhere in 4..12."""
    assert _textbook(2).pinned == []


def test_attacker_pins_a_day_from_overlapping_windows_and_rates() -> None:
    """Daily bars with one hidden day beside an unrounded 7-day incidence line: the hidden
    day is the window minus the shown days; a county sum minus its other kommune pins the
    kommune's hidden window too."""
    c = Collector("textbook", "test")
    end = "2023-02-28"
    days = attacker.days_ending(end, 7)
    counts = [0, 2, 0, 1, 0, 0, 3]
    for d, n in zip(days, counts, strict=True):
        c.count("1151", end, f"bar {d}", attacker.day("1151", d), "1–4" if d == days[3] else n)
    population = 215
    rate = sum(counts) * 1e5 / population
    c.scaled("1151", end, "incidence_7d line", window("1151", end, 7), rate, 1e5 / population)
    c.count(fylke("11"), end, "cases_7d", window(fylke("11"), end, 7), "9")
    c.count("1106", end, "cases_7d", window("1106", end, 7), "3")
    result = attacker.attack(
        c.observations,
        county_of={"1151": "11", "1106": "11"},
        truth={("1151", d): n for d, n in zip(days, counts, strict=True)}
        | {("1106", d): (3 if d == days[0] else 0) for d in days},
        name="textbook day",
    )
    assert [(f.observation.cell, f.value, f.true) for f in result.pinned] == [
        (f"bar {days[3]}", 1.0, 1.0)
    ]


def test_attacker_pins_days_of_a_zero_window() -> None:
    """Days shown as "0–4" inside a 7-day window published as exactly 0 are all 0."""
    c = Collector("textbook", "test", max_perturbation=2)
    end = "2023-02-28"
    for d in attacker.days_ending(end, 7):
        c.count("1151", end, f"bar {d}", attacker.day("1151", d), "0–4")
    c.count("1151", end, "cases_7d", window("1151", end, 7), "0")
    result = attacker.attack(c.observations, county_of={"1151": "11"}, name="zero window")
    assert result.examined == 7 and {f.value for f in result.pinned} == {0.0}
    assert len(result.pinned) == 7 and result.solves == 0


def test_attacker_says_when_the_model_is_wrong() -> None:
    c = Collector("textbook", "test")
    c.count("0301", "2023-02-28", "bar", attacker.day("0301", "2023-02-28"), "7")
    with pytest.raises(attacker.ModelError, match="break the true counts"):
        attacker.attack(c.observations, county_of={"0301": "03"}, truth={("0301", "2023-02-28"): 6})


def test_attacker_reports_a_false_label_and_drops_it() -> None:
    c = Collector("textbook", "test")
    c.count("0301", "2023-02-28", "bar", attacker.day("0301", "2023-02-28"), "1–4")
    result = attacker.attack(
        c.observations, county_of={"0301": "03"}, truth={("0301", "2023-02-28"): 8}
    )
    assert len(result.false_labels) == 1 and result.pinned == []


def test_reading_shown_texts() -> None:
    def read(value: object) -> attacker.Reading:
        reading = attacker.read(value)
        assert reading is not None, value
        return reading

    assert read("1\u00a0818,4") == attacker.Reading("number", 1818.4, 1, text="1\u00a0818,4")
    assert read("18,7 per 100 000").value == 18.7
    assert read("1–4").kind == "label" and (read("1–4").lo, read("1–4").hi) == (1, 4)
    assert read("0–4").hi == 4 and read("0–4").lo == 0
    assert read("skjult (1–4 tilfeller)").kind == "label"
    assert read("skjult").kind == "hidden" and read("–").kind == "hidden"
    assert read("– per 100 000").kind == "hidden"
    assert read(float("nan")).kind == "hidden" and read(None).kind == "hidden"
    assert read(33.422459893048128).decimals is None
    assert read(70.48).decimals == 2
    assert read("71,6 %").value == 71.6
    assert read("112,5 % (vist som 100 %)").value == 112.5
    assert attacker.read("↑ Økende") is None


# --------------------------------------------------------------------------- HTTP helpers
def dependency(client: Any, output: str) -> dict[str, Any]:
    """The server callback of /_dash-dependencies that has ``output`` (``id.property``)
    among its outputs (not an allow_duplicate copy)."""
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function"):
            continue
        outs = dep["output"].strip(".").split("...")
        if output in outs:
            return dep
    raise LookupError(f"no callback outputs {output}")


def dash_call(client: Any, dep: dict[str, Any], given: dict[str, Any]) -> dict[str, Any] | None:
    """POST one callback as the browser does; inputs and state not in ``given`` are None.
    Returns ``{id: {property: value}}`` or None when the app refuses."""
    outs = dep["output"].strip(".").split("...")
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]} for o in outs]
    body = {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [
            {
                "id": i["id"],
                "property": i["property"],
                "value": given.get(f"{i['id']}.{i['property']}"),
            }
            for i in dep["inputs"]
        ],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]],
        "state": [
            {
                "id": s["id"],
                "property": s["property"],
                "value": given.get(f"{s['id']}.{s['property']}"),
            }
            for s in dep["state"]
        ],
    }
    response = client.post("/_dash-update-component", json=body)
    # a page that breaks must fail the attack, not leave it with nothing to attack
    assert response.status_code < 500, (dep["output"][:80], response.status_code)
    if response.status_code != 200:
        return None
    return (response.get_json() or {}).get("response", {})


def leaves(node: Any, ident: str | None = None) -> list[tuple[str | None, str]]:
    """(id of the nearest component with one, text) of every text in a Dash component tree,
    in document order."""
    out: list[tuple[str | None, str]] = []
    if isinstance(node, dict):
        if "props" in node:
            props = node["props"]
            own = props.get("id", ident)
            out += leaves(props.get("children"), own if isinstance(own, str) else ident)
        else:
            for value in node.values():
                out += leaves(value, ident)
    elif isinstance(node, list):
        for value in node:
            out += leaves(value, ident)
    elif isinstance(node, (str, int, float)) and not isinstance(node, bool):
        out.append((ident, str(node)))
    return out


def components(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every component of type ``kind`` (e.g. CardBody, Tr) in a Dash component tree."""
    out = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            out.append(node)
        for value in (node.get("props", {}) or {}).values() if "props" in node else node.values():
            out += components(value, kind)
    elif isinstance(node, list):
        for value in node:
            out += components(value, kind)
    return out


COMPARE = re.compile(  # "Vestland: 18,7 · Landet: 14,5" under a kommune's number
    r"^(?P<fylke>.+?):\s*(?P<county>.+?)\s*·\s*"
    r"(?:Landet|Hele landet|Norway|Country):\s*(?P<nation>.+)$"
)
CHANGE = re.compile(
    r"^(?P<label>.+?) (?:økte|sank|steg|falt|rose|fell|increased|decreased) fra (?P<a>.+?) til "
    r"(?P<b>.+?)(?: per 100 000| tilfeller| %)?\.?$"
)


# --------------------------------------------------------------------------- the attack data
@dataclass
class AttackData:
    app: Any
    county_of: dict[str, str]
    names: dict[str, str]
    polygons: dict[str, list[str]]
    population: dict[tuple[str, int], int]  # (area, year) → population on 1 January
    pop65: dict[tuple[str, int], int]  # (kommune, year) → residents 65+ on 1 January
    years: tuple[int, int]
    d: int
    clients: dict[str, Any] = field(default_factory=dict)
    collected: dict[tuple[str, str], Collector] = field(default_factory=dict)
    _truth: dict[tuple[str, str], float] | None = None
    _deps: dict[str, dict[str, Any]] = field(default_factory=dict)

    # ---- plumbing
    def client(self, user: str) -> Any:
        if user not in self.clients:
            self.clients[user] = login(self.app.server.test_client(), user)
        return self.clients[user]

    def dep(self, output: str) -> dict[str, Any]:
        if output not in self._deps:
            self._deps[output] = dependency(self.client(FULL_ACCESS_USER), output)
        return self._deps[output]

    def pop(self, area: str, when: str) -> int:
        year = min(max(int(when[:4]), self.years[0]), self.years[1])
        return self.population[(area, year)]

    def scale(self, area: str, when: str) -> float:
        return 1e5 / self.pop(area, when)

    def incidence(
        self, c: Collector, area: str, date: str, cell: str, days: int, shown: Any
    ) -> None:
        """A shown rate per 100 000 of ``area``'s cases in the ``days`` days up to ``date``."""
        c.scaled(area, date, cell, window(area, date, days), shown, self.scale(area, date))

    @staticmethod
    def in_span(terms: Iterable[tuple[str, str, float]], date: str) -> bool:
        """Whether the daily case counts of ``terms`` lie in the SPAN days up to ``date``
        (opaque unknowns, e.g. a cluster's days, are not limited)."""
        first = (dt.date.fromisoformat(date) - dt.timedelta(days=SPAN - 1)).isoformat()
        return all(
            first <= d <= date for a, d, _c in terms if ":" not in a or a.startswith("fylke:")
        )

    def area_of(self, label: str, kommune: str) -> str | None:
        """A figure trace's or a table's area: the kommune, its county or the nation."""
        label = label.strip()
        if label in ("Hele landet", "Landet", "Norway", "Country", "Whole country"):
            return NATION
        if "(fylke)" in label or "(county)" in label:
            return fylke(self.county_of[kommune])
        if label == self.names.get(kommune):
            return kommune
        return None

    # ---- truth
    def truth(self) -> dict[tuple[str, str], float]:
        """True daily counts of every attacked kommune in every span, read by the
        full-access test user from the Kommune page's daily bars."""
        if self._truth is None:
            truth: dict[tuple[str, str], float] = {}
            client = self.client(FULL_ACCESS_USER)
            dep = self.dep("kommune-daily.figure")
            kommuner = sorted({k for r in ROLES.values() for k in r["kommuner"]})
            for kommune in kommuner:
                response = dash_call(
                    client, dep, {"kommune-select.value": kommune, "kommune-date.date": max(DATES)}
                )
                assert response, f"full access: no Kommune page for {kommune}"
                figure = response["kommune-daily"]["figure"]
                bars = [t for t in figure["data"] if t.get("type") == "bar"]
                assert bars, f"full access: no daily bars for {kommune}"
                for x, y in zip(bars[0]["x"], array_values(bars[0]["y"]), strict=True):
                    assert y is not None and y == y, f"full access sees a hidden day {kommune} {x}"
                    truth[(kommune, str(x)[:10])] = float(y)
            self._truth = truth
        return self._truth

    # ---- collection per route and role
    def observations(self, route: str, role: str) -> Collector:
        if route in VIEWS:
            base, keep = VIEWS[route]
            whole = self.observations(base, role)
            part = Collector(route, role, self.d)
            part.observations = [o for o in whole.observations if keep(o)]
            part.unparsed = list(whole.unparsed)
            return part
        if route == ALL:
            out = Collector(ALL, role, self.d)
            for r in ROUTES:
                got = self.observations(r, role)
                out.observations += got.observations
                out.unparsed += got.unparsed
            return out
        if (route, role) not in self.collected:
            collector = Collector(route, role, self.d)
            COLLECT[route](self, collector, role, role)
            collector.observations = [
                o for o in collector.observations if self.in_span(o.terms, o.date)
            ]
            self.collected[(route, role)] = collector
        return self.collected[(route, role)]

    def truth_observations(self, route: str, role: str) -> list[attacker.Observation]:
        """For routes whose unknowns are not shown one by one to anyone (clusters' days,
        unvaccinated by age band): the exact numbers the full-access user reads on the same
        pages, to check the model against."""
        if route in VIEWS:
            return self.truth_observations(VIEWS[route][0], role)
        if route == ALL:
            return [o for r in ROUTES for o in self.truth_observations(r, role)]
        if route not in TRUTH_ROUTES:
            return []
        key = (f"truth:{route}", role)
        if key not in self.collected:
            collector = Collector(route, FULL_ACCESS_USER, 0)
            COLLECT[route](self, collector, role, FULL_ACCESS_USER)
            collector.observations = [
                o for o in collector.observations if not o.hidden and o.lo == o.hi
            ]
            self.collected[key] = collector
        return self.collected[key].observations

    # ---- shared parsers
    def figure_lines(self, c: Collector, figure: dict, kommune: str, date: str, what: str) -> None:
        """Daily bars, the 7-day mean and the 7-day incidence lines of a figure."""
        for trace in figure.get("data", []):
            xs = [str(x)[:10] for x in trace.get("x", []) or []]
            if not xs or "y" not in trace:
                continue
            ys = array_values(trace["y"])
            name = str(trace.get("name") or "")
            if trace.get("type") == "bar":
                # the grey trace marks the withheld days (its hover reads "0–4"/"1–4"): a bar
                # there is that label, no bar says nothing
                marks = "skjult" in name
                label = next((t for t in ("0–4", "1–4") if t in name), "0–4")
                for x, y in zip(xs, ys, strict=False):
                    if marks and y is None:
                        continue
                    if self.in_span(attacker.day(kommune, x), date):
                        shown = label if marks else y
                        c.count(kommune, date, f"{what} bar {x}", attacker.day(kommune, x), shown)
                continue
            if "snitt" in name or "average" in name.lower():
                for x, y in zip(xs, ys, strict=False):
                    if self.in_span(window(kommune, x, 7), date):
                        c.scaled(
                            kommune, date, f"{what} 7-day mean {x}", window(kommune, x, 7), y, 1 / 7
                        )
                continue
            area = self.area_of(name, kommune)
            if area is None:
                c.unparsed.append(f"{c.route}/{c.role}/{kommune}/{date}: trace {name!r}")
                continue
            for x, y in zip(xs, ys, strict=False):
                terms = window(area, x, 7)
                if self.in_span(terms, date):
                    c.scaled(
                        area, date, f"{what} incidence_7d line {x}", terms, y, self.scale(area, x)
                    )


def _overview_row(
    data: AttackData, c: Collector, area: str, date: str, row: dict, source: str
) -> None:
    """One Kommuneoversikt row (a kommune or a county): its windows and incidences."""
    for key, days, skip in (("cases_7d", 7, 0), ("cases_14d", 14, 0), ("cases_prev_7d", 7, 7)):
        if key in row:
            terms = window(area, date, days, skip=skip)
            c.count(area, date, f"{source} {key}", terms, row[key])
    for key, days in (("incidence_7d", 7), ("incidence_14d", 14)):
        if key in row:
            terms = window(area, date, days)
            c.scaled(area, date, f"{source} {key}", terms, row[key], data.scale(area, date))


TABLE_COUNTS = {c.key for c in OVERVIEW_COLUMNS if c.kind == "count"}
TABLE_EMPTY_COUNT = "1–4"


def _collect_oversikt(data: AttackData, c: Collector, role: str, user: str) -> None:
    """Kommuneoversikt (route 1): the CSV, the Excel file (kommuner and counties) and the
    page's table and county table, per date."""
    client = data.client(user)
    wanted = set(ROLES[role]["kommuner"])
    table_dep = data.dep("ov-table.data")

    def kommune_row(date: str, row: dict[str, Any], source: str) -> None:
        code = row.get("kommunenummer") or row.get("id") or ""
        # the people's CSV reads as Excel does: "0301" is the number 301.0
        k = str(int(code) if isinstance(code, float) else code).zfill(4)
        if k in wanted:
            _overview_row(data, c, k, date, row, source)

    for date in DATES:
        response = client.get(f"/oversikt/eksport.csv?dato={date}")
        if response.status_code == 200:
            for row in export_read.excel_csv_rows(response.get_data()).values():
                kommune_row(date, row, "csv")
        response = client.get(f"/oversikt/data.csv?dato={date}")
        if response.status_code == 200:
            for row in export_read.data_csv_rows(response.get_data()).values():
                kommune_row(date, row, "data.csv")
        response = client.get(f"/oversikt/data.json?dato={date}")
        if response.status_code == 200:
            payload = response.get_json()
            for row in payload["kommuner"]:
                kommune_row(date, row, "data.json")
            for row in payload["fylker"]:
                _overview_row(data, c, fylke(str(row["fylkesnummer"]).zfill(2)), date, row, "json")
        response = client.get(f"/oversikt/eksport.xlsx?dato={date}")
        if response.status_code == 200:
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
            # the people's headers (bokmål labels) → the field keys
            labels = {f.label: f.key for f in overview_view.export_fields()}
            labels |= {f.label: f.key for f in overview_view.COUNTY_FIELDS}
            for sheet in book.worksheets:
                rows = list(sheet.iter_rows(values_only=True))
                if not rows:
                    continue
                header = [labels.get(str(h), str(h)) for h in rows[0]]
                for values in rows[1:]:
                    row = dict(zip(header, values, strict=False))
                    if "kommunenummer" in header:
                        kommune_row(date, row, "xlsx")
                    elif "fylkesnummer" in header:
                        area = fylke(str(row["fylkesnummer"]).zfill(2))
                        _overview_row(data, c, area, date, row, "xlsx")
        response = dash_call(client, table_dep, {"ov-date.date": date})
        if response:
            for row in response.get("ov-table", {}).get("data", []) or []:
                # as the user reads it: the table's count columns show an empty cell as
                # "1–4" (their format's nully; layouts.oversikt), the rates "skjult"
                shown = {
                    k: TABLE_EMPTY_COUNT if v is None and k in TABLE_COUNTS else v
                    for k, v in row.items()
                }
                kommune_row(date, shown, "table")
            for row in response.get("ov-counties", {}).get("data", []) or []:
                match = re.search(r"\((\d{2})\)\s*$", str(row.get("fylke", "")))
                if match:
                    _overview_row(data, c, fylke(match.group(1)), date, row, "table")


def _page_responses(
    data: AttackData,
    user: str,
    kommuner: Iterable[str],
    output: str,
    inputs: tuple[str, str] = ("select.value", "date.date"),
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kommune, date, response) of the page callback of ``output`` ("<page>-<id>.<property>")
    as ``user`` calls it for each of ``kommuner`` and each date (the page's ``inputs``: its
    kommune and its date), where the app answers: a refusal yields nothing."""
    client = data.client(user)
    dep = data.dep(output)
    page = output.split("-")[0]
    select, day = (f"{page}-{name}" for name in inputs)
    for kommune in kommuner:
        for date in DATES:
            response = dash_call(client, dep, {select: kommune, day: date})
            if response:
                yield kommune, date, response


def _collect_kommune(data: AttackData, c: Collector, role: str, user: str) -> None:
    for kommune, date, response in _page_responses(
        data, user, ROLES[role]["kommuner"], "kommune-cards.children"
    ):
        county = fylke(data.county_of[kommune])
        for card in components(response["kommune-cards"]["children"], "CardBody"):
            texts = [t for _i, t in leaves(card)]
            if len(texts) < 2:
                continue
            label, value, note = texts[0], texts[1], texts[2] if len(texts) > 2 else ""
            if label.startswith("Tilfeller siste 7 dager"):
                c.count(kommune, date, "card cases_7d", window(kommune, date, 7), value)
                match = re.search(r"7 dager før:\s*(.+)$", note)
                if match:
                    c.count(
                        kommune,
                        date,
                        "card cases_prev_7d",
                        window(kommune, date, 7, skip=7),
                        match.group(1),
                    )
                else:
                    c.unparsed.append(f"kommune/{role}/{kommune}/{date}: note {note!r}")
            for days in (7, 14):
                if label.startswith(f"{days}-dagers insidens"):
                    # the kommune's value, then the note's county and nation
                    shown_in = [(kommune, value)]
                    match = COMPARE.match(note)
                    if match:
                        shown_in += [(county, match["county"]), (NATION, match["nation"])]
                    else:
                        c.unparsed.append(f"kommune/{role}/{kommune}/{date}: note {note!r}")
                    for area, shown in shown_in:
                        data.incidence(c, area, date, f"card incidence_{days}d", days, shown)
        data.figure_lines(c, response["kommune-daily"]["figure"], kommune, date, "daily")
        data.figure_lines(c, response["kommune-incidence"]["figure"], kommune, date, "incidence")


def _collect_kart(data: AttackData, c: Collector, role: str, user: str) -> None:
    client = data.client(user)
    dep = data.dep("map.figure")
    modelled = set(ROLES[role]["kommuner"])
    for date in DATES:
        for metric, (days, is_rate) in MAP_METRICS.items():
            response = dash_call(client, dep, {"map-metric.value": metric, "map-date.date": date})
            if not response:
                continue
            figure = response["map"]["figure"]
            trace = figure["data"][0]
            locations = list(trace.get("locations", []))
            zs = array_values(trace.get("z", []))
            custom = trace.get("customdata") or [None] * len(locations)
            for polygon, z, hover in zip(locations, zs, custom, strict=False):
                members = data.polygons.get(str(polygon), [])
                if not members or not set(members) <= modelled:
                    continue
                area = members[0] if len(members) == 1 else f"polygon {polygon}"
                terms = tuple(t for k in members for t in window(k, date, days))
                shown = hover[0] if isinstance(hover, list) and hover else hover
                if is_rate:
                    scale = 1e5 / sum(data.pop(k, date) for k in members)
                    c.scaled(
                        members[0],
                        date,
                        f"{metric} hover ({area})",
                        terms,
                        shown,
                        scale,
                        count_labels=True,
                    )
                    if z is not None:
                        c.scaled(members[0], date, f"{metric} z ({area})", terms, z, scale)
                else:
                    c.count(members[0], date, f"{metric} hover ({area})", terms, shown)
                    if z is not None:
                        c.count(members[0], date, f"{metric} z ({area})", terms, z)
            national = [
                t
                for i, t in leaves(response.get("map-summary", {}).get("children"))
                if i == "map-national-value"
            ]
            for shown in national:
                terms = window(NATION, date, days)
                if is_rate:
                    c.scaled(
                        NATION, date, f"{metric} national", terms, shown, data.scale(NATION, date)
                    )
                else:
                    c.count(NATION, date, f"{metric} national", terms, shown)


def _report_rows(payload: bytes, fmt: str) -> list[dict[str, str]]:
    if fmt == "json":
        return [{k: str(v) for k, v in r.items()} for r in json.loads(payload)["rader"]]
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig")), delimiter=";"))


def _collect_ukerapport(data: AttackData, c: Collector, role: str, user: str) -> None:
    client = data.client(user)
    for kommune in ROLES[role]["reports"]:
        county = fylke(data.county_of[kommune])
        for date in DATES:
            day = dt.date.fromisoformat(date)
            sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
            for back in range(REPORT_WEEKS):
                year, week, _ = (sunday - dt.timedelta(days=7 * back)).isocalendar()
                for fmt in ("json", "csv"):
                    response = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.{fmt}")
                    if response.status_code != 200:
                        continue
                    for row in _report_rows(response.get_data(), fmt):
                        key = row.get("nokkel")
                        if key not in ("cases_7d", "incidence_7d", "incidence_14d"):
                            continue
                        area = {"kommune": kommune, "fylke": county, "landet": NATION}.get(
                            row.get("omrade", "")
                        )
                        if area is None:
                            continue
                        if row.get("seksjon") == "nokkeltall":
                            end = row["til_dato"]
                        else:
                            y, w = re.match(r"(\d{4})-W(\d{2})", row["periode"]).groups()  # type: ignore[union-attr]
                            end = dt.date.fromisocalendar(int(y), int(w), 7).isoformat()
                        days = 14 if key == "incidence_14d" else 7
                        terms = window(area, end, days)
                        shown: str = row.get("verdi", "")
                        cell = f"{fmt} {row.get('seksjon')} {key} {row.get('periode')}"
                        if key == "cases_7d":
                            if shown == "" and row.get("skjermet") == "ja":
                                shown = "1–4"  # printed as «1–4» (docs/ukerapport.md)
                            c.count(area, date, cell, terms, shown)
                        else:
                            c.scaled(area, date, cell, terms, shown, data.scale(area, end))


def _collect_morgenbrief(data: AttackData, c: Collector, role: str, user: str) -> None:
    for kommune, date, response in _page_responses(
        data, user, ROLES[role]["reports"], "brief-body.children"
    ):
        county = fylke(data.county_of[kommune])
        body = response["brief-body"]["children"]
        yesterday = (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()
        for card in components(body, "CardBody"):
            texts = leaves(card)
            ids = [i for i, _t in texts if i and str(i).startswith("brief-")]
            if not ids:
                continue
            key = ids[0][len("brief-") :]
            value = next(t for i, t in texts if i == ids[0])
            compare = next((COMPARE.match(t) for _i, t in texts if COMPARE.match(t)), None)
            if key == "cases_24h":
                c.count(kommune, date, "card cases_24h", attacker.day(kommune, date), value)
            elif key == "cases_7d":
                c.count(kommune, date, "card cases_7d", window(kommune, date, 7), value)
                if compare:
                    c.count(
                        county,
                        date,
                        "card cases_7d",
                        window(county, date, 7),
                        compare["county"],
                    )
                    c.count(
                        NATION,
                        date,
                        "card cases_7d",
                        window(NATION, date, 7),
                        compare["nation"],
                    )
            elif key in ("incidence_7d", "incidence_14d"):
                days = 7 if key == "incidence_7d" else 14
                data.incidence(c, kommune, date, f"card {key}", days, value)
                if compare:
                    for area, shown in (
                        (county, compare["county"]),
                        (NATION, compare["nation"]),
                    ):
                        data.incidence(c, area, date, f"card {key}", days, shown)
        changes = {
            "Nye tilfeller siste døgn": (1, False),
            "Nye tilfeller siste 7 dager": (7, False),
            "7-dagers insidens": (7, True),
            "14-dagers insidens": (14, True),
        }
        for ident, text in leaves(body):
            if ident != "brief-changes":
                continue
            match = CHANGE.match(text)
            if not match or match["label"] not in changes:
                if any(label in text for label in changes):
                    c.unparsed.append(f"morgenbrief/{role}/{kommune}/{date}: {text!r}")
                continue
            days, is_rate = changes[match["label"]]
            for when, shown in ((yesterday, match["a"]), (date, match["b"])):
                terms = window(kommune, when, days)
                if is_rate:
                    c.scaled(
                        kommune,
                        date,
                        f"change {match['label']} {when}",
                        terms,
                        shown,
                        data.scale(kommune, when),
                    )
                else:
                    c.count(kommune, date, f"change {match['label']} {when}", terms, shown)
        for row in components(body, "Tr"):
            cells = [t for _i, t in leaves(row)]
            found = re.search(r"\((\d{4})\)\s*$", cells[0]) if cells else None
            if not found or len(cells) < 4 or found.group(1) not in data.county_of:
                continue
            nb = found.group(1)
            if nb not in ROLES[role]["kommuner"]:
                continue
            c.count(nb, date, "neighbour cases_7d", window(nb, date, 7), cells[1])
            data.incidence(c, nb, date, "neighbour incidence_7d", 7, cells[2])
            data.incidence(c, nb, date, "neighbour incidence_14d", 14, cells[3])
        for output in ("brief-daily", "brief-incidence"):
            figure = response.get(output, {}).get("figure") or {}
            data.figure_lines(c, figure, kommune, date, output)


RISK_BANDS = ("65–74", "75–79", "80–84", "85+")


def _vaccination_terms(kommune: str, date: str, bands: Iterable[str] = RISK_BANDS) -> tuple:
    """Residents of ``kommune`` in the 65+ bands without dose 1 on ``date``: one opaque
    unknown per band."""
    return tuple((f"vaks:{kommune}:{b}", date, 1.0) for b in bands)


def _collect_vaksinasjon(data: AttackData, c: Collector, role: str, user: str) -> None:
    """Vaksinasjon (route 6): residents 65+ without dose 1 by band — the table's counts and
    shares, the cards (count, share, 65+ dose-1 coverage), the heatmap's dose-1 column and
    the neighbour table's "65+ uten dose 1"."""
    for kommune, date, response in _page_responses(
        data, user, ROLES[role]["kommuner"], "vaksinasjon-unvaccinated.children"
    ):
        population: dict[str, float] = {}
        table = response.get("vaksinasjon-unvaccinated", {}).get("children")
        for row in components(table, "Tr"):
            cells = [t for _i, t in leaves(row)]
            if len(cells) < 4:
                continue
            label = cells[0].replace(" år", "").strip()
            if label in RISK_BANDS:
                terms, band = _vaccination_terms(kommune, date, (label,)), label
            elif label.startswith("65+"):
                terms, band = _vaccination_terms(kommune, date), "65+"
            else:
                continue
            pop = attacker.read(cells[1])
            if pop is None or pop.kind != "number":
                c.unparsed.append(f"vaksinasjon/{role}/{kommune}/{date}: population {cells[1]!r}")
                continue
            # no more unvaccinated than residents (public population)
            c.bound(kommune, date, f"residents {band}", terms, 0.0, pop.value, cells[1])
            if pop.value <= 0:
                continue
            population[band] = pop.value
            c.count(kommune, date, f"table uten dose 1 {band}", terms, cells[2])
            c.scaled(kommune, date, f"table andel {band}", terms, cells[3], 100 / pop.value)
        cards = {
            i: [
                t
                for j, t in leaves(response.get("vaksinasjon-cards", {}).get("children"))
                if j == i
            ]
            for i in ("vaksinasjon-card-unvaccinated", "vaksinasjon-card-65-1")
        }
        total = _vaccination_terms(kommune, date)
        texts = cards["vaksinasjon-card-unvaccinated"]
        if len(texts) >= 3:
            c.count(kommune, date, "card uten dose 1 65+", total, texts[1])
            match = re.search(r"av (.+?) innbyggere 65\+ \((.+)\)", texts[2])
            pop65 = attacker.read(match.group(1)) if match else None
            if match and pop65 is not None and pop65.kind == "number" and pop65.value > 0:
                population.setdefault("65+", pop65.value)
                c.scaled(kommune, date, "card andel 65+", total, match.group(2), 100 / pop65.value)
            else:
                c.unparsed.append(f"vaksinasjon/{role}/{kommune}/{date}: {texts[2]!r}")
        texts = cards["vaksinasjon-card-65-1"]
        if len(texts) >= 2 and "65+" in population and not texts[1].endswith("*"):
            c.scaled(
                kommune,
                date,
                "card 65+ dose 1",
                total,
                texts[1],
                100 / population["65+"],
                complement=100.0,
            )
        heatmap = response.get("vaksinasjon-heatmap", {}).get("figure") or {}
        for trace in heatmap.get("data", []):
            if trace.get("type") != "heatmap":
                continue
            columns = list(trace.get("x") or [])
            rows = list(trace.get("y") or [])
            if "Dose 1" not in columns:
                continue
            j = columns.index("Dose 1")
            zs = trace.get("z") or []
            custom = trace.get("customdata") or []
            for i, label in enumerate(rows):
                band = "65+" if str(label).startswith("65+") else str(label)
                if band not in population:
                    continue
                terms = (
                    _vaccination_terms(kommune, date)
                    if band == "65+"
                    else _vaccination_terms(kommune, date, (band,))
                )
                z = array_values(zs[i])[j] if i < len(zs) else None
                text = custom[i][j] if i < len(custom) and j < len(custom[i]) else None
                scale = 100 / population[band]
                for shown, what in ((text, "hover"), (z, "z")):
                    if what == "z" and z is None:
                        continue  # the hover says why
                    reading = attacker.read(shown)
                    if reading is not None and reading.kind == "number" and reading.value >= 100:
                        continue  # shown at most 100 %: capped, no bound
                    c.scaled(
                        kommune,
                        date,
                        f"heatmap dose 1 {band} {what}",
                        terms,
                        shown,
                        scale,
                        complement=100.0,
                    )
        neighbours = response.get("vaksinasjon-neighbours", {}).get("children")
        for row in components(neighbours, "Tr"):
            cells = [t for _i, t in leaves(row)]
            found = re.search(r"\((\d{4})\)\s*$", cells[0]) if cells else None
            if not found or len(cells) < 6:
                continue
            code = found.group(1)
            c.count(
                code,
                date,
                "neighbour table 65+ uten dose 1",
                _vaccination_terms(code, date),
                cells[5],
            )


def _collect_klynger(data: AttackData, c: Collector, role: str, user: str) -> None:
    """Klynger (route 7): per cluster its size up to the date, its new cases in 7 days and
    its weekly bars in the epidemic curve (12 weeks), on the page of all kommuner in the
    role's scope. Unknowns: the cluster's cases per day between its first and last case
    (first and last day at least 1). A week inside that span without a bar, of a cluster the
    figure draws, is 0 or "1–4" (the figure title says 1–4 weeks are not drawn): 0–4, a
    hidden cell."""
    client = data.client(user)
    dep = data.dep("klynger-table.data")
    full = user == FULL_ACCESS_USER
    for date in DATES:
        given = {
            "klynger-select.value": ROLES[role]["kommuner"][0],
            "klynger-date.date": date,
            "klynger-view.value": "scope",
        }
        response = dash_call(client, dep, given)
        if not response:
            continue
        day = dt.date.fromisoformat(date)
        monday = day - dt.timedelta(days=day.weekday())
        first_week = monday - dt.timedelta(weeks=11)
        spans: dict[str, tuple[dt.date, dt.date]] = {}
        places: dict[str, str] = {}
        for row in response.get("klynger-table", {}).get("data", []) or []:
            try:
                first = dt.datetime.strptime(str(row["first"]), "%d.%m.%Y").date()
                last = dt.datetime.strptime(str(row["last"]), "%d.%m.%Y").date()
            except (KeyError, ValueError):
                c.unparsed.append(f"klynger/{role}/{date}: row {row!r}")
                continue
            cid = str(row["id"])
            area = f"klynge:{cid}"
            where = "+".join(re.findall(r"\((\d{4})\)", str(row.get("kommuner", "")))) or cid
            spans[cid] = (first, last)
            places[cid] = where
            n = (last - first).days + 1
            days = [(first + dt.timedelta(days=i)).isoformat() for i in range(n)]
            c.count(
                where, date, f"{cid} size", tuple((area, d, 1.0) for d in days), row.get("size")
            )
            recent = [d for d in days if d >= (day - dt.timedelta(days=6)).isoformat()]
            if recent:
                c.count(
                    where,
                    date,
                    f"{cid} growth_7d",
                    tuple((area, d, 1.0) for d in recent),
                    row.get("growth"),
                )
            elif str(row.get("growth")) not in ("0", "–", ""):
                c.unparsed.append(
                    f"klynger/{role}/{date}: {cid} growth {row.get('growth')!r} without recent days"
                )
            for d in {days[0], days[-1]}:  # the first and the last case day have cases
                c.bound(where, date, f"{cid} case on {d}", ((area, d, 1.0),), 1, attacker.INF)
        figure = response.get("klynger-epicurve", {}).get("figure") or {}
        drawn: set[tuple[str, str]] = set()
        for trace in figure.get("data", []):
            if trace.get("type") != "bar":
                continue
            cid = str(trace.get("name") or "").split(" ")[0]
            if cid not in spans:
                c.unparsed.append(f"klynger/{role}/{date}: bar trace {trace.get('name')!r}")
                continue
            for x, y in zip(trace.get("x") or [], array_values(trace.get("y")), strict=False):
                week = dt.date.fromisoformat(str(x)[:10])
                drawn.add((cid, week.isoformat()))
                terms = _cluster_week(cid, week, *spans[cid])
                if terms:
                    c.count(places[cid], date, f"{cid} week {week}", terms, y)
        for cid, (first, last) in spans.items():
            if not any(c_id == cid for c_id, _w in drawn):
                continue  # not in the figure (it draws some clusters only)
            week = max(first - dt.timedelta(days=first.weekday()), first_week)
            while week <= last:
                terms = _cluster_week(cid, week, first, last)
                if terms and (cid, week.isoformat()) not in drawn:
                    c.count(
                        places[cid],
                        date,
                        f"{cid} week {week} (no bar)",
                        terms,
                        "0" if full else "0–4",
                    )
                week += dt.timedelta(weeks=1)


def _cluster_week(cid: str, week: dt.date, first: dt.date, last: dt.date) -> tuple:
    days = [week + dt.timedelta(days=i) for i in range(7)]
    return tuple((f"klynge:{cid}", d.isoformat(), 1.0) for d in days if first <= d <= last)


API_COUNTS = {  # indicator → (window days, days skipped before its end)
    "cases": (1, 0),
    "cases_7d": (7, 0),
    "cases_prev_7d": (7, 7),
    "cases_14d": (14, 0),
}
API_RATES = {"incidence_7d": 7, "incidence_14d": 14}


def _collect_api(data: AttackData, c: Collector, role: str, user: str) -> None:
    """The JSON API (route 8): the series of every case indicator for the report kommuner,
    their county and the nation, over the 28 days up to each date."""
    client = data.client(user)
    for kommune in ROLES[role]["reports"]:
        county = data.county_of[kommune]
        areas = [(kommune, kommune)] + (
            [(fylke(county), county), (NATION, "NO")]
            if kommune == ROLES[role]["reports"][0]
            else []
        )
        for date in DATES:
            start = dt.date.fromisoformat(date) - dt.timedelta(days=27)
            for area, code in areas:
                for indicator in (*API_COUNTS, *API_RATES):
                    response = client.get(
                        f"/api/v1/series?indicator={indicator}&area={code}"
                        f"&from={start.isoformat()}&to={date}"
                    )
                    assert response.status_code < 500, (indicator, code, response.status_code)
                    if response.status_code != 200:
                        continue
                    for point in response.get_json()["values"]:
                        day = point["date"]
                        shown = point["label"] if point["status"] == "withheld" else point["value"]
                        cell = f"api {indicator} {day}"
                        if indicator in API_COUNTS:
                            days, skip = API_COUNTS[indicator]
                            terms = window(area, day, days, skip=skip)
                            if data.in_span(terms, date):
                                c.count(area, date, cell, terms, shown)
                        else:
                            terms = window(area, day, API_RATES[indicator])
                            if data.in_span(terms, date):
                                c.scaled(area, date, cell, terms, shown, data.scale(area, day))
            # the 65+ dose-1 coverage: the residents 65+ without dose 1 (route 6's unknowns)
            response = client.get(
                f"/api/v1/series?indicator=coverage_65_d1&area={kommune}&from={date}&to={date}"
            )
            assert response.status_code < 500, (kommune, date, response.status_code)
            year = min(max(int(date[:4]), data.years[0]), data.years[1])
            pop65 = data.pop65.get((kommune, year))
            if response.status_code != 200 or not pop65:
                continue
            for point in response.get_json()["values"]:
                shown = point["label"] if point["status"] == "withheld" else point["value"]
                if point["status"] == "shown" and point["value"] >= 100:
                    continue  # shown at most 100 %: capped, no bound
                c.scaled(
                    kommune,
                    date,
                    f"api coverage_65_d1 {point['date']}",
                    _vaccination_terms(kommune, point["date"]),
                    shown,
                    100 / pop65,
                    complement=100.0,
                )


KEY_WINDOWS = {"cases_24h": (1, False), "cases_7d": (7, False)} | {
    "incidence_7d": (7, True),
    "incidence_14d": (14, True),
}
PDF_REPORTS = 3  # Morgenbrief PDFs per role and date (each renders a figure: ~2 s)


def _key_figure(
    data: AttackData, c: Collector, area: str, date: str, cell: str, key: str, shown: str
) -> None:
    """One shown key figure of ``area``: the window ending on ``date``."""
    days, is_rate = KEY_WINDOWS[key]
    terms = window(area, date, days)
    if is_rate:
        c.scaled(area, date, cell, terms, shown, data.scale(area, date))
    else:
        c.count(area, date, cell, terms, shown)


def _collect_pdf(data: AttackData, c: Collector, role: str, user: str) -> None:
    """The PDFs (route 9), read as text: the Morgenbrief's key figures with county and
    nation and its neighbour table; the weekly report's key figures and eight-week table."""
    client = data.client(user)
    read = 0
    for kommune in ROLES[role]["reports"][:PDF_REPORTS]:
        levels = {"kommune": kommune, "fylke": fylke(data.county_of[kommune]), "landet": NATION}
        for date in DATES:
            response = client.get(f"/morgenbrief/{kommune}/pdf?dato={date}")
            # 503: the figure could not be drawn in time (a busy machine), a handled answer
            assert response.status_code < 500 or response.status_code == 503, (
                kommune,
                date,
                response.status_code,
            )
            if response.status_code != 200:
                continue
            read += 1
            rows = pdf_text.lines(response.get_data())
            for key, by_level in pdf_text.key_figures(rows).items():
                for level, shown in by_level.items():
                    if key == "cases_24h" and level != "kommune":
                        continue
                    _key_figure(data, c, levels[level], date, f"pdf {key}", key, shown)
            for nb, values in pdf_text.neighbours(rows).items():
                if nb in ROLES[role]["kommuner"]:
                    for key, shown in values.items():
                        _key_figure(data, c, nb, date, f"pdf neighbour {key}", key, shown)
            sunday = dt.date.fromisoformat(date) - dt.timedelta(
                days=(dt.date.fromisoformat(date).weekday() + 1) % 7
            )
            for back in range(REPORT_WEEKS):
                end = sunday - dt.timedelta(days=7 * back)
                year, week, _ = end.isocalendar()
                response = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.pdf")
                if response.status_code != 200:
                    continue
                rows = pdf_text.lines(response.get_data())
                for key, by_level in pdf_text.key_figures(rows).items():
                    for level, shown in by_level.items():
                        cell = f"report pdf {key} {end}"
                        _key_figure(data, c, levels[level], end.isoformat(), cell, key, shown)
                for label, weeks in pdf_text.week_series(rows).items():
                    what, place = label.split(" ", 1)
                    area = (
                        NATION
                        if place == "hele landet"
                        else kommune
                        if place == data.names[kommune]
                        else levels["fylke"]
                    )
                    n = len(weeks)
                    for i, shown in enumerate(weeks.values()):
                        day = (end - dt.timedelta(days=7 * (n - 1 - i))).isoformat()
                        key = "cases_7d" if what == "Tilfeller" else "incidence_7d"
                        _key_figure(data, c, area, day, f"report pdf {label} {day}", key, shown)
    assert read > 0, f"{role}: no Morgenbrief PDF could be read"


def _collect_krisemote(data: AttackData, c: Collector, role: str, user: str) -> None:
    """Krisemøte (route 10): the wall's cases and incidence with county and nation, and the
    120-day incidence figure's lines."""
    for kommune, date, response in _page_responses(
        data, user, ROLES[role]["reports"], "krise-panels.children", ("kommune.data", "date.data")
    ):
        county = fylke(data.county_of[kommune])
        panels = response["krise-panels"]["children"]
        texts = leaves(panels)
        for n, (ident, shown) in enumerate(texts):
            key = str(ident or "")[len("krise-") :]
            if not str(ident or "").startswith("krise-") or key not in KEY_WINDOWS:
                continue
            _key_figure(data, c, kommune, date, f"krise {key}", key, shown)
            compare = next(
                (COMPARE.match(t) for _i, t in texts[n + 1 : n + 4] if COMPARE.match(t)),
                None,
            )
            if compare:
                for area, value in ((county, compare["county"]), (NATION, compare["nation"])):
                    _key_figure(data, c, area, date, f"krise {key}", key, value)
        for graph in components(panels, "Graph"):
            data.figure_lines(c, graph["props"].get("figure") or {}, kommune, date, "krise")


COLLECT: dict[str, Callable[[AttackData, Collector, str, str], None]] = {
    "api": _collect_api,
    "oversikt": _collect_oversikt,
    "kommune": _collect_kommune,
    "kart": _collect_kart,
    "ukerapport": _collect_ukerapport,
    "morgenbrief": _collect_morgenbrief,
    "vaksinasjon": _collect_vaksinasjon,
    "klynger": _collect_klynger,
    "pdf": _collect_pdf,
    "krisemote": _collect_krisemote,
}
TRUTH_ROUTES = ("vaksinasjon", "klynger")


@pytest.fixture(scope="module")
def attack_data(app: Any, settings: Any) -> AttackData:
    import sqlalchemy as sa

    from data.codes import AGE_BANDS_65_PLUS
    from geo import reference

    kommuner = reference.kommuner(2024)
    county_of = dict(zip(kommuner["kommunenummer"], kommuner["fylkesnummer"], strict=True))
    names = dict(zip(kommuner["kommunenummer"], kommuner["name"], strict=True))
    polygons: dict[str, list[str]] = {}
    for row in reference.polygon_of(2024).itertuples():
        polygons.setdefault(str(row.polygon_id), []).append(str(row.kommunenummer))
    # Populations are public (SSB): read once from the store, summed to counties and nation.
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as conn:
        structure = conn.execute(sa.text("select max(structure) from population")).scalar_one()
        rows = conn.execute(
            sa.text(
                "select kommunenummer, year, sum(population) from population "
                "where structure = :s group by kommunenummer, year"
            ),
            {"s": structure},
        ).all()
        bands = ", ".join(f"'{b}'" for b in AGE_BANDS_65_PLUS)
        rows65 = conn.execute(
            sa.text(
                "select kommunenummer, year, sum(population) from population "
                f"where structure = :s and age_band in ({bands}) group by kommunenummer, year"
            ),
            {"s": structure},
        ).all()
    engine.dispose()
    pop65 = {(str(k), int(y)): int(n) for k, y, n in rows65}
    population: dict[tuple[str, int], int] = {}
    for kommune, year, n in rows:
        year = int(year)
        for area in (kommune, fylke(county_of.get(kommune, "??")), NATION):
            population[(area, year)] = population.get((area, year), 0) + int(n)
    years = (min(y for _a, y in population), max(y for _a, y in population))
    return AttackData(app, county_of, names, polygons, population, pop65, years, max_perturbation())


CASES = [
    pytest.param(route, role, id=f"{route}-{role}")
    for role in ROLES
    for route in (*ROUTES, *VIEWS, ALL)
]


@pytest.mark.parametrize(("route", "role"), CASES)
def test_no_hidden_cell_is_pinned(attack_data: AttackData, route: str, role: str) -> None:
    collected = attack_data.observations(route, role)
    if not collected.observations:
        pytest.skip(f"{route}: nothing the role {role} can obtain")
    if os.environ.get("ATTACK_DUMP_DIR"):  # the model of this case, to study it offline
        path = Path(os.environ["ATTACK_DUMP_DIR"]) / f"{route}-{role}.pickle"
        path.write_bytes(
            pickle.dumps(
                (
                    collected.observations,
                    attack_data.county_of,
                    attack_data.truth(),
                    attack_data.truth_observations(route, role),
                )
            )
        )
    result = attacker.attack(
        collected.observations,
        county_of=attack_data.county_of,
        truth=attack_data.truth(),
        truth_observations=attack_data.truth_observations(route, role),
        name=f"{route}/{role} (D={attack_data.d})",
        allowed=SMALL_NUMBERS.get(role, ()),
    )
    result.unparsed = collected.unparsed
    print("\n" + result.summary())
    for text in collected.unparsed[:3]:
        print(f"  not understood: {text}")
    failing = [f for f in result.pinned if PINNED_ZERO_FAILS or f.value != 0]
    if failing or result.undecided:
        pytest.fail(result.report(EXAMPLES), pytrace=False)


@pytest.mark.parametrize("role", list(ROLES))
def test_hidden_labels_are_true(attack_data: AttackData, role: str) -> None:
    """A "1–4" (or "0–4") label claims the count lies in the range: it must."""
    collected = attack_data.observations(ALL, role)
    observations = attacker.dedupe(o for o in collected.observations if o.label)
    universe = attacker.Universe.of(attacker.dedupe(collected.observations), attack_data.county_of)
    _kept, false = attacker.check_truth(
        attacker.dedupe(collected.observations), universe, attack_data.truth()
    )
    print(f"\nLABELS {role}: {len(observations)} labelled cells, {len(false)} false")
    assert not false, "\n".join(
        [f"{len(false)} of {len(observations)} labels do not hold:"]
        + [f"  {o.describe()}: true {t}" for o, t in false[:EXAMPLES]]
    )
