"""The weekly situation report a kommune sends upward (Statsforvalter, Helsedirektoratet).

One :class:`WeeklyReport` holds the numbers; the PDF, the CSV and the JSON are three
renderings of the same rows, so they cannot disagree. Key figures are the Morgenbrief's
indicators on the last day (Sunday) of the ISO week, read with the caller's scope (the same
functions, so the same numbers as the Morgenbrief of that day); the week series is the 7-day
case count and incidence on each of the last eight Sundays.

Machine-readable layout (stable; documented in ``docs/ukerapport.md``): one row per number,
columns ``REPORT_COLUMNS``. The chart in the PDF is drawn with ReportLab graphics (no
browser), so 357 reports take minutes, not hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import formatting
from dashboard.briefing import TREND_WORDS, indicators_on
from dashboard.briefing.respiratory import respiratory_panel
from dashboard.i18n import N_, _
from data import queries
from data.scope import Scope
from geo import reference

REPORT_FORMAT_VERSION = "1"
REPORT_COLUMNS = (
    "format",
    "kommunenummer",
    "kommune",
    "fylke",
    "uke",
    "fra_dato",
    "til_dato",
    "seksjon",
    "nokkel",
    "indikator",
    "enhet",
    "omrade",
    "periode",
    "verdi",
    "skjermet",
    "data_per",
    "demodata",
)
SERIES_WEEKS = 8
AREAS = (("kommune", "kommune"), ("fylke", "county"), ("landet", "nation"))
KEYS = (
    "cases_7d",
    "incidence_7d",
    "incidence_14d",
    "trend",
    "positivity_7d",
    "admissions_7d",
    "active_clusters",
    "coverage_all_d1",
    "coverage_all_d2",
    "coverage_all_d3",
    "coverage_65_d2",
    "coverage_65_d3",
)
# trend codes → words (source strings; translated when printed)
TREND_TEXT = {**{k: v for k, v in TREND_WORDS.items() if k}, "ikke_beregnet": N_("ikke beregnet")}
# labels and units of the week series (the CSV/JSON keep these bokmål source strings)
SERIES_CASES_LABEL, SERIES_CASES_UNIT = N_("Tilfeller siste 7 dager"), N_("tilfeller")
SERIES_INCIDENCE_LABEL, SERIES_INCIDENCE_UNIT = N_("7-dagers insidens"), N_("per 100 000")
WEEK_PATTERN = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class ReportError(ValueError):
    """A report that cannot be made (unknown week, week not in the data)."""


def parse_week(text: str) -> tuple[int, int]:
    match = WEEK_PATTERN.match(text.strip())
    if not match:
        raise ReportError(_("Ukjent uke «{uke}»: skriv f.eks. 2022-W05", uke=text))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError as err:
        raise ReportError(_("Uke {uke} finnes ikke i {aar}", uke=week, aar=year)) from err
    return year, week


def week_label(year: int, week: int) -> str:
    return f"{year}-W{week:02d}"


def week_text(label: str) -> str:
    """How a week reads on paper: "uke 5" (the machine label is "2022-W05")."""
    _year, week = parse_week(label)
    return _("uke {uke}", uke=week)


def week_bounds(text: str) -> tuple[str, dt.date, dt.date]:
    """(normalised label, Monday, Sunday) of an ISO week."""
    year, week = parse_week(text)
    return (
        week_label(year, week),
        dt.date.fromisocalendar(year, week, 1),
        dt.date.fromisocalendar(year, week, 7),
    )


def last_complete_week(date: dt.date) -> str:
    """The ISO week of the last Sunday on or before ``date``."""
    sunday = date - dt.timedelta(days=(date.weekday() + 1) % 7)
    year, week, _day = sunday.isocalendar()
    return week_label(year, week)


@dataclass
class Row:
    section: str  # nokkeltall | luftveier | ukeserie
    key: str
    label: str
    unit: str
    area: str  # kommune | fylke | landet
    period: str  # the week the number belongs to
    value: float | str | None
    decimals: int = 0
    suppressed: bool = False
    definition: str = ""  # the registry's (translated), for the PDF's definitions
    withheld: bool = False  # withheld to protect other cells: reads "skjult" (count or rate)

    def text(self) -> str:
        """As printed in the PDF (in the current language's format)."""
        if self.withheld:
            return formatting.withheld("rate")
        if self.suppressed:  # a count reads "1–4", a rate "skjult"
            return formatting.withheld("count" if self.decimals == 0 else "rate")
        if self.value is None:
            return "–"
        if isinstance(self.value, str):
            return _(TREND_TEXT.get(self.value, self.value))
        return formatting.number(self.value, self.decimals)

    def machine(self) -> str:
        """As written to CSV/JSON: dot decimal, rounded as printed; empty when withheld."""
        if self.suppressed or self.withheld or self.value is None:
            return ""
        if isinstance(self.value, str):
            return self.value
        return f"{round(float(self.value), self.decimals):.{self.decimals}f}"


@dataclass
class WeeklyReport:
    kommunenummer: str
    name: str
    fylkesnavn: str
    week: str
    start: dt.date
    end: dt.date
    info: dict[str, Any]
    rows: list[Row] = field(default_factory=list)

    @property
    def key_rows(self) -> list[Row]:
        return [r for r in self.rows if r.section == "nokkeltall"]

    @property
    def panel_rows(self) -> list[Row]:
        """«Luftveisinfeksjoner denne uken» beyond the key figures (ILI consultations …)."""
        return [r for r in self.rows if r.section == "luftveier"]

    @property
    def series_rows(self) -> list[Row]:
        return [r for r in self.rows if r.section == "ukeserie"]


def build_weekly_report(*, scope: Scope, kommunenummer: str, week: str) -> WeeklyReport:
    """The report's numbers, read with ``scope`` (refused outside it, like every read)."""
    label, monday, sunday = week_bounds(week)
    info = queries.dataset_info(scope=scope)
    if sunday > info["data_date"] or sunday < info["period_start"] + dt.timedelta(days=13):
        raise ReportError(
            _(
                "Uke {uke} er ikke i dataene (data fra {fra} til {til}; uken må være avsluttet).",
                uke=label,
                fra=formatting.date_short(info["period_start"]),
                til=formatting.date_short(info["data_date"]),
            )
        )
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    if kommunenummer not in kommuner.index:
        raise ReportError(_("Ukjent kommune {kommune}", kommune=kommunenummer))
    row = kommuner.loc[kommunenummer]
    fylke = str(row["fylkesnummer"])
    first = sunday - dt.timedelta(days=7 * SERIES_WEEKS)
    start = max(info["period_start"], first)
    indicators, frames = indicators_on(
        scope=scope, kommunenummer=kommunenummer, fylkesnummer=fylke, date=sunday, start=start
    )
    report = WeeklyReport(
        kommunenummer=kommunenummer,
        name=str(row["name"]),
        fylkesnavn=str(row["fylkesnavn"]),
        week=label,
        start=monday,
        end=sunday,
        info=info,
    )
    for key in KEYS:
        ind = indicators[key]
        if key == "trend":
            report.rows.append(
                Row(
                    "nokkeltall",
                    key,
                    ind.label,
                    "",
                    "kommune",
                    label,
                    ind.code or "ikke_beregnet",
                    definition=ind.definition,
                )
            )
            continue
        for area, attr in AREAS:
            if area == "kommune":
                value, suppressed = formatting.as_float(ind.value), bool(ind.suppressed)
                withheld = False  # a kommune's own numbers are no sums of others
                if (
                    key == "active_clusters"
                    and value is not None
                    and 1 <= value <= 4
                    and not scope.may_see_small_numbers(kommunenummer)
                ):
                    # the Morgenbrief shows the count on screen; a file sent onwards does not
                    value, suppressed = None, True
            else:  # withheld for the role reads "1–4"/"skjult", as on the Morgenbrief
                value = formatting.as_float(getattr(ind, attr))
                suppressed = bool(getattr(ind, f"{attr}_suppressed"))
                withheld = bool(getattr(ind, f"{attr}_withheld")) and value is None
                if value is None and key == "active_clusters":
                    continue  # clusters are counted for the kommune only
            report.rows.append(
                Row(
                    "nokkeltall",
                    key,
                    ind.label,
                    ind.unit,
                    area,
                    label,
                    value,
                    ind.decimals,
                    suppressed and value is None,
                    ind.definition,
                    withheld=withheld,
                )
            )
    # «Luftveisinfeksjoner denne uken»: every registry indicator declared for the brief's
    # panel (the same rows as the Morgenbrief of the week's Sunday)
    panel = respiratory_panel(
        scope=scope, kommunenummer=kommunenummer, fylkesnummer=fylke, date=sunday
    )
    shown = {r.key for r in report.key_rows}
    for resp in (r for r in panel if r.key not in shown):  # not twice (7-day incidence)
        y, w, _day = resp.period_end.isocalendar()
        for level, cell in resp.cells.items():
            report.rows.append(
                Row(
                    "luftveier",
                    resp.key,
                    resp.label,
                    resp.unit,
                    {"nation": "landet"}.get(level, level),
                    week_label(y, w),
                    cell.value,
                    resp.decimals,
                    cell.hidden and cell.value is None,
                    resp.definition,
                )
            )
    # week series: the 7-day window ending on each of the last Sundays
    sundays = [sunday - dt.timedelta(days=7 * i) for i in reversed(range(SERIES_WEEKS))]
    sundays = [d for d in sundays if d >= start]
    for area, frame in (
        ("kommune", frames["own"]),
        ("fylke", frames["county"]),
        ("landet", frames["nation"]),
    ):
        daily = frame.set_index("date")
        for day in sundays:
            y, w, _day = day.isocalendar()
            period = week_label(y, w)
            at = daily.loc[daily.index == pd.Timestamp(day)]
            if at.empty:
                continue
            cases = formatting.as_float(at["cases_7d"].iloc[0])
            flag = "cases_7d_suppressed"
            hidden = bool(at[flag].iloc[0]) if flag in at.columns else False
            withheld = "cases_7d_withheld" in at.columns and bool(at["cases_7d_withheld"].iloc[0])
            pop = formatting.as_float(at["population"].iloc[0])
            incidence = None if cases is None or not pop else cases * 100_000 / pop
            if area == "kommune":
                report.rows.append(
                    Row(
                        "ukeserie",
                        "cases_7d",
                        SERIES_CASES_LABEL,
                        SERIES_CASES_UNIT,
                        area,
                        period,
                        cases,
                        0,
                        hidden and cases is None,
                        withheld=withheld,
                    )
                )
            report.rows.append(
                Row(
                    "ukeserie",
                    "incidence_7d",
                    SERIES_INCIDENCE_LABEL,
                    SERIES_INCIDENCE_UNIT,
                    area,
                    period,
                    incidence,
                    1,
                    hidden and incidence is None,
                    withheld=withheld,
                )
            )
    return report


# --------------------------------------------------------------------------- machine formats
def report_records(report: WeeklyReport) -> list[dict[str, str]]:
    base = {
        "format": REPORT_FORMAT_VERSION,
        "kommunenummer": report.kommunenummer,
        "kommune": report.name,
        "fylke": report.fylkesnavn,
        "uke": report.week,
        "fra_dato": report.start.isoformat(),
        "til_dato": report.end.isoformat(),
        "data_per": report.info["data_date"].isoformat(),
        "demodata": "ja" if report.info["is_demo"] else "nei",
    }
    out = []
    for r in report.rows:
        record = {
            **base,
            "seksjon": r.section,
            "nokkel": r.key,
            "indikator": r.label,
            "enhet": r.unit,
            "omrade": r.area,
            "periode": r.period,
            "verdi": r.machine(),
            "skjermet": "ja" if r.suppressed else "skjult" if r.withheld else "nei",
        }
        out.append({c: record[c] for c in REPORT_COLUMNS})
    return out


def report_csv(report: WeeklyReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(REPORT_COLUMNS), delimiter=";")
    writer.writeheader()
    writer.writerows(
        {k: formatting.spreadsheet_safe(v) for k, v in record.items()}
        for record in report_records(report)
    )
    return buffer.getvalue().encode("utf-8")


def report_json(report: WeeklyReport) -> bytes:
    payload = {
        "format": REPORT_FORMAT_VERSION,
        "kommunenummer": report.kommunenummer,
        "kommune": report.name,
        "uke": report.week,
        "kolonner": list(REPORT_COLUMNS),
        "rader": report_records(report),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


__all__ = [
    "REPORT_COLUMNS",
    "ReportError",
    "WeeklyReport",
    "build_weekly_report",
    "last_complete_week",
    "report_csv",
    "report_json",
    "week_bounds",
]
