"""Numbers from the rules: persons in isolation and in quarantine per kommune and day, from
the cases and the isolation/quarantine parameters in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data.cache import cached
from data.certificate_rules import NONE, epoch_day, persons_within, rule_days
from data.codes import DEFAULT_DISEASE
from data.protection import protect
from data.queries.frames import read_frame
from data.rules.applicability import _all_versions, _place
from data.rules.catalogue import LOOKBACK_DAYS
from data.schema import AggArrivalsDaily, AggCasesDaily
from data.scope import Scope

ScopeLevel = Literal["national", "county", "kommune"]


# --------------------------------------------------------------------------- numbers
def _parameter_days(
    *,
    disease: str,
    kommune: str,
    fylke: str,
    category: str,
    name: str,
    first: dt.date,
    last: dt.date,
) -> tuple[np.ndarray, np.ndarray]:
    """(values, version ids) of one parameter for the kommune on every day first … last."""
    versions = _all_versions(disease=disease)
    laid = rule_days(
        versions[versions["category"] == category],
        first=epoch_day(first),
        last=epoch_day(last),
        kommuner=[kommune],
        fylker=[fylke],
        parameters=[name],
        require=name,
    )
    row = int(laid.kommune_group[0])
    return laid.params[name][row], laid.version[row]


@dataclass(frozen=True)
class _Estimate:
    """What a persons-in estimate counts: the daily ``column`` of ``daily`` (cases, arrivals)
    whose day lies within the days of the rule parameter ``name`` (of ``category``) in force
    on that day."""

    category: str
    name: str
    daily: Any
    column: str


def _persons_in(
    estimate: _Estimate,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None,
    disease: str,
) -> pd.DataFrame:
    name, daily = estimate.name, estimate.daily
    kommune, fylke = _place(scope, kommunenummer)
    assert kommune is not None and fylke is not None
    start = start or date
    lookback = start - dt.timedelta(days=LOOKBACK_DAYS)
    values, ids = _parameter_days(
        disease=disease,
        kommune=kommune,
        fylke=fylke,
        category=estimate.category,
        name=name,
        first=lookback,
        last=date,
    )
    longest = int(values.max(initial=0))
    first = max(lookback, start - dt.timedelta(days=longest))
    offset = (first - lookback).days
    q = (
        select(daily.date, func.sum(getattr(daily, estimate.column)))
        .where(
            daily.disease == disease,
            daily.kommunenummer == kommune,
            daily.date >= first,
            daily.date <= date,
        )
        .group_by(daily.date)
    )
    counts = read_frame(q, ["date", "n"])
    days = pd.date_range(first, date, freq="D")
    per_day = (
        pd.Series(counts["n"].to_numpy(), index=pd.to_datetime(counts["date"]))
        .reindex(days, fill_value=0)
        .to_numpy()
    )
    present = persons_within(per_day, values[offset:])
    keep = days >= pd.Timestamp(start)
    out = pd.DataFrame(
        {
            "date": days[keep],
            "persons": np.rint(present[keep]).astype(np.int64),
            name: values[offset:][keep],
            "rule_version_id": ids[offset:][keep],
        }
    )
    out[name] = out[name].astype("Int64").mask(out[name] == NONE)
    out["rule_version_id"] = out["rule_version_id"].astype("Int64").mask(out["rule_version_id"] < 0)
    return protect(out, scope=scope, counts=["persons"], kommune_column=None, area_code=kommune)


def _case_column_name() -> str:
    from data.queries.cases import CASE_COLUMNS, case_date_basis

    return CASE_COLUMNS[case_date_basis()]


@cached()
def persons_in_isolation(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Estimated persons in isolation in a kommune on ``date`` (or every day from ``start``):
    cases whose test date lies within the isolation period of the isolation rule in force on
    that test date (the most local version with ``isolation_days``; none when the duty was
    lifted). The case counts come from the kommune of registration, by the dataset's case
    date basis (test date; registration date where only that was published).

    Columns: date, persons, persons_suppressed (small-number protection), isolation_days (the
    rule on ``date``; <NA> = no duty), rule_version_id.
    """
    isolation = _Estimate("isolation", "isolation_days", AggCasesDaily, _case_column_name())
    return _persons_in(isolation, scope, kommunenummer, date, start, disease)


@cached()
def persons_in_quarantine(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Estimated persons in entry quarantine (innreisekarantene) in a kommune: arrivals with
    a quarantine requirement whose arrival date lies within ``quarantine_days`` of the entry
    rule in force on the arrival date. (Close-contact quarantine cannot be estimated: the
    data hold no contacts.)

    Columns: date, persons, persons_suppressed, quarantine_days, rule_version_id.
    """
    quarantine = _Estimate("entry", "quarantine_days", AggArrivalsDaily, "quarantine_required")
    return _persons_in(quarantine, scope, kommunenummer, date, start, disease)
