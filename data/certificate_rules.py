"""Rule versions laid out over days, and the certificate periods they produce.

Pure numpy/pandas, no SQL: the synthetic generator (:mod:`data.synthetic.certificates`) and the
re-derivation after a certificate rule is recorded (:mod:`data.certificates_derive`) both call
:func:`derive_certificates`, so that there is one derivation, not two.

Days are integers: days since 1970-01-01 ("epoch days").

Which version applies on a day for a kommune: among the versions in force that day (and that
carry the parameter asked for), the most local one (kommune over county over national); within
one level the one that started last, then the one recorded last.

The certificate rules, as the demo data and the dashboard read them:

* A certificate period is issued under the certificate rule version in force on the day it
  starts, and keeps that version's validity (``certificate.rule_version_id``).
* Vaccinated: dose 2 (``vaccinated_valid_days``) and dose 3 (``booster_valid_days``) each give a
  period that starts ``vaccinated_delay_days`` after the dose (the delay of the version in force
  on the day of the dose) and ends the validity after the dose; doses given before certificates
  existed give a period from the day they were introduced.
* Recovered: the same from a case's test date (``recovered_delay_days``,
  ``recovered_valid_days``).
* Tested: while ``tested_issued`` is set, a share of the negative tests of adults (16 % at
  18–44 years, 8 % from 45) is used for a certificate, valid ``tested_pcr_valid_hours`` or
  ``tested_antigen_valid_hours`` from the test day, rounded up to whole days. Which tests is
  decided by a hash of person key and day, so the choice is the same wherever it is derived.
* The period is ``valid_from <= day < valid_to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, CERTIFICATE_BASES

EPOCH = dt.date(1970, 1, 1)
LEVEL_RANK = {"national": 0, "county": 1, "kommune": 2}
NONE = -1  # a parameter that is not set (None), or no version in force

CERTIFICATE_PARAMETERS: tuple[str, ...] = (
    "vaccinated_delay_days",
    "vaccinated_valid_days",
    "booster_valid_days",
    "recovered_delay_days",
    "recovered_valid_days",
    "tested_pcr_valid_hours",
    "tested_antigen_valid_hours",
    "tested_issued",
)
VACCINATED, RECOVERED, TESTED = (
    CERTIFICATE_BASES.index(b) for b in ("vaccinated", "recovered", "tested")
)
DOSE_VALIDITY = {2: "vaccinated_valid_days", 3: "booster_valid_days"}
TESTED_MIN_AGE = AGE_BANDS.index("18-24")
TESTED_YOUNG_MAX_AGE = AGE_BANDS.index("40-44")
TESTED_SHARE_YOUNG = 0.16
TESTED_SHARE_OLDER = 0.08


def epoch_day(value: dt.date | str) -> int:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return (value - EPOCH).days


def epoch_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def epoch_days(values: pd.Series | np.ndarray | Sequence) -> np.ndarray:
    """Dates (datetime64, ISO strings or date objects) → epoch days; missing → a far future."""
    parsed = pd.to_datetime(pd.Series(values), format="ISO8601")
    out = parsed.to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(parsed.isna().to_numpy(), np.int64(10**7), out)


# --------------------------------------------------------------------------- rule days
@dataclass(frozen=True)
class RuleDays:
    """The rule version in force and its parameters on every day, per kommune group.

    Row 0 is the national picture; kommuner with county or local versions get their own row
    (``kommune_group`` maps the caller's kommune codes to rows; its last entry, used for
    unknown codes -1, is row 0). ``params`` hold integers: booleans as 0/1, ``NONE`` where the
    parameter is not set or no version is in force.
    """

    first: int
    version: np.ndarray  # G × n_days version id, NONE = none in force
    params: dict[str, np.ndarray]  # G × n_days
    kommune_group: np.ndarray  # caller's kommune index → row (last entry: unknown → 0)

    @property
    def n_days(self) -> int:
        return int(self.version.shape[1])

    @property
    def last(self) -> int:
        return self.first + self.n_days - 1

    def first_in_force(self) -> np.ndarray:
        """Per row: the first day index with a version in force (n_days when never)."""
        has = self.version >= 0
        return np.where(has.any(axis=1), has.argmax(axis=1), self.n_days)

    def value(self, name: str, group: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Parameter values for (row, epoch day) pairs; days outside the range are clipped."""
        index = np.clip(np.asarray(day, dtype=np.int64) - self.first, 0, self.n_days - 1)
        return self.params[name][group, index]

    def version_at(self, group: np.ndarray, day: np.ndarray) -> np.ndarray:
        index = np.clip(np.asarray(day, dtype=np.int64) - self.first, 0, self.n_days - 1)
        return self.version[group, index]


def _as_int(value: object) -> int:
    if value is None or isinstance(value, str):
        return NONE
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return NONE if not np.isfinite(value) else int(value)
    return NONE


