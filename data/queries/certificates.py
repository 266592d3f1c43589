"""Certificate status (koronasertifikat): residents with a valid certificate on a date, by
basis and age band, certificates about to expire, and the rule versions behind them.

Definitions (shown on screen through ``dashboard.definitions.certificates``):

* A certificate is valid on day D when ``valid_from <= D < valid_to``: ``valid_to`` is the
  first day it no longer applies (a 72-hour test certificate from day d has valid_to d + 3).
* A person with several valid certificates counts once. "By basis" takes the best basis the
  person holds on D in the order vaccinated > recovered > tested.
* Expiring within 30 days: valid on D, and none of the certificates the person holds on D
  (issued up to D) is still valid on D + 30.
* The age band of a person comes from the vaccination, case or test registry (in that order);
  the certificate table carries none.

The daily counts are derived once per load (and after a certificate rule change) by
:mod:`data.certificate_aggregates` and stored as whole daily series; the reads here take one
kommune's or the counties' rows. The public functions apply the scope and small-number
protection on every call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from data import db
from data.cache import cached
from data.certificate_aggregates import (
    AGE_LABELS,
    BASES,
    EXPIRY_DAYS,
    NESTED,
    PERSON_MEASURES,
    RULE_MEASURE,
    RULE_PREFIX,
    TOTAL,
    UNKNOWN_AGE,
    decode,
)
from data.codes import AGE_BANDS, DEFAULT_DISEASE
from data.protection import protect, protect_area
from data.queries.cases import dataset_info
from data.queries.frames import AreaLevel, area_kommuner, read_frame
from data.queries.population import _population_table
from data.rules import rules_in_force
from data.schema import AggCertificateSeries, RuleVersion
from data.scope import Scope

STATUS_COUNTS = ["valid", "vaccinated", "recovered", "tested", "expiring_30d"]
SERIES_COUNTS = ["valid", "vaccinated", "recovered", "tested"]
LONG_TIMEOUT = 24 * 3600  # the data version is in every key: a load never serves stale counts


# --------------------------------------------------------------------------- stored series
def _day_of(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - dt.date(1970, 1, 1)).days


def _to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _stored(
    *, disease: str, level: str, codes: tuple[str, ...] | None
) -> list[tuple[str, str, str, int, np.ndarray]]:
    """Stored series rows: (area_code, series, measure, first day, values)."""
    t = AggCertificateSeries
    q = select(t.area_code, t.series, t.measure, t.first_date, t.counts).where(
        t.disease == disease, t.area_level == level
    )
    if codes is not None:
        q = q.where(t.area_code.in_(codes))
    with db.engine().connect() as conn:
        rows = conn.execute(q).all()
    return [
        (str(code), str(series), str(measure), _day_of(_as_date(first)), decode(counts))
        for code, series, measure, first, counts in rows
    ]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _grid(rows: list[tuple[str, str, str, int, np.ndarray]], end: dt.date) -> tuple[int, int]:
    """The first day and number of days that hold every row (up to ``end``)."""
    last = _day_of(end)
    first = min((r[3] for r in rows), default=last)
    return first, last - first + 1


def _place(target: np.ndarray, first: int, row_first: int, values: np.ndarray) -> None:
    offset = row_first - first
    n = max(0, min(len(values), target.shape[-1] - offset))
    target[..., offset : offset + n] = values[:n]


@cached(timeout=LONG_TIMEOUT)
def _kommune_daily(*, kommunenummer: str, end: dt.date, disease: str) -> dict[str, Any]:
    """Unprotected daily counts of one kommune by age band, from the stored series, cached
    without the scope.

    Only called by the public functions below after they have applied the scope. Returns
    {"first": first day, "persons": array (NESTED + expiring, age label, day),
    "rule_ids": version ids, "rules": array (version, day) of valid certificates}.
    """
    rows = _stored(disease=disease, level="kommune", codes=(kommunenummer,))
    first, n_days = _grid(rows, end)
    persons = np.zeros((len(PERSON_MEASURES), len(AGE_LABELS), n_days), dtype=np.int64)
    rule_rows = sorted(
        (int(series[len(RULE_PREFIX) :]), row_first, values)
        for _, series, measure, row_first, values in rows
        if measure == RULE_MEASURE
    )
    rules = np.zeros((len(rule_rows), n_days), dtype=np.int64)
    for _, series, measure, row_first, values in rows:
        if measure in PERSON_MEASURES and series in AGE_LABELS:
            target = persons[PERSON_MEASURES.index(measure), AGE_LABELS.index(series)]
            _place(target, first, row_first, values)
    for i, (_, row_first, values) in enumerate(rule_rows):
        _place(rules[i], first, row_first, values)
    return {
        "first": first,
        "persons": persons,
        "rule_ids": np.array([r[0] for r in rule_rows], dtype=np.int64),
        "rules": rules,
    }


@cached(timeout=LONG_TIMEOUT)
def _fylke_daily(*, end: dt.date, disease: str) -> dict[str, Any]:
    """Unprotected daily counts per fylke (persons valid under the nested basis sets, a union
    per person inside the fylke), from the stored series. Cached without the scope
    (aggregates only)."""
    rows = _stored(disease=disease, level="fylke", codes=None)
    first, n_days = _grid(rows, end)
    fylker = sorted({r[0] for r in rows})
    persons = np.zeros((len(NESTED), len(fylker), n_days), dtype=np.int64)
    for code, _, measure, row_first, values in rows:
        if measure in NESTED:
            target = persons[NESTED.index(measure), fylker.index(code)]
            _place(target, first, row_first, values)
    return {"first": first, "fylker": fylker, "persons": persons}


# --------------------------------------------------------------------------- population
def _population(*, members: tuple[str, ...] | None) -> pd.DataFrame:
    """Residents on 1 January: index year, columns age bands (the vaccination queries' table,
    read once per data version)."""
    return _population_table(members=members)


def _population_on(members: list[str] | None, dates: list[dt.date]) -> pd.DataFrame:
    table = _population(members=None if members is None else tuple(sorted(members)))
    years = [min(max(d.year, int(table.index.min())), int(table.index.max())) for d in dates]
    out = table.loc[years].reset_index(drop=True)
    out.insert(0, "year", years)
    return out


def _day_index(first: int, n_days: int, date: dt.date) -> int | None:
    day = _day_of(date) - first
    return day if 0 <= day < n_days else None


def _by_basis(nested: np.ndarray) -> dict[str, np.ndarray]:
    """Persons by best basis from the nested counts (axis 0: valid_v, valid_vr, valid)."""
    return {
        "valid": nested[2],
        "vaccinated": nested[0],
        "recovered": nested[1] - nested[0],
        "tested": nested[2] - nested[1],
    }


# --------------------------------------------------------------------------- public reads
@cached()
def certificate_status(
    *, scope: Scope, kommunenummer: str, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Residents of one kommune with a valid certificate on ``date``, by age band.

    One row per age band (``AGE_BANDS``, plus "ukjent" if any person has no known age band)
    and a last row "total". Columns: age_band, population (1 January of the date's year; 0 for
    "ukjent"), population_year, valid (persons, counted once), vaccinated / recovered / tested
    (persons by best basis; they add up to valid), expiring_30d, and ``<column>_suppressed``.
    """
    allowed = scope.restrict([kommunenummer])
    info = dataset_info(scope=scope)
    daily = _kommune_daily(kommunenummer=kommunenummer, end=info["data_date"], disease=disease)
    persons = daily["persons"]
    at = _day_index(daily["first"], persons.shape[2], date)
    values = np.zeros((persons.shape[0], len(AGE_LABELS)), dtype=np.int64)
    if at is not None:
        values = persons[:, :, at]
    basis = _by_basis(values[:3])
    frame = pd.DataFrame({"age_band": list(AGE_LABELS)})
    for column in SERIES_COUNTS:
        frame[column] = basis[column]
    frame["expiring_30d"] = values[3]
    pop = _population_on(allowed, [date])
    frame["population"] = [int(pop.iloc[0][b]) if b in AGE_BANDS else 0 for b in AGE_LABELS]
    frame["population_year"] = int(pop.iloc[0]["year"])
    if frame.loc[frame["age_band"] == UNKNOWN_AGE, STATUS_COUNTS].to_numpy().sum() == 0:
        frame = frame[frame["age_band"] != UNKNOWN_AGE]
    total = frame[[*STATUS_COUNTS, "population"]].sum().to_frame().T
    total.insert(0, "age_band", TOTAL)
    total["population_year"] = frame["population_year"].iloc[0]
    # The total is published beside the age bands, each protected alike; the bases add up to
    # "valid" in each row.
    parts = [
        protect(
            part, scope=scope, counts=STATUS_COUNTS, kommune_column=None, area_code=kommunenummer
        )
        for part in (frame, total)
    ]
    out = pd.concat(parts, ignore_index=True)
    for column in ("population", "population_year"):
        out[column] = out[column].astype("int64")
    return out


