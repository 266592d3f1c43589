"""The Kommuneoversikt as one object: the page, the map and the CSV/Excel export read it the
same way, so an export never shows anything the page would not (same scope, same
protection)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard import formatting, tabular
from dashboard.briefing import TREND_WORDS
from dashboard.definitions import DEMO_SOURCE, TREND_LABELS, MetricDefinition, published_note
from dashboard.definitions.overview import (
    COLUMNS_BY_KEY,
    EXPORT_COUNTS,
    OVERVIEW_COLUMNS,
    RANKING_METHOD,
    REGISTRY_COLUMNS,
    UNITS,
    VERSUS_LABELS,
    Column,
)
from dashboard.i18n import N_, _, ngettext
from dashboard.metrics import overview as overview_metrics
from data import indicators, views
from data.queries import completeness
from data.queries import overview as overview_queries
from data.queries import signals as signal_queries
from data.scope import Scope

WEEKS = overview_queries.SPARK_WEEKS


@dataclass
class Overview:
    date: dt.date
    info: dict[str, Any]
    kommuner: pd.DataFrame  # one row per kommune: counts, ``_suppressed`` flags, metrics
    fylker: pd.DataFrame  # county aggregates, same columns where they apply
    weekly: pd.DataFrame  # weekly cases per kommune (w0 latest … , s0 … flags)
    prior_mean: float  # the common level: the 7-day incidence of the table's whole area
    national_rate: float = float("nan")  # the country's 7-day incidence, shown beside it
    # the first test date not yet complete on the data date (data.queries.completeness)
    incomplete_from: dt.date | None = None

    @property
    def incomplete_days(self) -> int:
        """How many of the last test dates of the windows ending on ``date`` are not complete
        (0: every day is)."""
        if self.incomplete_from is None or self.date < self.incomplete_from:
            return 0
        return (self.date - self.incomplete_from).days + 1


def area_rate(counties: pd.DataFrame) -> float | None:
    """7-day incidence per 100 000 of the counties together, from their published totals
    (which include the kommuner whose counts are shown as 1–4); None without a known total."""
    known = counties[counties["cases_7d"].notna() & (counties["population"] > 0)]
    if known.empty or len(known) < len(counties):
        return None
    return float(known["cases_7d"].sum()) * 1e5 / float(known["population"].sum())


def build_overview(*, scope: Scope, date: dt.date, info: dict[str, Any]) -> Overview:
    rows = overview_queries.kommune_overview(scope=scope, date=date)
    weekly = overview_queries.weekly_cases(scope=scope, date=date, weeks=WEEKS)
    counties = overview_metrics.county_metrics(
        overview_queries.county_overview(scope=scope, date=date)
    )
    # the common level: the rate of the table's whole area from published totals — the
    # country's when the table holds every kommune, else its counties' when they hold exactly
    # its kommuner, else (no such total) the rate of the counts shown
    nation = national_rate(scope=scope, date=date)
    whole = int(counties["kommuner"].sum()) == len(rows) if len(counties) else False
    if scope.kommuner is None and np.isfinite(nation):
        common: float | None = nation
    else:
        common = area_rate(counties) if whole else None
    table = overview_metrics.overview_metrics(rows, common_rate=common)
    prior_mean = float(table.attrs.get("prior_mean", np.nan))  # merges below drop attrs
    table["spark"] = table["kommunenummer"].map(overview_metrics.sparklines(weekly, WEEKS))
    signals = signal_queries.signals_on(scope=scope, date=date, series=None)
    per_kommune = signals.groupby("kommunenummer").size().rename("signals")
    table["signals"] = table["kommunenummer"].map(per_kommune).fillna(0).astype("int64")
    table = with_registry_columns(table, scope=scope, date=date)
    window = completeness.case_completeness(scope=scope)
    out = Overview(
        date=date,
        info=info,
        kommuner=table,
        fylker=counties,
        weekly=weekly,
        prior_mean=prior_mean,
        national_rate=nation,
        incomplete_from=window["incomplete_from"],
    )
    table["incomplete_days"] = counties["incomplete_days"] = out.incomplete_days
    return out


def with_registry_columns(table: pd.DataFrame, *, scope: Scope, date: dt.date) -> pd.DataFrame:
    """``table`` with a column per registry indicator declared for the overview: its value
    from the indicator's area read (:func:`data.views.area_values`, as published to the
    scope), its published numerator and the numerator's flags (the export's count)."""
    for column in REGISTRY_COLUMNS:
        indicator = indicators.get(column.key)
        values = views.area_values(indicator, scope=scope, date=date)
        numerator = indicator.numerator
        keep = [numerator, f"{numerator}_suppressed", f"{numerator}_withheld"]
        frame = values[["kommunenummer", "value", *(c for c in keep if c in values)]]
        frame = frame.rename(columns={"value": column.key})
        frame = frame.drop(
            columns=[c for c in frame.columns if c in table and c != "kommunenummer"]
        )
        table = table.merge(frame, on="kommunenummer", how="left")
    return table


def incomplete_columns() -> list[Column]:
    """The columns that count cases by test date (their last days may be incomplete)."""
    return [c for c in OVERVIEW_COLUMNS if c.by_test_date]


def incomplete_note(overview: Overview) -> str | None:
    """«Ufullstendig: …» naming the incomplete test dates and the columns they are in, or
    None when every day of the windows is complete."""
    n = overview.incomplete_days
    if not n:
        return None
    return ngettext(
        "Ufullstendig: siste prøvedato ({til}) er ikke ferdig registrert. Gjelder kolonnene "
        "{kolonner}.",
        "Ufullstendig: de siste {n} prøvedatoene ({fra}–{til}) er ikke ferdig registrert. "
        "Gjelder kolonnene {kolonner}.",
        n,
        n=n,
        fra=formatting.date_short(overview.date - dt.timedelta(days=n - 1)),
        til=formatting.date_short(overview.date),
        kolonner=", ".join(f"«{_(c.label)}»" for c in incomplete_columns()),
    )


def national_rate(*, scope: Scope, date: dt.date) -> float:
    """The country's 7-day incidence on ``date`` (the series the Kommune page compares with)."""
    from dashboard import metrics
    from data import queries

    start = date - dt.timedelta(days=13)
    daily = queries.cases_daily(scope=scope, level="nation", code=None, start=start, end=date)
    value = metrics.window_counts(daily, date).get("incidence_7d")
    return float("nan") if value is None or pd.isna(value) else float(value)