def rule_days(
    versions: pd.DataFrame,
    *,
    first: int,
    last: int,
    kommuner: Sequence[str],
    fylker: Sequence[str],
    parameters: Sequence[str],
    require: str | None = None,
) -> RuleDays:
    """Lay rule versions out over the days ``first`` … ``last`` (epoch days, inclusive).

    ``versions`` has the columns of ``rule_version`` (at least id, scope_level, scope_code,
    parameters, valid_from, valid_to; recorded_at if present). Only versions whose parameters
    contain ``require`` take part (all when ``None``). ``kommuner`` and ``fylker`` are the
    caller's kommune codes (by position) and their counties.
    """
    n_days = int(last - first + 1)
    if require is not None and len(versions):
        versions = versions[versions["parameters"].map(lambda p: require in (p or {}))]
    v = versions.reset_index(drop=True)
    n = len(v)
    start = epoch_days(v["valid_from"]) - first if n else np.zeros(0, np.int64)
    end = epoch_days(v["valid_to"]) - first if n else np.zeros(0, np.int64)
    rank = v["scope_level"].map(LEVEL_RANK).fillna(0).to_numpy() if n else np.zeros(0)
    recorded = (
        pd.to_datetime(v["recorded_at"]).fillna(pd.Timestamp(0)).to_numpy()
        if n and "recorded_at" in v
        else np.zeros(n, dtype="datetime64[ns]")
    )
    # painted in this order, later overwrites earlier: national → county → kommune, and
    # within a level by start, then by recording time
    order: Sequence[int] = (
        np.lexsort((v["id"].to_numpy(), recorded, start, rank)).tolist() if n else []
    )
    levels = v["scope_level"].to_numpy() if n else np.array([])
    codes = v["scope_code"].fillna("").astype(str).to_numpy() if n else np.array([])

    def paint(row: np.ndarray, which: np.ndarray) -> None:
        for i in order:
            if not which[i]:
                continue
            a, b = max(int(start[i]), 0), min(int(end[i]), n_days - 1)
            if a <= b:
                row[a : b + 1] = i

    national = np.full(n_days, NONE, dtype=np.int64)
    paint(national, levels == "national")
    rows = [national]
    kommune_group = np.zeros(len(kommuner) + 1, dtype=np.int64)
    county_codes = set(codes[levels == "county"])
    local_codes = set(codes[levels == "kommune"])
    for position, (kommune, fylke) in enumerate(zip(kommuner, fylker, strict=True)):
        if kommune not in local_codes and fylke not in county_codes:
            continue
        row = national.copy()
        paint(row, (levels == "county") & (codes == fylke))
        paint(row, (levels == "kommune") & (codes == kommune))
        kommune_group[position] = len(rows)
        rows.append(row)
    positions = np.vstack(rows)
    ids = np.append(v["id"].to_numpy(dtype=np.int64) if n else [], NONE).astype(np.int64)
    params: dict[str, np.ndarray] = {}
    for name in parameters:
        values = [_as_int((p or {}).get(name)) for p in (v["parameters"] if n else [])]
        column = np.append(np.array(values, dtype=np.int64), NONE)
        params[name] = column[positions]  # position NONE (-1) reads the sentinel at the end
    return RuleDays(
        first=int(first), version=ids[positions], params=params, kommune_group=kommune_group
    )


def persons_within(counts: np.ndarray, durations: np.ndarray) -> np.ndarray:
    """Persons counted on day t stay for ``durations[t]`` days (t … t + d - 1); how many are
    there on each day. ``durations`` ≤ 0 (or ``NONE``) means they are not counted at all."""
    counts = np.asarray(counts, dtype=np.float64)
    d = np.asarray(durations, dtype=np.int64)
    n = len(counts)
    diff = np.zeros(n + 1)
    keep = (d > 0) & np.isfinite(counts)
    days = np.flatnonzero(keep)
    np.add.at(diff, days, counts[keep])
    np.add.at(diff, np.minimum(days + d[keep], n), -counts[keep])
    return np.cumsum(diff)[:n]


# --------------------------------------------------------------------------- certificates
@dataclass(frozen=True)
class Events:
    """Events that may give a certificate. ``kommune`` is the caller's kommune index (-1 =
    unknown), carried through to the output; ``day`` in epoch days."""

    person: np.ndarray  # int64 person key
    kommune: np.ndarray
    day: np.ndarray
    dose: np.ndarray | None = None  # vaccinations: dose number
    antigen: np.ndarray | None = None  # tests: antigen (else PCR)
    age: np.ndarray | None = None  # tests: index into AGE_BANDS
    positive: np.ndarray | None = None  # tests: positive (never a certificate)

    def take(self, rows: np.ndarray) -> Events:
        values: dict[str, Any] = {
            name: None if getattr(self, name) is None else getattr(self, name)[rows]
            for name in self.__dataclass_fields__
        }
        return Events(**values)


@dataclass(frozen=True)
class CertificatePeriods:
    person: np.ndarray
    kommune: np.ndarray
    basis: np.ndarray  # int8 index into CERTIFICATE_BASES
    valid_from: np.ndarray  # epoch days
    valid_to: np.ndarray  # epoch days, first day no longer valid
    rule_version: np.ndarray  # int64 rule_version.id

    def __len__(self) -> int:
        return len(self.person)


