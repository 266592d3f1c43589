"""One published picture: the same indicator, area, date and role show the same value on
every output, read over HTTP as a browser or a script gets them — the map's hover, the Kommune
page's cards, the Morgenbrief (page and PDF), Krisemøte, the Kommuneoversikt CSV, the weekly
report (JSON and PDF) and the API; for the kommune, and for its county and the nation where an
output shows them beside the kommune."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from dashboard import briefing
from dashboard.auth import DEMO_USERS, scope_for
from data import indicators, queries, views
from data.scope import Scope
from geo import reference as reference_table
from tests import export_read, pdf_text
from tests import test_registry_views as views_test
from tests.conftest import login
from tests.dash_http import (
    KRISE_OUTPUTS,
    call,
    call_kommune,
    call_map,
    find,
    parent_of,
)
from tests.dash_http import (
    texts as leaves,
)

ROLES = ("ks-analytiker", "krise-bergen", "lege-oslo", "fylkeslege-vestland")
# the kommuner each role may open (a kommuneoverlege's neighbours appear on the own brief
# only), small, medium and large
KOMMUNER = {
    "ks-analytiker": ("0301", "4601", "1151", "1106", "5501", "3201", "1508", "5605"),
    "krise-bergen": ("4601",),
    "lege-oslo": ("0301",),
    "fylkeslege-vestland": ("4601", "4602", "4640", "4645"),
}
INDICATORS = {"cases_7d": 0, "incidence_7d": 1, "incidence_14d": 1}
LEVELS = ("kommune", "fylke", "landet")  # as the weekly report names them
PDF_KOMMUNER = 2  # Morgenbrief PDFs per role and date (each renders a figure: ~2 s)
NUMBER = re.compile(r"^-?[\d\u00a0 ]+(?:,\d+)?$")


def _number(text: str) -> float | str:
    """A shown value: a float, or the label a withheld value reads with."""
    text = str(text).strip()
    if NUMBER.match(text):
        return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    return text


def _dates() -> list[dt.date]:
    info = queries.dataset_info(scope=Scope.full())
    end = info["data_date"]
    # the data date, a Sunday (the weekly report's last day) and a quiet day
    sunday = end - dt.timedelta(days=(end.weekday() + 1) % 7)
    return [end, sunday - dt.timedelta(days=35), sunday - dt.timedelta(days=200)]


def _api(client: Any, indicator: str, area: str, day: dt.date) -> float | str:
    response = client.get(f"/api/v1/series?indicator={indicator}&area={area}&from={day}&to={day}")
    assert response.status_code == 200, response.get_json()
    point = response.get_json()["values"][0]
    return point["label"] if point["status"] == "withheld" else point["value"]


def _kommune_cards(client: Any, kommune: str, day: dt.date) -> dict[str, float | str]:
    status, body, _ = call_kommune(client, kommune, day)
    assert status == 200
    cards = body["response"]["kommune-cards"]["children"]
    out = {}
    for key, card_id in (
        ("incidence_7d", "card-incidence-7d"),
        ("incidence_14d", "card-incidence-14d"),
    ):
        out[key] = _number(leaves(find(cards, card_id))[1])
    texts = leaves(cards)
    cases_title = texts.index("Tilfeller siste 7 dager")
    out["cases_7d"] = _number(texts[cases_title + 1])
    return out


def _map(client: Any, metric: str, day: dt.date) -> dict[str, float | str]:
    status, body, _ = call_map(client, metric, day)
    assert status == 200
    trace = body["response"]["map"]["figure"]["data"][0]
    values = {}
    for location, custom in zip(trace["locations"], trace["customdata"], strict=True):
        values[str(location)] = _number(custom[0])
    return values


def _overview_csv(client: Any, day: dt.date) -> dict[str, dict[str, dict[str, Any]]]:
    """The Kommuneoversikt files per kommune: the CSV as Norwegian Excel reads it and the
    machine CSV ({"csv": rows, "data.csv": rows}; empty for a role without the export)."""
    response = client.get(f"/oversikt/eksport.csv?dato={day.isoformat()}")
    if response.status_code == 403:  # a role without this export
        return {}
    assert response.status_code == 200
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for kommune, row in export_read.excel_csv_rows(response.data).items():
        out.setdefault(kommune, {})["csv"] = row
    response = client.get(f"/oversikt/data.csv?dato={day.isoformat()}")
    assert response.status_code == 200
    for kommune, data in export_read.data_csv_rows(response.data).items():
        out.setdefault(kommune, {})["data.csv"] = data
    response = client.get(f"/oversikt/eksport.xlsx?dato={day.isoformat()}")
    assert response.status_code == 200
    for kommune, row in export_read.xlsx_rows(response.data).items():
        out.setdefault(kommune, {})["xlsx"] = row
    return out


Values = dict[tuple[str, str], float | str]  # (level, indicator) → shown value


def _report(client: Any, kommune: str, day: dt.date) -> Values:
    """The weekly report's key figures (JSON): an empty value is withheld where the file
    says ``skjermet``, missing otherwise."""
    year, week, _d = day.isocalendar()
    response = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.json")
    if response.status_code != 200:
        return {}
    out: Values = {}
    for row in response.get_json()["rader"]:
        key = row["nokkel"]
        if row["seksjon"] == "nokkeltall" and key in INDICATORS:
            shown = row["verdi"]
            out[(row["omrade"], key)] = (
                float(shown)
                if shown
                else "withheld"
                if row["skjermet"] == "ja"
                else "skjult"
                if row["skjermet"] == "skjult"
                else "–"
            )
    return out


def _pdf_values(rows: list[str]) -> Values:
    figures = pdf_text.key_figures(rows)
    return {
        (level, key): _number(shown)
        for key, by_level in figures.items()
        if key in INDICATORS
        for level, shown in by_level.items()
    }


def _report_pdf(client: Any, kommune: str, day: dt.date) -> Values:
    year, week, _d = day.isocalendar()
    response = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.pdf")
    if response.status_code != 200:
        return {}
    return _pdf_values(pdf_text.lines(response.get_data()))


def _brief_pdf(client: Any, kommune: str, day: dt.date) -> Values:
    response = client.get(f"/morgenbrief/{kommune}/pdf?dato={day.isoformat()}")
    if response.status_code != 200:
        return {}
    return _pdf_values(pdf_text.lines(response.get_data()))


def _krisemote(client: Any, kommune: str, day: dt.date) -> Values:
    """The wall's numbers with the county's and the nation's under them."""
    status, body, _ = call(
        client,
        outputs=KRISE_OUTPUTS,
        inputs=[("krise-kommune", "data", kommune), ("krise-refresh", "n_clicks", 0)],
        state=[("krise-date", "data", day.isoformat())],
    )
    assert status == 200
    panels = body["response"]["krise-panels"]["children"]
    out: Values = {}
    for key in ("incidence_7d", "cases_7d"):
        texts = leaves(parent_of(panels, f"krise-{key}"))
        out[("kommune", key)] = _number(texts[1])
        compare = next(t for t in texts if " · Landet: " in t)
        county, nation = (part.split(": ", 1)[1] for part in compare.split(" · "))
        out[("fylke", key)], out[("landet", key)] = _number(county), _number(nation)
    return out