# --------------------------------------------------------------------------- table records
def table_records(overview: Overview) -> list[dict[str, Any]]:
    """Rows for the DataTable: numbers stay numbers (native sorting); withheld counts are
    null and shown as "1–4" by the column format; the name links to the kommune page."""
    frame = overview.kommuner
    query = f"?dato={overview.date.isoformat()}"
    out = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {}
        for column in OVERVIEW_COLUMNS:
            value = record.get(column.key)
            if column.key == "name":
                value = f"[{value}](/kommune/{record['kommunenummer']}{query})"
            elif column.key == "trend":
                value = _(TREND_LABELS.get(value, TREND_LABELS[None]))
            elif column.key == "size_class" and isinstance(value, str):
                value = _(value)
            elif column.key == "versus_all" and isinstance(value, str):
                value = _(VERSUS_LABELS.get(value, value))
            elif column.kind in ("count", "rate", "share", "rank"):
                value = None if value is None or pd.isna(value) else round(float(value), 3)
            elif value is None or (isinstance(value, float) and pd.isna(value)):
                value = ""
            row[column.key] = value
        row["id"] = record["kommunenummer"]
        out.append(row)
    return out


def county_records(overview: Overview) -> list[dict[str, Any]]:
    out = []
    for r in overview.fylker.to_dict("records"):
        out.append(
            {
                "fylke": f"{r['fylkesnavn']} ({r['fylkesnummer']})",
                "kommuner": int(r["kommuner"]),
                "population": formatting.number(r["population"]),
                "cases_7d": (  # withheld to protect its kommuner: «skjult», not «–»
                    formatting.withheld("rate")
                    if r.get("cases_7d_withheld")
                    else formatting.count(r["cases_7d"], suppressed=r["cases_7d_suppressed"])
                ),
                "incidence_7d": formatting.number(r["incidence_7d"], 1),
                "incidence_14d": formatting.number(r["incidence_14d"], 1),
                "trend": _(TREND_LABELS.get(r["trend"], TREND_LABELS[None])),
                "positivity_7d": formatting.number(r["positivity_7d"], 1),
                "coverage_d2": formatting.number(r["coverage_d2"], 1),
                "coverage_d3": formatting.number(r["coverage_d3"], 1),
                "cert_share": formatting.number(r["cert_share"], 1),
                "arrivals_14d": formatting.count(
                    r["arrivals_14d"], suppressed=r["arrivals_14d_suppressed"]
                ),
            }
        )
    return out


# --------------------------------------------------------------------------- map
def column_metric(column: Column) -> MetricDefinition:
    """The column as a metric definition (N_-marked texts: translated where shown)."""
    unit = UNITS.get(column.kind, "")
    return MetricDefinition(column.key, column.label, unit, column.definition, column.source)


