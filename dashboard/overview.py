"""The Kommuneoversikt as one object: the page, the map and the CSV/Excel export read it the
same way, so an export never shows anything the page would not (same scope, same
protection)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard import formatting
from dashboard.definitions import DEMO_SOURCE, TREND_LABELS, MetricDefinition, published_note
from dashboard.definitions.overview import (
    COLUMNS_BY_KEY,
    EXPORT_COUNTS,
    OVERVIEW_COLUMNS,
    RANKING_METHOD,
    UNITS,
    VERSUS_LABELS,
    Column,
)
from dashboard.i18n import _
from dashboard.metrics import overview as overview_metrics
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
    table["spark"] = table["kommunenummer"].map(overview_metrics.sparklines(weekly, WEEKS))
    signals = signal_queries.signals_on(scope=scope, date=date, series=None)
    per_kommune = signals.groupby("kommunenummer").size().rename("signals")
    table["signals"] = table["kommunenummer"].map(per_kommune).fillna(0).astype("int64")
    return Overview(
        date=date,
        info=info,
        kommuner=table,
        fylker=counties,
        weekly=weekly,
        prior_mean=float(table.attrs.get("prior_mean", np.nan)),
        national_rate=nation,
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
                "cases_7d": formatting.count(r["cases_7d"], suppressed=r["cases_7d_suppressed"]),
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
                "withheld": hidden and column.kind == "count",
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- export
def export_frame(overview: Overview) -> pd.DataFrame:
    """The export table: every overview column plus the counts, withheld counts as "1–4".

    Columns are the keys of ``OVERVIEW_COLUMNS`` (except the sparkline) then the counts of
    ``EXPORT_COUNTS``; numbers are plain (dot decimal) so that spreadsheets read them."""
    frame = overview.kommuner
    out = pd.DataFrame({"dato": overview.date.isoformat()}, index=frame.index)
    for column in OVERVIEW_COLUMNS:
        if column.key == "spark":
            continue
        values = frame[column.key]
        if column.kind == "count":
            out[column.key] = _counts(frame, column.key)
        elif column.kind in ("rate", "share"):
            out[column.key] = values.astype("float64").round(column.decimals + 1)
        elif column.key == "trend":
            out[column.key] = values.map(lambda t: t or "")
        else:
            out[column.key] = values
    for key in EXPORT_COUNTS:
        if key not in out:
            out[key] = _counts(frame, key)
    return out.reset_index(drop=True)


def _counts(frame: pd.DataFrame, key: str) -> pd.Series:
    flags = frame.get(f"{key}_suppressed", pd.Series(False, index=frame.index)).astype(bool)
    values = frame[key]
    return pd.Series(
        [
            # a count of 1–4 reads "1–4"; one withheld to protect another count "skjult"
            formatting.SUPPRESSED
            if hidden
            else (formatting.withheld("rate") if pd.isna(v) else int(v))
            for v, hidden in zip(values, flags, strict=True)
        ],
        index=frame.index,
        dtype=object,
    )


def county_export_frame(overview: Overview) -> pd.DataFrame:
    frame = overview.fylker
    out = pd.DataFrame(
        {
            "dato": overview.date.isoformat(),
            "fylkesnummer": frame["fylkesnummer"],
            "fylkesnavn": frame["fylkesnavn"],
            "kommuner": frame["kommuner"],
            "population": frame["population"],
        }
    )
    for key in (
        "incidence_7d",
        "incidence_14d",
        "positivity_7d",
        "coverage_d2",
        "coverage_d3",
        "cert_share",
    ):
        out[key] = frame[key].astype("float64").round(2)
    out["trend"] = frame["trend"].map(lambda t: t or "")
    for key in EXPORT_COUNTS:
        out[key] = _counts(frame, key)
    return out


def _about(overview: Overview) -> str:
    info = overview.info
    source = _(DEMO_SOURCE) if info["is_demo"] else (info.get("source") or _("importerte data"))
    return _(
        "Kommuneoversikt per {dato} (data per {data_dato}). Kilde: {kilde}. {vern} {metode}",
        vern=published_note(),
        dato=overview.date.isoformat(),
        data_dato=info["data_date"].isoformat(),
        kilde=source,
        metode=_(RANKING_METHOD),
    )


def to_csv(overview: Overview) -> bytes:
    """UTF-8 with BOM (Excel opens Norwegian letters right), semicolon separated."""
    text = formatting.spreadsheet_frame(export_frame(overview)).to_csv(index=False, sep=";")
    return ("\ufeff" + text).encode("utf-8")


def to_excel(overview: Overview) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        # sheet names and the "about" sheet are for people (translated); the column ids of
        # the data sheets are the documented machine layout and stay as they are
        safe = formatting.spreadsheet_frame
        safe(export_frame(overview)).to_excel(writer, sheet_name=_("Kommuner"), index=False)
        safe(county_export_frame(overview)).to_excel(writer, sheet_name=_("Fylker"), index=False)
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
        safe(pd.DataFrame({_("Om tallene"): about})).to_excel(
            writer, sheet_name=_("Om"), index=False
        )
    return buffer.getvalue()


__all__ = [
    "Overview",
    "build_overview",
    "column_metric",
    "county_records",
    "export_frame",
    "polygon_values",
    "table_records",
    "to_csv",
    "to_excel",
]