def _label(indicator: str) -> str:
    """How a withheld value of ``indicator`` reads: a count "1–4", a rate "skjult"."""
    return "1–4" if INDICATORS[indicator] == 0 else "skjult"


def _same(a: float | str, b: float | str, decimals: int) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(a - b) <= 0.5 * 10**-decimals + 0.01


def _brief_values(scope: Scope, kommune: str, day: dt.date) -> Values:
    brief = briefing.briefing_view(scope=scope, kommunenummer=kommune, date=day)[0]
    out: Values = {}
    for key in INDICATORS:
        indicator = brief.indicators[key]
        out[("kommune", key)] = (
            indicator.display() if indicator.suppressed else indicator.value  # type: ignore[assignment]
        )
        out[("fylke", key)] = _number(indicator.compared("county"))
        out[("landet", key)] = _number(indicator.compared("nation"))
    return out


def _county_of() -> dict[str, str]:
    """Each kommune's county (kommunestruktur 2024)."""
    kommuner = reference_table.kommuner(2024)
    return dict(zip(kommuner["kommunenummer"], kommuner["fylkesnummer"], strict=True))


@pytest.mark.parametrize("user", ROLES)
def test_the_same_number_on_every_output(app, user: str) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), user)
    scope = scope_for(DEMO_USERS[user])
    county_of = _county_of()
    compared = withheld = 0
    seen: set[str] = set()
    differences: list[str] = []
    for day in _dates():
        maps = {m: _map(client, m, day) for m in INDICATORS}
        csv_rows = _overview_csv(client, day)
        for n, kommune in enumerate(KOMMUNER[user]):
            areas = {"kommune": kommune, "fylke": county_of[kommune], "landet": "NO"}
            reference = {
                (level, i): _api(client, i, area, day)
                for level, area in areas.items()
                for i in INDICATORS
            }
            outputs: dict[str, Values] = {
                "kommune": {
                    ("kommune", k): v for k, v in _kommune_cards(client, kommune, day).items()
                },
                "morgenbrief": _brief_values(scope, kommune, day),
                "krisemote": _krisemote(client, kommune, day),
            }
            if n < PDF_KOMMUNER:
                outputs["morgenbrief-pdf"] = _brief_pdf(client, kommune, day)
            polygon = "1508" if kommune in ("1508", "1580") else kommune
            if kommune != "1508" and (day.year >= 2024 or polygon in maps["cases_7d"]):
                outputs["map"] = {
                    ("kommune", m): maps[m][polygon] for m in INDICATORS if polygon in maps[m]
                }
            for name, row in csv_rows.get(kommune, {}).items():
                # numbers as the file's reader gets them; an empty cell is withheld
                outputs[name] = {
                    ("kommune", i): "withheld" if row[i] in (None, "") else float(row[i])
                    for i in INDICATORS
                    if i in row
                }
            if day.weekday() == 6:
                outputs["ukerapport"] = _report(client, kommune, day)
                outputs["ukerapport-pdf"] = _report_pdf(client, kommune, day)
            for name, values in outputs.items():
                for (level, indicator), shown in values.items():
                    if indicator not in INDICATORS:
                        continue
                    if shown == "withheld" or (name == "map" and str(shown).startswith("skjult")):
                        # the file leaves a withheld value empty; the map's hover says why
                        shown = _label(indicator)
                    want = reference[(level, indicator)]
                    if not _same(shown, want, INDICATORS[indicator]):
                        differences.append(
                            f"{user} {kommune} {day} {level} {indicator}: {name}={shown!r} "
                            f"api={want!r}"
                        )
                    compared += 1
                    withheld += isinstance(want, str)
                    seen.add(name)
    print(
        f"\n{user}: {compared} values compared ({withheld} withheld) on {sorted(seen)}, "
        f"{len(differences)} differ"
    )
    assert compared > 60
    assert {"morgenbrief-pdf", "krisemote", "ukerapport-pdf", "kommune"} <= seen
    if user == "ks-analytiker":
        assert {"csv", "data.csv", "xlsx"} <= seen
    if user == "ks-analytiker":
        assert withheld > 0  # Utsira's withheld values are compared too
    assert not differences, "\n".join(differences[:20])