def polygon_values(overview: Overview, column_key: str, polygon_of: pd.DataFrame) -> pd.DataFrame:
    """One value per map polygon. Where kommuner share a polygon (Ålesund and Haram on the
    2020 geometry) counts are added and rates recomputed from the summed counts; a rate
    without numerator (the smoothed rate) is left empty there, never averaged."""
    column = COLUMNS_BY_KEY[column_key]
    frame = overview.kommuner.merge(polygon_of, on="kommunenummer", how="inner")
    rows = []
    for polygon, group in frame.groupby("polygon_id", sort=True):
        names = _(" og ").join(group["name"])
        trend = group["trend"].iloc[0] if len(group) == 1 else None
        if column.numerator and column.denominator:
            num, den = group[column.numerator], group[column.denominator]
            hidden = bool(num.isna().any() or den.isna().any())
            total = float(den.sum())
            value = np.nan if hidden or total <= 0 else column.scale * float(num.sum()) / total
            if column.kind == "share" and column.scale == 100 and column_key != "positivity_7d":
                value = min(value, 100.0) if not np.isnan(value) else value
        elif column.kind == "count":
            hidden = bool(group[column_key].isna().any())
            value = np.nan if hidden else float(group[column_key].sum())
        else:
            hidden = bool(group[column_key].isna().any()) or len(group) > 1
            value = np.nan if hidden else float(group[column_key].iloc[0])
        rows.append(
            {
                "polygon_id": polygon,
                "name": names,
                "kommunenummer": group["kommunenummer"].iloc[0],
                "value": value,
                "trend": trend,
                # grey "skjult": a hidden count, or a registry rate on one
                "withheld": hidden and (column.kind == "count" or column.registered),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- export
# labels of the counts the export writes beside the page's columns
EXPORT_COUNT_LABELS = {
    "cases_prev_7d": N_("Tilfeller 7 d før"),
    "cases_14d": N_("Tilfeller 14 d"),
    "positive_7d": N_("Positive tester 7 d"),
    "vaccinated_d2": N_("Vaksinert dose 2"),
    "vaccinated_d3": N_("Vaksinert dose 3"),
    "cert_valid": N_("Gyldige sertifikat"),
}
TREND_CODES = {k: v for k, v in TREND_WORDS.items() if k}
DATE_FIELD = tabular.Field("date", N_("Dato"), "date")


def _field(column: Column) -> tabular.Field:
    if column.kind in ("rate", "share"):
        return tabular.Field(column.key, column.label, "float", column.decimals + 1)
    if column.kind == "rank":
        return tabular.Field(column.key, column.label, "int")
    if column.kind == "count":
        withholdable = column.key in EXPORT_COUNTS
        return tabular.Field(column.key, column.label, "int", withholdable=withholdable)
    codes = {
        "trend": TREND_CODES,
        "versus_all": VERSUS_LABELS,
        "size_class": {},
    }.get(column.key)
    return tabular.Field(column.key, column.label, "text", codes=codes)


# how many of the last test dates of the windows are not complete (the same on every row)
INCOMPLETE_FIELD = tabular.Field("incomplete_days", N_("Ufullstendige dager"), "int")
INCOMPLETE_DEFINITION = N_(
    "Antall av de siste prøvedatoene i tidsvinduene som ennå ikke er ferdig registrert på "
    "datadatoen (0: alle er komplette). Gjelder kolonnene som teller tilfeller etter "
    "prøvedato: {kolonner}."
)


def export_fields() -> list[tabular.Field]:
    fields = [DATE_FIELD] + [_field(c) for c in OVERVIEW_COLUMNS if c.key != "spark"]
    shown = {f.key for f in fields}
    fields += [
        tabular.Field(key, EXPORT_COUNT_LABELS[key], "int", withholdable=True)
        for key in EXPORT_COUNTS
        if key not in shown
    ]
    # the published count each registry column is built on ("1–4" where hidden)
    fields += [
        tabular.Field(key, indicators.get(key).label, "int", withholdable=True)
        for key in dict.fromkeys(c.numerator for c in REGISTRY_COLUMNS if c.numerator)
        if key not in shown and key in indicators.INDICATORS
    ]
    return [*fields, INCOMPLETE_FIELD]


def _fill(table: tabular.Table, frame: pd.DataFrame, date: dt.date) -> tabular.Table:
    """Rows of ``frame`` into ``table``: a withheld count (flagged, or empty where a count
    is withheld to protect another) is no value plus the row's withheld flag."""
    for record in frame.to_dict("records"):
        hidden = {
            f.key
            for f in table.fields
            if f.withholdable and bool(record.get(f"{f.key}_suppressed"))
        }
        # withheld to protect another cell: no count of 1–4 («skjult» in the flag column)
        protected = {
            f.key
            for f in table.fields
            if f.withholdable and f.key not in hidden and pd.isna(record.get(f.key))
        }
        table.add({**record, "date": date}, hidden, protected)
    return table


def export_table(overview: Overview) -> tabular.Table:
    """The export of the kommuner: every overview column (but the sparkline) and the
    counts of ``EXPORT_COUNTS``, read from the same frame as the page."""
    return _fill(tabular.Table(export_fields()), overview.kommuner, overview.date)


COUNTY_FIELDS = (
    DATE_FIELD,
    tabular.Field("fylkesnummer", N_("Fylkesnr."), "text"),
    tabular.Field("fylkesnavn", N_("Fylke"), "text"),
    tabular.Field("kommuner", N_("Kommuner"), "int"),
    tabular.Field("population", N_("Innbyggere"), "int"),
    *(
        tabular.Field(c.key, c.label, "float", 2)
        for c in OVERVIEW_COLUMNS
        if c.key in ("incidence_7d", "incidence_14d", "positivity_7d", "coverage_d2", "coverage_d3")
    ),
    tabular.Field("cert_share", N_("Sertifikat %"), "float", 2),
    tabular.Field("trend", N_("Trend"), "text", codes=TREND_CODES),
    INCOMPLETE_FIELD,
)


def county_export_table(overview: Overview) -> tabular.Table:
    fields = list(COUNTY_FIELDS) + [
        tabular.Field(
            key,
            COLUMNS_BY_KEY[key].label if key in COLUMNS_BY_KEY else EXPORT_COUNT_LABELS[key],
            "int",
            withholdable=True,
        )
        for key in EXPORT_COUNTS
    ]
    return _fill(tabular.Table(fields), overview.fylker, overview.date)


def _about(overview: Overview) -> str:
    info = overview.info
    source = _(DEMO_SOURCE) if info["is_demo"] else (info.get("source") or _("importerte data"))
    text = _(
        "Kommuneoversikt per {dato} (data per {data_dato}). Kilde: {kilde}. {vern} {metode}",
        vern=published_note(),
        dato=overview.date.isoformat(),
        data_dato=info["data_date"].isoformat(),
        kilde=source,
        metode=_(RANKING_METHOD),
    )
    note = incomplete_note(overview)
    return f"{note} {text}" if note else text


def to_csv(overview: Overview) -> bytes:
    """For Norwegian Excel (``;``, decimal comma, BOM, bokmål headers, flag column)."""
    return tabular.excel_csv(export_table(overview))


def to_machine_csv(overview: Overview) -> bytes:
    """For scripts: English column names, decimal point, ISO dates, withheld flags."""
    return tabular.machine_csv(export_table(overview))


def to_json(overview: Overview) -> bytes:
    payload = {
        "date": overview.date.isoformat(),
        "data_date": overview.info["data_date"].isoformat(),
        "demo": bool(overview.info["is_demo"]),
        "columns": tabular.machine_header(export_table(overview)),
        "kommuner": tabular.machine_records(export_table(overview)),
        "fylker": tabular.machine_records(county_export_table(overview)),
        "incomplete": {
            "days": overview.incomplete_days,
            "from": (
                (overview.date - dt.timedelta(days=overview.incomplete_days - 1)).isoformat()
                if overview.incomplete_days
                else None
            ),
            "columns": [c.key for c in incomplete_columns()],
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def to_excel(overview: Overview) -> bytes:
    """Sheets «Kommuner» and «Fylker» (filters, frozen header, numbers and dates as such)
    and «Om» (the method, each column's definition and source)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        tabular.xlsx_sheet(writer, export_table(overview), _("Kommuner"))
        tabular.xlsx_sheet(writer, county_export_table(overview), _("Fylker"))
        about = [_about(overview)] + [
            _(
                "{kolonne}: {navn} – {definisjon} Kilde: {kilde}.",
                kolonne=c.key,
                navn=_(c.label),
                definisjon=_(c.definition),
                kilde=_(c.source),
            )
            for c in OVERVIEW_COLUMNS
        ]
        about.append(
            _(
                "{kolonne}: {navn} – {definisjon}",
                kolonne=INCOMPLETE_FIELD.key,
                navn=_(INCOMPLETE_FIELD.label),
                definisjon=_(
                    INCOMPLETE_DEFINITION,
                    kolonner=", ".join(_(c.label) for c in incomplete_columns()),
                ),
            )
        )
        formatting.spreadsheet_frame(pd.DataFrame({_("Om tallene"): about})).to_excel(
            writer, sheet_name=_("Om"), index=False
        )
    return buffer.getvalue()


__all__ = [
    "Overview",
    "build_overview",
    "column_metric",
    "county_export_table",
    "county_records",
    "export_table",
    "incomplete_columns",
    "incomplete_note",
    "polygon_values",
    "table_records",
    "to_csv",
    "to_excel",
    "to_json",
    "to_machine_csv",
]
