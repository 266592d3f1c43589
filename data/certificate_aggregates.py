"""Certificate status as daily series, derived once per load (and after a certificate rule
change) and stored in ``agg_certificate_series``.

Why series rows: counting persons with a valid certificate on a day is a union of intervals
per person (a person with several valid certificates counts once; "expiring" looks 30 days
ahead), not a sum of events, so it cannot be an ``INSERT … SELECT`` like the other
aggregates. Stored densely per kommune × day × age band it would be ~4 million rows; stored as
one row per (area, age band or rule version, measure) holding the whole daily series (int32,
little-endian, from ``first_date``) it is ~16 000 rows, and one kommune's status on any day is
one indexed read of a dozen short rows.

Definitions (the same as on screen, :mod:`dashboard.definitions.certificates`):

* A certificate is valid on day D when ``valid_from <= D < valid_to``.
* Nested basis sets: ``valid_v`` persons valid under a vaccination certificate, ``valid_vr``
  under vaccination or recovery, ``valid`` under any; differences give the best basis
  (vaccinated > recovered > tested).
* ``expiring_30d``: valid on D, and none of the certificates the person holds on D (issued up to
  D) is still valid on D + 30.
* Age band of a person: vaccination registry (first dose), then cases, then test events, then
  any dose; "ukjent" where found nowhere.
* Rule series (``series`` = ``rule:<id>``, measure ``certificates``): certificates valid on D
  issued under that certificate rule version.

County rows (``area_level`` "fylke", series "total") are a union per person inside the county;
the nation is the sum of the counties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, select
from tqdm import tqdm

from data import rollups
from data.certificate_sources import AGE_SOURCES, BASES, FrameRows, Rows, StoreRows
from data.codes import AGE_BANDS, CURRENT_STRUCTURE
from data.schema import AggCertificateSeries, Certificate, DatasetMeta, Kommune

EXPIRY_DAYS = 30
UNKNOWN_AGE = "ukjent"
TOTAL = "total"
AGE_LABELS: tuple[str, ...] = (*AGE_BANDS, UNKNOWN_AGE)
# Nested sets of bases: persons valid under {V}, {V, R}, {V, R, T}. Differences between them
# give the persons by their best basis.
NESTED = ("valid_v", "valid_vr", "valid")
PERSON_MEASURES = (*NESTED, "expiring_30d")
RULE_MEASURE = "certificates"
RULE_PREFIX = "rule:"
_SHIFT = np.int64(1 << 24)  # > any day span; keeps (group, day) in one sortable int64


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
def _reader(source: Connection | Rows) -> Rows:
    return StoreRows(source) if isinstance(source, Connection) else source


def _certificate_rows(
    reader: Rows, members: tuple[str, ...], disease: str
) -> dict[str, np.ndarray]:
    """Certificates of some kommuner: person, basis (rank in ``BASES``), start and stop (days
    since 1970-01-01) and rule (version id, -1 when unknown)."""
    rows = reader.certificates(members, disease)
    keep = (rows["basis"] < len(BASES)) & (rows["stop"] > rows["start"])
    return {name: values[keep] for name, values in rows.items()}


def _age_labels(
    reader: Rows, kommunenummer: str, rows: dict[str, np.ndarray], disease: str
) -> np.ndarray:
    """Age label (index in ``AGE_LABELS``) per certificate row of one kommune: the person's
    age band from the vaccination registry (first doses), then cases, then test events, then
    any dose; "ukjent" where found nowhere."""
    persons = rows["person"]
    wanted = np.unique(persons)
    known_keys = np.zeros(0, dtype=np.int64)
    known_ages = np.zeros(0, dtype=np.int64)
    # first doses first: one row per vaccinated person, a third of the rows of all doses
    for source in AGE_SOURCES:
        missing = np.setdiff1d(wanted, known_keys, assume_unique=True)
        if not len(missing):
            break
        days = None
        if source == "test_event":
            # left: persons with test certificates only, issued on the sample date
            issued = rows["start"][np.isin(persons, missing)]
            days = (int(issued.min()), int(issued.max()))
        found = reader.ages(source, kommunenummer, disease, days)
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


# --------------------------------------------------------------------------- derivation
def kommune_series(
    source: Connection | Rows, *, kommunenummer: str, end: dt.date, disease: str
) -> dict[str, Any]:
    """Daily counts of one kommune by age label, and per certificate rule version, from the
    store (a connection) or from rows in memory (:mod:`data.certificate_sources`).

    Returns {"first": first day (days since 1970-01-01), "persons": array (PERSON_MEASURES ×
    age label × day), "rule_ids": version ids, "rules": array (version × day)}.
    """
    reader = _reader(source)
    rows = _certificate_rows(reader, (kommunenummer,), disease)
    last = _day_of(end)
    first = int(rows["start"].min()) if len(rows["start"]) else last
    n_days = last - first + 1
    label = _age_labels(reader, kommunenummer, rows, disease)
    nested = _nested(rows, label, n_labels=len(AGE_LABELS), first=first, n_days=n_days)
    known = rows["rule"] >= 0
    rule_ids = np.unique(rows["rule"][known])
    rules = np.zeros((len(rule_ids), n_days + 1), dtype=np.int64)
    if len(rule_ids):
        version = np.searchsorted(rule_ids, rows["rule"][known])
        _add(rules, version, rows["start"][known], rows["stop"][known], first)
    return {
        "first": first,
        "persons": np.stack([nested[k] for k in PERSON_MEASURES]),
        "rule_ids": rule_ids,
        "rules": np.cumsum(rules, axis=1)[:, :n_days],
    }


def fylke_series(
    source: Connection | Rows,
    *,
    members: dict[str, tuple[str, ...]],
    end: dt.date,
    disease: str,
) -> dict[str, Any]:
    """Daily counts per fylke (persons valid under the nested basis sets), a union per person
    inside each fylke. ``members``: fylkesnummer → its kommuner."""
    reader = _reader(source)
    fylker = sorted(members)
    parts, labels = [], []
    for i, fylke in enumerate(fylker):
        part = _certificate_rows(reader, members[fylke], disease)
        parts.append(part)
        labels.append(np.full(len(part["person"]), i, dtype=np.int64))
    rows = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    last = _day_of(end)
    first = int(rows["start"].min()) if len(rows["start"]) else last
    nested = _nested(
        rows, np.concatenate(labels), n_labels=len(fylker), first=first, n_days=last - first + 1
    )
    return {"first": first, "fylker": fylker, "persons": np.stack([nested[k] for k in NESTED])}


# --------------------------------------------------------------------------- storage
def encode(values: np.ndarray) -> bytes:
    """A daily series as stored: int32, little-endian."""
    return np.asarray(values, dtype="<i4").tobytes()


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i4").astype(np.int64)


def _row(
    disease: str, level: str, code: str, series: str, measure: str, first: int, values: Any
) -> dict[str, Any]:
    return {
        "disease": disease,
        "area_level": level,
        "area_code": code,
        "series": series,
        "measure": measure,
        "first_date": _to_date(first),
        "n_days": len(values),
        "counts": encode(values),
    }


def _kommune_rows(code: str, disease: str, daily: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    first, persons = daily["first"], daily["persons"]
    for m, measure in enumerate(PERSON_MEASURES):
        for a, label in enumerate(AGE_LABELS):
            values = persons[m, a]
            if label == UNKNOWN_AGE and not values.any():
                continue
            out.append(_row(disease, "kommune", code, label, measure, first, values))
    for version, values in zip(daily["rule_ids"], daily["rules"], strict=True):
        series = f"{RULE_PREFIX}{int(version)}"
        out.append(_row(disease, "kommune", code, series, RULE_MEASURE, first, values))
    return out


def _end_date(conn: Connection) -> dt.date | None:
    value = conn.execute(
        select(DatasetMeta.value).where(DatasetMeta.key == "data_date")
    ).scalar_one_or_none()
    return dt.date.fromisoformat(value) if value else None


def series_rows(
    reader: Rows,
    *,
    kommuner: list[tuple[str, str]],
    end: dt.date,
    disease: str | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """The series rows of every kommune with certificates and of every county, up to ``end``.
    ``kommuner``: (fylkesnummer, kommunenummer) of the current structure, by kommunenummer."""
    members: dict[str, tuple[str, ...]] = {}
    for fylke, code in kommuner:
        members[fylke] = (*members.get(fylke, ()), code)
    rows: list[dict[str, Any]] = []
    for name in [disease] if disease is not None else reader.diseases():
        present = reader.kommuner(name)
        codes = [code for _, code in kommuner if code in present]
        for code in tqdm(codes, desc="Sertifikatserier", unit="kommune", disable=not progress):
            daily = kommune_series(reader, kommunenummer=code, end=end, disease=name)
            rows += _kommune_rows(code, name, daily)
        if codes:
            county = fylke_series(reader, members=members, end=end, disease=name)
            for i, fylke in enumerate(county["fylker"]):
                for m, measure in enumerate(NESTED):
                    values = county["persons"][m, i]
                    rows.append(_row(name, "fylke", fylke, TOTAL, measure, county["first"], values))
    return rows


def frame_rows(frames: Mapping[str, pd.DataFrame]) -> FrameRows | None:
    """A reader of the frames when they hold every table the series need, else None."""
    needed = ("certificate", "vaccination", "case", "test_event")
    return FrameRows(frames) if all(n in frames for n in needed) else None


def refresh(
    conn: Connection,
    *,
    disease: str | None = None,
    progress: bool = False,
    frames: Mapping[str, pd.DataFrame] | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> int:
    """Rebuild the certificate series (of one disease, or all) inside the caller's transaction,
    up to the data date in ``dataset_meta``. Returns the number of series rows written.

    ``frames``: the event tables just loaded, still in memory (the demo build): the rows are
    then taken from them instead of read back from the store (the same series). ``rows``:
    the series already derived (by :func:`series_rows`, e.g. in another process)."""
    t = AggCertificateSeries
    conn.execute(delete(t) if disease is None else delete(t).where(t.disease == disease))
    end = _end_date(conn)
    if end is None:
        return 0
    if rows is None:
        reader = (frame_rows(frames) if frames is not None else None) or StoreRows(conn)
        rows = series_rows(
            reader, kommuner=current_kommuner(conn), end=end, disease=disease, progress=progress
        )
    for chunk in range(0, len(rows), 2000):
        conn.execute(t.__table__.insert(), rows[chunk : chunk + 2000])  # type: ignore[attr-defined]
    return len(rows)


def current_kommuner(conn: Connection) -> list[tuple[str, str]]:
    """(fylkesnummer, kommunenummer) of the current structure, by kommunenummer."""
    q = (
        select(Kommune.fylkesnummer, Kommune.kommunenummer)
        .where(Kommune.structure == CURRENT_STRUCTURE)
        .order_by(Kommune.kommunenummer)
    )
    return [(str(f), str(k)) for f, k in conn.execute(q).all()]


def ensure(conn: Connection, *, progress: bool = False) -> int:
    """Build the series when certificates exist but no series do (a store loaded before the
    series table existed). Returns the rows written (0 when nothing was missing)."""
    certificates = select(Certificate.person_key)
    if not rollups.derived_missing(conn, certificates, AggCertificateSeries.disease):
        return 0
    return refresh(conn, progress=progress)