COVERAGE = ("coverage_all_d1", "coverage_all_d3", "coverage_65_d1", "coverage_65_d3")


@pytest.mark.parametrize("user", ("ks-analytiker", "lege-oslo"))
def test_coverage_is_one_number_on_every_output(app, user: str) -> None:  # type: ignore[no-untyped-def]
    """Coverage by dose, whole population and 65+, of the kommune, its county and the nation:
    the Morgenbrief, the weekly report (JSON) and the API show one value."""
    client = login(app.server.test_client(), user)
    scope = scope_for(DEMO_USERS[user])
    county_of = _county_of()
    compared = 0
    differences: list[str] = []
    for day in _dates():
        sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
        for kommune in KOMMUNER[user][:4]:
            areas = {"kommune": kommune, "fylke": county_of[kommune], "landet": "NO"}
            brief = briefing.briefing_view(scope=scope, kommunenummer=kommune, date=sunday)[0]
            year, week, _d = sunday.isocalendar()
            report = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.json").get_json()
            rows = {
                (r["omrade"], r["nokkel"]): r["verdi"] or r["skjermet"]
                for r in report["rader"]
                if r["seksjon"] == "nokkeltall"
            }
            for key in COVERAGE:
                indicator = brief.indicators[key]
                shown = {
                    "kommune": _number(indicator.display()),
                    "fylke": _number(indicator.compared("county")),
                    "landet": _number(indicator.compared("nation")),
                }
                for level, area in areas.items():
                    api = _api(client, key, area, sunday)
                    outputs = {"morgenbrief": shown[level]}
                    if (level, key) in rows:
                        text = rows[(level, key)]
                        outputs["ukerapport"] = (
                            "skjult" if text == "ja" else "–" if text == "nei" else float(text)
                        )
                    for name, value in outputs.items():
                        value = "–" if value == "missing" else value
                        want = "–" if api is None else api
                        if not _same(value, want, 1):
                            differences.append(
                                f"{user} {kommune} {sunday} {level} {key}: {name}={value!r} "
                                f"api={want!r}"
                            )
                        compared += 1
    print(f"\n{user}: {compared} coverage values compared, {len(differences)} differ")
    assert compared > 40
    assert not differences, "\n".join(differences[:20])


