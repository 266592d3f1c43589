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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from dashboard import formatting, i18n
from dashboard.briefing import TREND_WORDS, indicators_on
from dashboard.definitions import DEMO_SOURCE, published_note
from dashboard.i18n import N_, _
from dashboard.pdf import a4_document, definitions_text, para
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
CHART_MIN_HEIGHT = 55 * mm  # the weekly report's chart; it grows to fill the page
CHART_MAX_HEIGHT = 125 * mm
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
    section: str  # nokkeltall | ukeserie
    key: str
    label: str
    unit: str
    area: str  # kommune | fylke | landet
    period: str  # the week the number belongs to
    value: float | str | None
    decimals: int = 0
    suppressed: bool = False
    definition: str = ""  # the registry's (translated), for the PDF's definitions

    def text(self) -> str:
        """As printed in the PDF (in the current language's format)."""
        if self.suppressed:  # a count reads "1–4", a rate "skjult"
            return formatting.withheld("count" if self.decimals == 0 else "rate")
        if self.value is None:
            return "–"
        if isinstance(self.value, str):
            return _(TREND_TEXT.get(self.value, self.value))
        return formatting.number(self.value, self.decimals)

    def machine(self) -> str:
        """As written to CSV/JSON: dot decimal, rounded as printed; empty when withheld."""
        if self.suppressed or self.value is None:
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
            "skjermet": "ja" if r.suppressed else "nei",
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


# --------------------------------------------------------------------------- PDF
def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=15, alignment=0, spaceAfter=2),
        "sub": ParagraphStyle("s", parent=base["Normal"], fontSize=8.5),
        "h": ParagraphStyle("h", parent=base["Heading3"], fontSize=10, spaceBefore=5, spaceAfter=2),
        "small": ParagraphStyle("x", parent=base["Normal"], fontSize=6.8, leading=8.2),
        "cell": ParagraphStyle("c", parent=base["Normal"], fontSize=7.8, leading=9.2),
    }


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 7.8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _chart(report: WeeklyReport, width: float, height: float = CHART_MIN_HEIGHT) -> Drawing:
    """7-day incidence on each Sunday: kommune solid, county dashed, nation dotted."""
    drawing = Drawing(width, height)
    series = []
    periods = sorted({r.period for r in report.series_rows})
    for area in ("kommune", "fylke", "landet"):
        points = [
            (periods.index(r.period), float(r.value))
            for r in report.series_rows
            if r.key == "incidence_7d" and r.area == area and isinstance(r.value, float | int)
        ]
        series.append(points or [(0, 0.0)])
    plot = LinePlot()
    plot.x, plot.y = 35, 22
    plot.width, plot.height = width - 130, height - 35
    plot.data = series
    styles = (
        (colors.HexColor("#1f4e79"), None),
        (colors.HexColor("#c2571a"), (4, 2)),
        (colors.HexColor("#6b6b6b"), (1, 2)),
    )
    for i, (colour, dash) in enumerate(styles):
        plot.lines[i].strokeColor = colour
        plot.lines[i].strokeWidth = 1.6
        plot.lines[i].symbol = makeMarker("FilledCircle", size=2.5)
        if dash:
            plot.lines[i].strokeDashArray = dash
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max(len(periods) - 1, 1)
    plot.xValueAxis.valueSteps = list(range(len(periods)))
    plot.xValueAxis.labelTextFormat = lambda v: (
        week_text(periods[int(v)]) if int(v) < len(periods) else ""
    )
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.labelTextFormat = lambda v: formatting.number(v, 0)
    drawing.add(plot)
    legend = (
        (report.name, 0),
        (_("{fylke} (fylke)", fylke=report.fylkesnavn), 1),
        (_("Hele landet"), 2),
    )
    for text, i in legend:
        drawing.add(
            String(
                width - 88,
                height - 20 - 11 * i,
                ("— ", "- - ", "··· ")[i] + text,
                fontSize=6.8,
                fillColor=styles[i][0],
            )
        )
    return drawing


AREA_HEADERS = {"kommune": None, "fylke": None, "landet": N_("Hele landet")}


def _single_kommune_county(report: WeeklyReport) -> bool:
    """The county is this kommune alone (Oslo): its rows would repeat the kommune's."""
    kommuner = reference.kommuner(2024)
    fylke = kommuner.loc[kommuner["kommunenummer"] == report.kommunenummer, "fylkesnummer"]
    return int((kommuner["fylkesnummer"] == fylke.iloc[0]).sum()) == 1


def _height_left(doc: Any, width: float, story: list[Any]) -> float:
    """The page height the story leaves free (the chart takes it, so the page is full)."""
    used = 0.0
    for flowable in story:
        used += flowable.wrap(width, doc.height)[1]
        used += flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return doc.height - used - 12 - 4 * mm  # the frame's padding and a margin


