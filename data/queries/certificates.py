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

There is no aggregate table for certificates yet. The daily counts are derived here from the
certificate rows, one kommune at a time through the (disease, kommunenummer, valid_from)
index, and cached per data version; county and national series come from one pass over all
certificates, also cached. The public functions apply the scope and small-number protection
on every call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Integer, case, cast, func, literal, select

from data import db
from data.cache import cached
from data.codes import AGE_BANDS, CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.protection import protect
from data.queries.arrivals import _hide_partition, rules_in_force
from data.queries.cases import AreaLevel, _area_kommuner, _frame, dataset_info
from data.schema import Case, Certificate, Kommune, Population, RuleVersion, TestEvent, Vaccination
from data.scope import Scope

BASES: tuple[str, ...] = ("vaccinated", "recovered", "tested")  # precedence, best first
EXPIRY_DAYS = 30
UNKNOWN_AGE = "ukjent"
TOTAL = "total"
AGE_LABELS: tuple[str, ...] = (*AGE_BANDS, UNKNOWN_AGE)
# Nested sets of bases: persons valid under {V}, {V, R}, {V, R, T}. Differences between them
# give the persons by their best basis.
NESTED = ("valid_v", "valid_vr", "valid")
STATUS_COUNTS = ["valid", "vaccinated", "recovered", "tested", "expiring_30d"]
SERIES_COUNTS = ["valid", "vaccinated", "recovered", "tested"]
_SHIFT = np.int64(1 << 24)  # > any day span; keeps (group, day) in one sortable int64
LONG_TIMEOUT = 24 * 3600  # the data version is in every key: a load never serves stale counts


# --------------------------------------------------------------------------- pure helpers
def _day_of(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - dt.date(1970, 1, 1)).days


def _to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _add(diff: np.ndarray, label: np.ndarray, lo: np.ndarray, hi: np.ndarray, first: int) -> None:
    """Add +1 on every day of [lo, hi) to row ``label`` of a difference array (clipped)."""
    n_days = diff.shape[1] - 1
    a = np.clip(lo - first, 0, n_days)
    b = np.clip(hi - first, 0, n_days)
    keep = b > a
    width = diff.shape[1]
    size = diff.size
    diff.reshape(-1)[:] += np.bincount(label[keep] * width + a[keep], minlength=size)
    diff.reshape(-1)[:] -= np.bincount(label[keep] * width + b[keep], minlength=size)


def _spells(
    person: np.ndarray, label: np.ndarray, start: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, ...]:
    """For intervals sorted by (label, person, start): the start of each person's running
    union ("spell"), the furthest end reached so far, and where spells begin and end."""
    new_group = np.r_[True, (person[1:] != person[:-1]) | (label[1:] != label[:-1])]
    group = np.cumsum(new_group) - 1
    base = int(start.min())
    # running maximum of stop within each person: the group number dominates the key
    key = group * _SHIFT + (stop - base)
    reach = np.maximum.accumulate(key) - group * _SHIFT + base
    before = np.r_[base - 1, reach[:-1]]
    new_spell = new_group | (start > before)
    is_last = np.r_[new_spell[1:], True]
    return reach, new_spell, is_last


