"""National comparison series imported from ERVISS (ECDC/WHO Europe): Norway's weekly
sentinel positivity for the chosen disease, beside a kommune's own numbers.

Which ERVISS series is a disease's comparison is declared as data (:data:`SENTINEL_POSITIVITY`:
our disease code → the ERVISS pathogen); a disease without one (the new pathogen) has none.
A week ERVISS did not report is a row with an empty value inside the series' span (see
:mod:`data.importers.erviss`): it stays empty here ("ikke rapportert"), never zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select

from data import db
from data.cache import cached
from data.importers import erviss
from data.importers.base import NATION_CODE
from data.queries.frames import read_frame
from data.schema import ReportedSeries, ReportedSpan

# our disease code (data.codes.DISEASES) -> the ERVISS pathogen whose sentinel positivity
# is its national comparison
SENTINEL_POSITIVITY = {"covid19": "SARS-CoV-2", "influensa": "Influenza", "rsv": "RSV"}
SENTINEL_MEASURE = f"{erviss.SURVEILLANCE['primary care sentinel']}_positivity"
SOURCE_LABEL = erviss.SOURCE_LABEL
SUNDAY = 6


def sentinel_disease(disease: str) -> str | None:
    """The ``disease`` the ERVISS importer stores ``disease``'s sentinel series under."""
    pathogen = SENTINEL_POSITIVITY.get(disease)
    return None if pathogen is None else erviss.DISEASES[pathogen]


def _series(table: Any, stored: str) -> list[Any]:
    """The conditions of Norway's all-ages weekly sentinel positivity of ``stored``."""
    return [
        table.disease == stored,
        table.measure == SENTINEL_MEASURE,
        table.area_level == "nation",
        table.area_code == NATION_CODE,
        table.period == "week",
        table.age_band == "total",
        table.sex == "T",
    ]


@cached()
def sentinel_positivity(
    *, start: dt.date, end: dt.date, disease: str | None = None
) -> pd.DataFrame:
    """Norway's weekly primary-care sentinel positivity (%) for ``disease`` (the request's
    chosen disease by default) as ERVISS published it, for the weeks ending in
    [start, end] inside the series' span. Columns: date (the Sunday ending the ISO week),
    positivity (NaN where the week was not reported). The store keeps a series' zeros as
    weeks without a row inside its span (:class:`~data.schema.ReportedSpan`): they come back
    as 0 here. Empty where the store holds no such series."""
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "positivity": []})
    stored = sentinel_disease(disease or db.chosen_disease())
    if stored is None:
        return empty
    spans = read_frame(
        select(ReportedSpan.first_date, ReportedSpan.last_date)
        .where(*_series(ReportedSpan, stored))
        .order_by(ReportedSpan.import_id.desc())
        .limit(1),
        ["first", "last"],
    )
    if spans.empty:
        return empty
    first = max(pd.Timestamp(spans["first"].iloc[0]), pd.Timestamp(start))
    last = min(pd.Timestamp(spans["last"].iloc[0]), pd.Timestamp(end))
    if first > last:
        return empty
    rows = read_frame(
        select(ReportedSeries.date, ReportedSeries.value).where(
            *_series(ReportedSeries, stored),
            ReportedSeries.date >= first.date(),
            ReportedSeries.date <= last.date(),
        ),
        ["date", "value"],
    )
    values = pd.Series(
        pd.to_numeric(rows["value"], errors="coerce").to_numpy("float64"),
        index=pd.to_datetime(rows["date"]),
    )
    first += pd.Timedelta(days=(SUNDAY - first.day_of_week) % 7)  # a week ends on Sunday
    weeks = pd.date_range(first, last, freq="7D")
    stored_weeks = values.index.intersection(weeks)
    positivity = pd.Series(0.0, index=weeks)  # no row: a published zero
    positivity[stored_weeks] = values[stored_weeks]  # NaN: not reported
    return pd.DataFrame({"date": weeks, "positivity": positivity.to_numpy("float64")})