@pytest.mark.realdata
def test_coverage_is_one_number_on_real_data(use_real_data) -> None:  # type: ignore[no-untyped-def]
    """Kommuneoversikt and Vaksinasjon give one dose-2 and dose-3 coverage for a kommune on
    real data (FHI's published snapshot): the overview reads the Vaksinasjon page's rows."""
    from dashboard import overview as overview_view
    from data.queries import vaccination, vaccination_groups

    info = queries.dataset_info(scope=Scope.full())
    day = info["data_date"]
    view = overview_view.build_overview(scope=Scope.full(), date=day, info=info)
    table = view.kommuner.set_index("kommunenummer")
    rows = vaccination.vaccination_by_kommune(
        scope=Scope.full(), kommuner=["0301", "4601", "5501"], date=day
    )
    compared = 0
    for kommune in ("0301", "4601", "5501"):
        for dose in (2, 3):
            row = rows[
                rows["kommunenummer"].eq(kommune)
                & rows["age_band"].eq(vaccination_groups.GROUP_ALL)
                & rows["dose_number"].eq(dose)
            ].iloc[0]
            page = min(100.0, 100.0 * row["vaccinated"] / row["population"])
            assert table.loc[kommune, f"coverage_d{dose}"] == pytest.approx(page, abs=0.05)
            compared += 1
    assert compared == 6
    assert table.loc["0301", "coverage_d3"] > 30  # real dose-3 coverage, not a stray 0.9 %


# Every registry indicator with a view (data.indicators.View): a new one is compared here
# without a test of its own.
VIEW_ROLES = views_test.ROLES
VIEW_KOMMUNER = views_test.KOMMUNER
VIEW_DAY = views_test.DAY


def _report_panel(client: Any, kommune: str, sunday: dt.date) -> dict[str, dict[str, Any]]:
    """The weekly report's (JSON) «Luftveisinfeksjoner denne uken» rows: indicator → level
    → value ("withheld" where the file says ``skjermet``)."""
    year, week, _d = sunday.isocalendar()
    response = client.get(f"/rapport/{kommune}/{year}-W{week:02d}.json")
    assert response.status_code == 200
    out: dict[str, dict[str, Any]] = {}
    for row in response.get_json()["rader"]:
        if row["seksjon"] == "luftveier":
            level = {"landet": "nation"}.get(row["omrade"], row["omrade"])
            value = (
                float(row["verdi"])
                if row["verdi"]
                else "withheld"
                if row["skjermet"] != "nei"
                else "–"
            )
            out.setdefault(row["nokkel"], {})[level] = value
    return out


@pytest.mark.parametrize("user", VIEW_ROLES)
def test_every_registry_view_shows_the_api_value(app: Any, user: str) -> None:
    """For every registry indicator with a view and a series in the API: the map's hover,
    the overview's machine CSV and the Morgenbrief's panel (kommune, county, country) show
    the API's value for the same area and period (a weekly indicator: the ISO week ending on
    or before the date)."""
    client = login(app.server.test_client(), user)
    scope = scope_for(DEMO_USERS[user])
    county = _county_of()
    kommuner = [k for k in VIEW_KOMMUNER if scope.kommuner is None or k in scope.kommuner]
    export = client.get(f"/oversikt/data.csv?dato={VIEW_DAY}")  # 403 for a role without it
    csv_rows = export_read.data_csv_rows(export.data) if export.status_code == 200 else {}
    briefs = {k: views_test.brief_panel(user, k) for k in kommuner[:2]}
    sunday = VIEW_DAY - dt.timedelta(days=(VIEW_DAY.weekday() + 1) % 7)
    reports = {k: _report_panel(client, k, sunday) for k in kommuner[:2]}
    differences, compared = [], 0
    served = {i["id"] for i in client.get("/api/v1/indicators").get_json()["indicators"]}
    for indicator in (i for i in indicators.INDICATORS.values() if i.views and i.id in served):
        end = views.period_end(indicator, VIEW_DAY)
        shown: dict[tuple[str, str, str, dt.date], float | str] = {}
        if "map" in indicator.views:
            values = views_test.map_values(client, indicator.id)
            shown |= {("map", "kommune", k, end): values[k] for k in kommuner if k in values}
        if "overview" in indicator.views:
            shown |= {
                ("csv", "kommune", k, end): views_test.machine(csv_rows[k][indicator.id])
                for k in kommuner
                if k in csv_rows
            }
        if "brief" in indicator.views:
            for k, panel in briefs.items():
                for level, value in panel[indicator.id].items():
                    shown[("brief", level, k, end)] = value
            weekly_end = views.period_end(indicator, sunday)
            for k, rows in reports.items():
                for level, value in rows.get(indicator.id, {}).items():
                    shown[("ukerapport", level, k, weekly_end)] = value
        for (output, level, k, day), value in shown.items():
            area = {"kommune": k, "fylke": county[k], "nation": "NO"}[level]
            want = views_test.api_value(client, indicator.id, area, day)
            compared += 1
            if not _same(value, want, indicator.decimals):
                differences.append(f"{indicator.id} {output} {level} {k}: {value!r} api={want!r}")
    print(f"\n{user}: {compared} values compared, {len(differences)} differ")
    assert reports and all(reports.values())
    assert compared > (40 if user == "ks-analytiker" else 8)
    assert not differences, "\n".join(differences[:20])