def _series_dates(first: int, start: dt.date, end: dt.date, step_days: int) -> list[dt.date]:
    """``end``, ``end - step``, … back to ``start`` (and not before the first certificate)."""
    floor = max(start, _to_date(first))
    dates = []
    day = end
    while day >= floor:
        dates.append(day)
        day -= dt.timedelta(days=step_days)
    return sorted(dates)


@cached()
def certificate_series(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    step_days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Persons with a valid certificate in one area (kommune, fylke or nation) on ``end`` and
    every ``step_days`` days before it, back to ``start`` or the first certificate.

    Columns: date, population (1 January of each date's year), valid, vaccinated, recovered,
    tested, and ``<column>_suppressed``.
    """
    members = area_kommuner(scope, level, code)
    info = dataset_info(scope=scope)
    if level == "kommune":
        assert code is not None
        daily = _kommune_daily(kommunenummer=code, end=info["data_date"], disease=disease)
        nested = daily["persons"][:3].sum(axis=1)  # over age bands
    else:
        daily = _fylke_daily(end=info["data_date"], disease=disease)
        persons = daily["persons"]
        if level == "fylke":
            fylker = daily["fylker"]
            nested = (
                persons[:, fylker.index(code), :]
                if code in fylker
                else np.zeros(persons.shape[::2], dtype=np.int64)
            )
        else:
            nested = persons.sum(axis=1)
    first, n_days = daily["first"], nested.shape[1]
    dates = _series_dates(first, start, min(end, info["data_date"]), step_days)
    index = [_day_index(first, n_days, d) for d in dates]
    basis = _by_basis(nested)
    out = pd.DataFrame({"date": pd.to_datetime(dates)})
    for column in SERIES_COUNTS:
        out[column] = [0 if i is None else int(basis[column][i]) for i in index]
    pop = _population_on(members, dates)
    out["population"] = pop[list(AGE_BANDS)].sum(axis=1).to_numpy(dtype=np.int64)
    return protect_area(out, scope=scope, level=level, code=code, counts=SERIES_COUNTS)


@cached()
def certificate_rule_versions(
    *, scope: Scope, kommunenummer: str, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """The rule versions under which the certificates valid on ``date`` in one kommune were
    issued (``certificate.rule_version_id``), with the number of such certificates.

    Columns: id, certificates, certificates_suppressed, rule_key, text_nb, parameters (dict),
    authority, source_url, valid_from, valid_to.
    """
    scope.restrict([kommunenummer])
    info = dataset_info(scope=scope)
    daily = _kommune_daily(kommunenummer=kommunenummer, end=info["data_date"], disease=disease)
    rules = daily["rules"]
    at = _day_index(daily["first"], rules.shape[1], date)
    counts = rules[:, at] if at is not None else np.zeros(len(daily["rule_ids"]), dtype=np.int64)
    used = pd.DataFrame({"id": daily["rule_ids"], "certificates": counts})
    used = used[used["certificates"] > 0]
    r = RuleVersion
    columns = ["id", "rule_key", "text_nb", "parameters", "authority", "source_url"]
    columns += ["valid_from", "valid_to"]
    ids = [int(i) for i in used["id"]]
    versions = read_frame(select(*(getattr(r, c) for c in columns)).where(r.id.in_(ids)), columns)
    out = used.merge(versions, on="id", how="left").sort_values("valid_from")
    out = protect(
        out.reset_index(drop=True),
        scope=scope,
        counts=["certificates"],
        kommune_column=None,
        area_code=kommunenummer,
    )
    return out


def certificate_rules_in_force(
    *, scope: Scope, kommunenummer: str, date: dt.date, disease: str | None = None
) -> pd.DataFrame:
    """The certificate rule version(s) in force on ``date`` for a kommune (most local wins),
    from the rules registry. Columns as :func:`data.rules.rules_in_force`. ``disease``: None
    for the chosen one (:func:`data.db.chosen_disease`)."""
    chosen = {} if disease is None else {"disease": disease}
    return rules_in_force(
        scope=scope, kommunenummer=kommunenummer, date=date, category="certificate", **chosen
    )


__all__ = [
    "BASES",
    "EXPIRY_DAYS",
    "TOTAL",
    "UNKNOWN_AGE",
    "certificate_rule_versions",
    "certificate_rules_in_force",
    "certificate_series",
    "certificate_status",
]