def certificate_rule_days(
    versions: pd.DataFrame,
    *,
    first: int,
    last: int,
    kommuner: Sequence[str],
    fylker: Sequence[str],
) -> RuleDays:
    """The certificate rule versions (category ``certificate``) over the days."""
    certificate = versions[versions["category"] == "certificate"]
    return rule_days(
        certificate,
        first=first,
        last=last,
        kommuner=kommuner,
        fylker=fylker,
        parameters=CERTIFICATE_PARAMETERS,
        require="vaccinated_valid_days",
    )


def uniform_hash(person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """A number in [0, 1) fixed by (person key, epoch day): splitmix64 of both."""
    with np.errstate(over="ignore"):
        x = np.asarray(person, dtype=np.int64).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x = x + np.asarray(day, dtype=np.int64).astype(np.uint64) * np.uint64(0xD1B54A32D192ED03)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _empty() -> tuple[np.ndarray, ...]:
    z = np.zeros(0, dtype=np.int64)
    return z, z, np.zeros(0, dtype=np.int8), z, z, z


def derive_certificates(
    rules: RuleDays,
    *,
    vaccinations: Events,
    cases: Events,
    tests: Events,
    since: int | None = None,
) -> CertificatePeriods:
    """Certificate periods under the certificate rule versions in ``rules``.

    Periods starting after ``rules.last`` are left out; with ``since`` (epoch day) only the
    periods starting on or after it are returned (the others cannot have changed when the
    rules changed from ``since`` on).
    """
    opened = rules.first_in_force()
    parts: list[tuple[np.ndarray, ...]] = []

    def issue(events: Events, basis: int, delay_name: str, valid_name: str) -> None:
        group = rules.kommune_group[events.kommune]
        event = events.day.astype(np.int64)
        introduced = rules.first + opened[group]
        # the delay of the version in force on the event (or when certificates came)
        delay = np.maximum(rules.value(delay_name, group, np.maximum(event, introduced)), 0)
        start = np.maximum(event + delay, introduced)
        version = rules.version_at(group, start)
        valid = rules.value(valid_name, group, start)  # validity of the version at start
        end = event + valid
        ok = (start <= rules.last) & (version >= 0) & (valid > 0) & (end > start)
        if since is not None:
            ok &= start >= since
        rows = np.flatnonzero(ok)
        parts.append(
            (
                events.person[rows],
                events.kommune[rows],
                np.full(len(rows), basis, np.int8),
                start[rows],
                end[rows],
                version[rows],
            )
        )

    if vaccinations.dose is None:
        raise ValueError("vaccinations need dose numbers")
    for dose, valid_name in DOSE_VALIDITY.items():
        given = vaccinations.take(np.flatnonzero(vaccinations.dose == dose))
        issue(given, VACCINATED, "vaccinated_delay_days", valid_name)
    issue(cases, RECOVERED, "recovered_delay_days", "recovered_valid_days")
    parts.append(_tested(rules, tests, since))
    fields = [np.concatenate([part[i] for part in parts]) for i in range(6)]
    order = np.lexsort((fields[1], fields[3]))
    person, kommune, basis, start, end, version = (f[order] for f in fields)
    return CertificatePeriods(
        person.astype(np.int64),
        kommune,
        basis.astype(np.int8),
        start.astype(np.int64),
        end.astype(np.int64),
        version.astype(np.int64),
    )


def _tested(rules: RuleDays, tests: Events, since: int | None) -> tuple[np.ndarray, ...]:
    if not len(tests.day):
        return _empty()
    if tests.age is None or tests.antigen is None:
        raise ValueError("tests need age bands and test types")
    day = tests.day.astype(np.int64)
    group = rules.kommune_group[tests.kommune]
    inside = (day >= rules.first) & (day <= rules.last)
    issued = (rules.value("tested_issued", group, day) == 1) & inside
    issued &= rules.version_at(group, day) >= 0
    candidate = issued & (tests.age >= TESTED_MIN_AGE)
    if tests.positive is not None:
        candidate &= ~tests.positive.astype(bool)
    if since is not None:
        candidate &= day >= since
    rows = np.flatnonzero(candidate)
    share = np.where(
        tests.age[rows] <= TESTED_YOUNG_MAX_AGE, TESTED_SHARE_YOUNG, TESTED_SHARE_OLDER
    )
    rows = rows[uniform_hash(tests.person[rows], day[rows]) < share]
    hours = np.where(
        tests.antigen[rows].astype(bool),
        rules.value("tested_antigen_valid_hours", group[rows], day[rows]),
        rules.value("tested_pcr_valid_hours", group[rows], day[rows]),
    )
    rows, hours = rows[hours > 0], hours[hours > 0]
    end = day[rows] + np.ceil(hours / 24.0).astype(np.int64)
    return (
        tests.person[rows],
        tests.kommune[rows],
        np.full(len(rows), TESTED, np.int8),
        day[rows],
        end,
        rules.version_at(group[rows], day[rows]),
    )