def report_pdf(report: WeeklyReport, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The one-page PDF in ``language`` (bokmål unless chosen; numbers and dates follow it)."""
    with i18n.language(language):
        return _report_pdf(report)


def _report_pdf(report: WeeklyReport) -> bytes:
    s = _styles()
    buffer = io.BytesIO()
    doc, width = a4_document(
        buffer,
        title=_("Ukerapport {kommune} {uke}", kommune=report.name, uke=report.week),
        side_mm=14,
        top_mm=12,
    )
    info = report.info
    demo = (
        Markup(" <b>{}</b>").format(_("DEMODATA – syntetiske tall, ikke ekte personer."))
        if info["is_demo"]
        else Markup("")
    )
    year, week = parse_week(report.week)
    story: list[Any] = [
        para(
            _(
                "Ukerapport uke {uke} {aar} – {kommune} ({nummer}), {fylke}",
                uke=week,
                aar=year,
                kommune=report.name,
                nummer=report.kommunenummer,
                fylke=report.fylkesnavn,
            ),
            s["title"],
        ),
        para(
            _(
                "Uke {uke}: {fra}–{til}. Tallene gjelder situasjonen per {dato}. "
                "Data per {data_dato}.",
                uke=week,
                fra=formatting.date_short(report.start),
                til=formatting.date_short(report.end),
                dato=formatting.date_long(report.end),
                data_dato=formatting.date_short(info["data_date"]),
            )
            + demo,
            s["sub"],
        ),
        para(_("Nøkkeltall"), s["h"]),
    ]
    county = _("{fylke} (fylke)", fylke=report.fylkesnavn)
    header = [_("Nøkkeltall"), report.name, county, _("Hele landet"), _("Enhet")]
    rows: list[list[Any]] = [header]
    by_key: dict[str, dict[str, Row]] = {}
    for r in report.key_rows:
        by_key.setdefault(r.key, {})[r.area] = r
    for areas in by_key.values():
        first = next(iter(areas.values()))
        rows.append(
            [
                para(_(first.label), s["cell"]),
                areas["kommune"].text() if "kommune" in areas else "",
                areas["fylke"].text() if "fylke" in areas else "",
                areas["landet"].text() if "landet" in areas else "",
                _(first.unit) if first.unit else "",
            ]
        )
    story.append(
        _table(rows, [width * 0.34, width * 0.15, width * 0.15, width * 0.15, width * 0.21])
    )
    story.append(para(_("Utvikling siste åtte uker"), s["h"]))
    chart_at = len(story)
    periods = sorted({r.period for r in report.series_rows})
    series_rows: list[list[Any]] = [[_("Uke"), *[week_text(p) for p in periods]]]
    labels = [
        ("cases_7d", "kommune", _("Tilfeller {sted}", sted=report.name)),
        ("incidence_7d", "kommune", _("Insidens {sted}", sted=report.name)),
        ("incidence_7d", "fylke", _("Insidens {sted}", sted=county)),
        ("incidence_7d", "landet", _("Insidens hele landet")),
    ]
    notes = []
    if _single_kommune_county(report):  # Oslo: the county's row is the kommune's
        labels = [item for item in labels if item[1] != "fylke"]
        notes.append(
            _(
                "{fylke} består bare av {kommune}: fylkets tall er kommunens.",
                fylke=county,
                kommune=report.name,
            )
        )
    for key, area, text in labels:
        values = {r.period: r.text() for r in report.series_rows if r.key == key and r.area == area}
        series_rows.append([para(text, s["cell"]), *[values.get(p, "–") for p in periods]])
    n = max(len(periods), 1)
    story.append(_table(series_rows, [width * 0.28] + [width * 0.72 / n] * len(periods)))
    source = _(DEMO_SOURCE) if info["is_demo"] else (info.get("source") or _("importerte data"))
    definitions = definitions_text((_(r.label), r.definition) for r in report.key_rows)
    series_note = " ".join([_("Ukeserien: 7-dagersvinduet som slutter søndag i hver uke."), *notes])
    story += [
        Spacer(1, 3 * mm),
        para(
            Markup("<b>{}</b> {} {}").format(_("Definisjoner."), definitions, series_note),
            s["small"],
        ),
        para(
            _(
                "Kilde: {kilde}. {vern} De samme tallene finnes maskinlesbart i CSV/JSON "
                "(format {format}). Laget av Situasjonsbilde.",
                vern=published_note(),
                kilde=source,
                format=REPORT_FORMAT_VERSION,
            ),
            s["small"],
        ),
    ]
    # the chart takes the height the rest leaves: one full page
    height = min(max(_height_left(doc, width, story), CHART_MIN_HEIGHT), CHART_MAX_HEIGHT)
    story.insert(chart_at, _chart(report, width, height))
    doc.build(story)
    return buffer.getvalue()


# --------------------------------------------------------------------------- batch
def write_report(
    report: WeeklyReport, out_dir: Path, language: str = i18n.DEFAULT_LANGUAGE
) -> list[Path]:
    """PDF (in ``language``), CSV and JSON (the documented machine layout) of one report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"ukerapport-{report.kommunenummer}-{report.week}"
    paths = []
    for suffix, payload in (
        ("pdf", report_pdf(report, language)),
        ("csv", report_csv(report)),
        ("json", report_json(report)),
    ):
        path = out_dir / f"{stem}.{suffix}"
        path.write_bytes(payload)
        paths.append(path)
    return paths


def write_all(
    *,
    scope: Scope,
    week: str,
    out_dir: Path,
    kommuner: Iterable[str],
    progress: bool = True,
    language: str = i18n.DEFAULT_LANGUAGE,
) -> tuple[int, list[tuple[str, str]]]:
    """Every kommune's report for one week; returns (written, [(kommune, error)])."""
    from tqdm import tqdm

    codes = list(kommuner)
    failed: list[tuple[str, str]] = []
    written = 0
    for code in tqdm(codes, desc=f"Ukerapporter {week}", unit="kommune", disable=not progress):
        try:
            report = build_weekly_report(scope=scope, kommunenummer=code, week=week)
            write_report(report, out_dir, language)
            written += 1
        except (ReportError, PermissionError) as err:
            failed.append((code, str(err)))
    return written, failed


__all__ = [
    "REPORT_COLUMNS",
    "ReportError",
    "WeeklyReport",
    "build_weekly_report",
    "last_complete_week",
    "report_csv",
    "report_json",
    "report_pdf",
    "week_bounds",
    "write_all",
    "write_report",
]
