"""The weekly report as a PDF, and the batch that writes every kommune's report: key
figures, the eight-week table and a chart drawn with ReportLab graphics (no browser), on one
A4 page; the same rows as the CSV and the JSON of :mod:`dashboard.reports`."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from dashboard import disease, formatting, i18n
from dashboard.definitions import DEMO_SOURCE, published_note
from dashboard.i18n import N_, _
from dashboard.pdf import a4_document, definitions_text, para, styles, table
from dashboard.reports import (
    REPORT_FORMAT_VERSION,
    ReportError,
    Row,
    WeeklyReport,
    build_weekly_report,
    parse_week,
    report_csv,
    report_json,
    week_text,
)
from data.scope import Scope
from geo import reference

CHART_MIN_HEIGHT = 55 * mm  # the weekly report's chart; it grows to fill the page
CHART_MAX_HEIGHT = 125 * mm


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
    s = styles()
    buffer = io.BytesIO()
    doc, width = a4_document(
        buffer,
        title=disease.titled(_("Ukerapport {kommune} {uke}", kommune=report.name, uke=report.week)),
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
            disease.titled(
                _(
                    "Ukerapport uke {uke} {aar} – {kommune} ({nummer}), {fylke}",
                    uke=week,
                    aar=year,
                    kommune=report.name,
                    nummer=report.kommunenummer,
                    fylke=report.fylkesnavn,
                )
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
    for r in [*report.key_rows, *report.panel_rows]:  # the respiratory panel's rows too
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
        table(rows, [width * 0.34, width * 0.15, width * 0.15, width * 0.15, width * 0.21])
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
    story.append(table(series_rows, [width * 0.28] + [width * 0.72 / n] * len(periods)))
    source = _(DEMO_SOURCE) if info["is_demo"] else (info.get("source") or _("importerte data"))
    definitions = definitions_text(
        (_(r.label), r.definition) for r in [*report.key_rows, *report.panel_rows]
    )
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


def write_report(
    report: WeeklyReport, out_dir: Path, language: str = i18n.DEFAULT_LANGUAGE
) -> list[Path]:
    """PDF (in ``language``), CSV and JSON (the documented machine layout) of one report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"ukerapport-{report.kommunenummer}{disease.file_part()}-{report.week}"
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