def _coverage(
    person: np.ndarray,
    label: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    *,
    n_labels: int,
    first: int,
    n_days: int,
    expiring: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Persons covered on each day by the union of their [start, stop) intervals.

    The arrays must be sorted by (label, person, start); ``label`` (age band, fylke …) must
    be constant per person. Returns the counts per label and day (n_labels × n_days) and, if
    asked, the persons whose cover on that day ends within ``EXPIRY_DAYS``, counting only
    intervals that have started by then.
    """
    valid = np.zeros((n_labels, n_days + 1), dtype=np.int64)
    soon = np.zeros((n_labels, n_days + 1), dtype=np.int64) if expiring else None
    if len(person):
        reach, new_spell, is_last = _spells(person, label, start, stop)
        lo_idx = np.flatnonzero(new_spell)
        hi_idx = np.flatnonzero(is_last)
        _add(valid, label[lo_idx], start[lo_idx], reach[hi_idx], first)
        if soon is not None:
            # between two starts the furthest end known so far is ``reach``: the person is
            # "expiring" from reach - EXPIRY_DAYS on, until the next start or the end
            seg_hi = np.where(is_last, reach, np.r_[start[1:], 0])
            seg_lo = np.maximum(start, reach - EXPIRY_DAYS)
            _add(soon, label, seg_lo, seg_hi, first)
    counts = np.cumsum(valid, axis=1)[:, :n_days]
    soon_counts = None if soon is None else np.cumsum(soon, axis=1)[:, :n_days]
    return counts, soon_counts


def _nested(
    rows: dict[str, np.ndarray], label: np.ndarray, *, n_labels: int, first: int, n_days: int
) -> dict[str, np.ndarray]:
    """Counts for the nested basis sets (see ``NESTED``) and the expiring persons.

    ``rows``: person, basis (rank), start, stop arrays; ``label`` per row.
    """
    order = np.lexsort((rows["start"], rows["person"], label))
    person, basis = rows["person"][order], rows["basis"][order]
    start, stop, lab = rows["start"][order], rows["stop"][order], label[order]
    out: dict[str, np.ndarray] = {}
    for name, top in zip(NESTED, (0, 1, 2), strict=True):
        keep = basis <= top  # a subset of sorted rows stays sorted
        counts, soon = _coverage(
            person[keep],
            lab[keep],
            start[keep],
            stop[keep],
            n_labels=n_labels,
            first=first,
            n_days=n_days,
            expiring=name == "valid",
        )
        out[name] = counts
        if soon is not None:
            out["expiring_30d"] = soon
    return out


# --------------------------------------------------------------------------- raw reads
def _day_number(column: Any) -> Any:
    """Days since 1970-01-01 of a date column, computed by the database."""
    if db.engine().dialect.name == "postgresql":
        return column - literal(dt.date(1970, 1, 1))
    return cast(func.julianday(column) - 2440587.5, Integer)


def _integers(query: Any, names: list[str]) -> dict[str, np.ndarray]:
    """Rows of an all-integer query as int64 arrays, fetched from the DBAPI cursor (no row
    objects: several times faster for the hundreds of thousands of rows read here)."""
    with db.engine().connect() as conn:
        result = conn.execute(query)
        raw = result.cursor.fetchall() if result.cursor is not None else []
    table = np.array(raw, dtype=np.int64).reshape(len(raw), len(names))
    return {name: table[:, i] for i, name in enumerate(names)}


def _rank(column: Any, values: tuple[str, ...]) -> Any:
    """Position of a text value in ``values`` (len(values) when absent), as an integer."""
    return case(*((column == v, i) for i, v in enumerate(values)), else_=len(values))


def _certificate_rows(members: tuple[str, ...], disease: str) -> dict[str, np.ndarray]:
    """Certificates of some kommuner: person, basis (rank in ``BASES``), start and stop (days
    since 1970-01-01) and rule (version id, -1 when unknown)."""
    c = Certificate
    q = select(
        c.person_key,
        _rank(c.basis, BASES),
        _day_number(c.valid_from),
        _day_number(c.valid_to),
        func.coalesce(c.rule_version_id, -1),
    ).where(c.disease == disease, c.kommunenummer.in_(members))
    rows = _integers(q, ["person", "basis", "start", "stop", "rule"])
    keep = (rows["basis"] < len(BASES)) & (rows["stop"] > rows["start"])
    return {name: values[keep] for name, values in rows.items()}


def _age_labels(kommunenummer: str, rows: dict[str, np.ndarray], disease: str) -> np.ndarray:
    """Age label (index in ``AGE_LABELS``) per certificate row of one kommune: the person's
    age band from the vaccination registry (first doses), then cases, then test events, then
    any dose (each read through its (disease, kommunenummer, date) index); "ukjent" where
    found nowhere."""
    persons = rows["person"]
    wanted = np.unique(persons)
    known_keys = np.zeros(0, dtype=np.int64)
    known_ages = np.zeros(0, dtype=np.int64)
    # first doses first: one row per vaccinated person, a third of the rows of all doses
    sources: tuple[tuple[Any, Any], ...] = (
        (Vaccination, Vaccination.dose_number == 1),
        (Case, None),
        (TestEvent, None),
        (Vaccination, None),
    )
    for table, condition in sources:
        missing = np.setdiff1d(wanted, known_keys, assume_unique=True)
        if not len(missing):
            break
        q = select(table.person_key, _rank(table.age_band, AGE_BANDS)).where(
            table.disease == disease, table.kommunenummer == kommunenummer
        )
        if condition is not None:
            q = q.where(condition)
        if table is TestEvent:
            day = TestEvent.sample_date
            # left: persons with test certificates only, issued on the sample date
            days = rows["start"][np.isin(persons, missing)]
            q = q.where(day >= _to_date(days.min()), day <= _to_date(days.max()))
        found = _integers(q, ["person", "age"])
        hit = np.isin(found["person"], missing) & (found["age"] < len(AGE_BANDS))
        keys, index = np.unique(found["person"][hit], return_index=True)
        known_keys = np.concatenate([known_keys, keys])
        known_ages = np.concatenate([known_ages, found["age"][hit][index]])
    order = np.argsort(known_keys)
    known_keys, known_ages = known_keys[order], known_ages[order]
    at = np.clip(np.searchsorted(known_keys, persons), 0, max(len(known_keys) - 1, 0))
    label = np.full(len(persons), AGE_LABELS.index(UNKNOWN_AGE), dtype=np.int64)
    if len(known_keys):
        match = known_keys[at] == persons
        label[match] = known_ages[at[match]]
    return label


# --------------------------------------------------------------------------- derived daily
@cached(timeout=LONG_TIMEOUT)
def _kommune_daily(*, kommunenummer: str, end: dt.date, disease: str) -> dict[str, Any]:
    """Unprotected daily counts of one kommune by age band, cached without the scope.

    Only called by the public functions below after they have applied the scope. Returns
    {"first": first day, "persons": array (NESTED + expiring, age label, day),
    "rule_ids": version ids, "rules": array (version, day) of valid certificates}.
    """
    rows = _certificate_rows((kommunenummer,), disease)
    last = _day_of(end)
    first = int(rows["start"].min()) if len(rows["start"]) else last
    n_days = last - first + 1
    label = _age_labels(kommunenummer, rows, disease)
    nested = _nested(rows, label, n_labels=len(AGE_LABELS), first=first, n_days=n_days)
    known = rows["rule"] >= 0
    rule_ids = np.unique(rows["rule"][known])
    rules = np.zeros((len(rule_ids), n_days + 1), dtype=np.int64)
    if len(rule_ids):
        version = np.searchsorted(rule_ids, rows["rule"][known])
        _add(rules, version, rows["start"][known], rows["stop"][known], first)
    return {
        "first": first,
        "persons": np.stack([nested[k] for k in (*NESTED, "expiring_30d")]),
        "rule_ids": rule_ids,
        "rules": np.cumsum(rules, axis=1)[:, :n_days],
    }


@cached(timeout=LONG_TIMEOUT)
def _fylke_daily(*, end: dt.date, disease: str) -> dict[str, Any]:
    """Unprotected daily counts per fylke (persons valid under the nested basis sets), from one
    pass over every certificate, one fylke at a time. Cached without the scope (aggregates
    only)."""
    members = _frame(
        select(Kommune.fylkesnummer, Kommune.kommunenummer).where(
            Kommune.structure == CURRENT_STRUCTURE
        ),
        ["fylkesnummer", "kommunenummer"],
    )
    fylker = sorted(members["fylkesnummer"].unique())
    parts, labels = [], []
    for i, fylke in enumerate(fylker):
        codes = tuple(sorted(members.loc[members["fylkesnummer"] == fylke, "kommunenummer"]))
        part = _certificate_rows(codes, disease)
        parts.append(part)
        labels.append(np.full(len(part["person"]), i, dtype=np.int64))
    rows = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    last = _day_of(end)
    first = int(rows["start"].min()) if len(rows["start"]) else last
    nested = _nested(
        rows,
        np.concatenate(labels),
        n_labels=len(fylker),
        first=first,
        n_days=last - first + 1,
    )
    return {
        "first": first,
        "fylker": fylker,
        "persons": np.stack([nested[k] for k in NESTED]),
    }


# --------------------------------------------------------------------------- population
@cached()
def _population(*, members: tuple[str, ...] | None) -> pd.DataFrame:
    """Residents on 1 January: index year, columns age bands."""
    q = (
        select(Population.year, Population.age_band, func.sum(Population.population))
        .where(Population.structure == CURRENT_STRUCTURE)
        .group_by(Population.year, Population.age_band)
    )
    if members is not None:
        q = q.where(Population.kommunenummer.in_(members))
    frame = _frame(q, ["year", "age_band", "population"])
    if frame.empty:
        raise LookupError("No population data loaded")
    table = frame.pivot(index="year", columns="age_band", values="population")
    return table.reindex(columns=list(AGE_BANDS)).fillna(0).astype("int64")


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
    # The total is published beside the age bands; the bases add up to "valid" in each row.
    bands = protect(
        frame.reset_index(drop=True),
        scope=scope,
        counts=STATUS_COUNTS,
        kommune_column=None,
        area_code=kommunenummer,
        secondary_groups=[None],
    )
    bands = _hide_partition(bands, ["vaccinated", "recovered", "tested"])
    total = protect(
        total, scope=scope, counts=STATUS_COUNTS, kommune_column=None, area_code=kommunenummer
    )
    total = _hide_partition(total, ["vaccinated", "recovered", "tested"])
    out = pd.concat([bands, total], ignore_index=True)
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
    members = _area_kommuner(scope, level, code)
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
    out = protect(
        out,
        scope=scope,
        counts=SERIES_COUNTS,
        kommune_column=None,
        area_code=code if level == "kommune" else None,
    )
    return _hide_partition(out, ["vaccinated", "recovered", "tested"])


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
    versions = _frame(select(*(getattr(r, c) for c in columns)).where(r.id.in_(ids)), columns)
    out = used.merge(versions, on="id", how="left").sort_values("valid_from")
    out = protect(
        out.reset_index(drop=True),
        scope=scope,
        counts=["certificates"],
        kommune_column=None,
        area_code=kommunenummer,
        secondary_groups=[None],
    )
    return out


def certificate_rules_in_force(
    *,
    scope: Scope,
    kommunenummer: str,
    fylkesnummer: str,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """The certificate rule version(s) in force on ``date`` for a kommune (most local wins).
    Columns as :func:`data.queries.arrivals.rules_in_force`."""
    return rules_in_force(
        scope=scope,
        kommunenummer=kommunenummer,
        fylkesnummer=fylkesnummer,
        date=date,
        category="certificate",
        disease=disease,
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
