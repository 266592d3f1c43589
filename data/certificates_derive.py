"""Re-derive the ``certificate`` table from vaccinations, cases and tests under the certificate
rule versions stored in ``rule_version``, with the same derivation as the synthetic generator
(:func:`data.certificate_rules.derive_certificates`).

Called by :func:`data.rules.record_rule_version` inside the transaction that records a
certificate rule version. Only periods that start on or after the new version's first day can
change (a period keeps the version in force when it starts, and that version's delay is read
on the event day, which is not later than the start), so only those are read, deleted and
written again. Events are read in chunks as integers (epoch days computed by the database),
so a re-derivation from the start of the certificate era at full scale reads ~10 M rows
without building ~10 M Python date objects.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Integer, case, cast, delete, func, literal, select

from data.certificate_rules import (
    CERTIFICATE_PARAMETERS,
    DOSE_VALIDITY,
    TESTED_MIN_AGE,
    Events,
    RuleDays,
    certificate_rule_days,
    derive_certificates,
    epoch_date,
    epoch_day,
)
from data.codes import AGE_BANDS, CERTIFICATE_BASES, DEFAULT_DISEASE
from data.load import bulk_insert
from data.schema import (
    Case,
    Certificate,
    DatasetMeta,
    Kommune,
    RuleVersion,
    TestEvent,
    Vaccination,
)

FETCH_ROWS = 500_000
REBUILD_INDEX_ROWS = 500_000  # above this many new rows, drop the index and build it again


@dataclass(frozen=True)
class Rederivation:
    since: dt.date | None
    rows_read: int
    rows_deleted: int
    rows_inserted: int
    seconds: float

    def summary(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "rows_read": self.rows_read,
            "rows_deleted": self.rows_deleted,
            "rows_inserted": self.rows_inserted,
            "seconds": round(self.seconds, 2),
        }


def _epoch(conn: Connection, column: Any) -> Any:
    """Days since 1970-01-01 of a date column, computed by the database."""
    if conn.dialect.name == "sqlite":
        return cast(func.julianday(column) - 2440587.5, Integer)
    return column - literal(dt.date(1970, 1, 1))


def _fetch(conn: Connection, query: Any, names: list[str]) -> dict[str, np.ndarray]:
    """Integer columns of a Core query through the DBAPI cursor, in chunks, as int64 arrays
    (no Python date or string objects: the database computes days and kommune keys)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    parts = []
    try:
        cursor.execute(str(compiled))
        while True:
            chunk = cursor.fetchmany(FETCH_ROWS)
            if not chunk:
                break
            parts.append(np.array(chunk, dtype=np.int64).reshape(-1, len(names)))
    finally:
        cursor.close()
    table = np.concatenate(parts) if parts else np.zeros((0, len(names)), dtype=np.int64)
    return {name: table[:, i] for i, name in enumerate(names)}


def _kommune_key(conn: Connection, structure: Any, kommunenummer: Any) -> Any:
    """structure × 10 000 + kommunenummer as one integer (0301 in 2024 → 20240301)."""
    return structure * 10_000 + cast(kommunenummer, Integer)


def _kommuner(conn: Connection) -> tuple[list[tuple[int, str]], list[str]]:
    """(structure, kommunenummer) of every kommune in the store, and their fylkesnummer."""
    rows = conn.execute(
        select(Kommune.structure, Kommune.kommunenummer, Kommune.fylkesnummer).order_by(
            Kommune.structure, Kommune.kommunenummer
        )
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows], [str(r[2]) for r in rows]


def _period(conn: Connection) -> tuple[dt.date, dt.date]:
    meta = dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())
    if "data_date" not in meta:
        raise LookupError("The database has no data yet")
    end = dt.date.fromisoformat(meta["data_date"])
    return dt.date.fromisoformat(meta.get("period_start", meta["data_date"])), end


def _kommune_index(keys: np.ndarray, pairs: list[tuple[int, str]]) -> np.ndarray:
    """Positions in ``pairs`` of integer kommune keys (-1 where unknown)."""
    known = np.array([s * 10_000 + int(c) for s, c in pairs], dtype=np.int64)
    order = np.argsort(known)
    at = np.searchsorted(known[order], keys)
    at = np.clip(at, 0, max(len(known) - 1, 0))
    found = len(known) > 0 and known[order][at] == keys
    return np.where(found, order[at], -1).astype(np.int64)


def _events(
    conn: Connection,
    rules: RuleDays,
    pairs: list[tuple[int, str]],
    *,
    since: int | None,
    disease: str,
) -> tuple[Events, Events, Events, int]:
    """The events that can give a period starting on or after ``since`` (all when None)."""
    opened = int(rules.first + rules.first_in_force().min())
    delays = [rules.params[n] for n in ("vaccinated_delay_days", "recovered_delay_days")]
    max_delay = max(int(np.max(d, initial=0)) for d in delays)
    # a period starts max(event + delay, introduction): from ``since`` on if introduced then
    lower = None if since is None or since <= opened else since - max_delay

    v, c, t = Vaccination, Case, TestEvent
    vq = select(
        v.person_key,
        _kommune_key(conn, v.structure, v.kommunenummer),
        _epoch(conn, v.vaccination_date),
        v.dose_number,
    ).where(v.disease == disease, v.dose_number.in_(list(DOSE_VALIDITY)))
    if lower is not None:
        vq = vq.where(v.vaccination_date >= epoch_date(lower))
    vac = _fetch(conn, vq, ["person", "kommune", "day", "dose"])

    cq = select(
        c.person_key, _kommune_key(conn, c.structure, c.kommunenummer), _epoch(conn, c.test_date)
    ).where(c.disease == disease, c.test_date.is_not(None))
    if lower is not None:
        cq = cq.where(c.test_date >= epoch_date(lower))
    cases = _fetch(conn, cq, ["person", "kommune", "day"])

    issued = np.flatnonzero((rules.params["tested_issued"] == 1).any(axis=0))
    test_columns = ["person", "kommune", "day", "antigen", "age"]
    tests = {n: np.zeros(0, dtype=np.int64) for n in test_columns}
    first_test = rules.first + int(issued[0]) if len(issued) else 0
    if since is not None:
        first_test = max(first_test, since)
    last_test = rules.first + int(issued[-1]) if len(issued) else -1
    if first_test <= last_test:  # test certificates were issued on some day from ``since``
        age = case({band: i for i, band in enumerate(AGE_BANDS)}, value=t.age_band, else_=-1).label(
            "age"
        )
        tq = select(
            t.person_key,
            _kommune_key(conn, t.structure, t.kommunenummer),
            _epoch(conn, t.sample_date),
            case((t.test_type == "antigen", 1), else_=0),
            age,
        ).where(
            t.disease == disease,
            t.positive.is_(False),
            t.sample_date >= epoch_date(first_test),
            t.sample_date <= epoch_date(last_test),
            t.age_band.in_(AGE_BANDS[TESTED_MIN_AGE:]),
        )
        tests = _fetch(conn, tq, test_columns)

    def events(frame: dict[str, np.ndarray], **extra: np.ndarray) -> Events:
        return Events(
            person=frame["person"],
            kommune=_kommune_index(frame["kommune"], pairs),
            day=frame["day"],
            **extra,
        )

    read = len(vac["day"]) + len(cases["day"]) + len(tests["day"])
    return (
        events(vac, dose=vac["dose"]),
        events(cases),
        events(tests, antigen=tests["antigen"].astype(bool), age=tests["age"]),
        read,
    )


def derive_from_store(
    conn: Connection, *, since: dt.date | None = None, disease: str = DEFAULT_DISEASE
) -> tuple[pd.DataFrame, int]:
    """The certificate rows (as the ``certificate`` table, without id) derived from the stored
    events and rule versions, for periods starting on or after ``since``; and rows read."""
    start, end = _period(conn)
    pairs, fylker = _kommuner(conn)
    r = RuleVersion
    names = ["id", "category", "scope_level", "scope_code", "parameters"]
    names += ["valid_from", "valid_to", "recorded_at"]
    versions = pd.DataFrame(
        conn.execute(
            select(*(getattr(r, n) for n in names)).where(
                r.disease == disease, r.category == "certificate"
            )
        ).all(),
        columns=names,
    )
    rules = certificate_rule_days(
        versions,
        first=epoch_day(start),
        last=epoch_day(end),
        kommuner=[code for _s, code in pairs],
        fylker=fylker,
    )
    since_day = epoch_day(since) if since else None
    vac, cases, tests, read = _events(conn, rules, pairs, since=since_day, disease=disease)
    periods = derive_certificates(
        rules, vaccinations=vac, cases=cases, tests=tests, since=since_day
    )
    kommune = np.asarray(periods.kommune, dtype=np.int64)
    structures = np.array([s for s, _c in pairs] + [0], dtype=np.int64)
    codes = np.array([c for _s, c in pairs] + [None], dtype=object)
    frame = pd.DataFrame(
        {
            "disease": disease,
            "structure": structures[kommune],
            "kommunenummer": codes[kommune],
            "person_key": periods.person,
            "basis": pd.Categorical.from_codes(periods.basis, categories=CERTIFICATE_BASES),
            "valid_from": (periods.valid_from.astype("datetime64[D]")).astype("datetime64[ns]"),
            "valid_to": (periods.valid_to.astype("datetime64[D]")).astype("datetime64[ns]"),
            "rule_version_id": periods.rule_version,
        }
    )
    return frame, read


def rederive(
    conn: Connection, *, since: dt.date | None = None, disease: str = DEFAULT_DISEASE
) -> Rederivation:
    """Replace the certificate periods starting on or after ``since`` (all when None) with
    those derived under the stored rule versions, inside the caller's transaction."""
    began = time.perf_counter()
    frame, read = derive_from_store(conn, since=since, disease=disease)
    cert = Certificate
    condition = [cert.disease == disease]
    if since is not None:
        condition.append(cert.valid_from >= since)
    table = Certificate.__table__
    rebuild = len(frame) > REBUILD_INDEX_ROWS
    if rebuild:  # building the index once is cheaper than maintaining it row by row
        for index in table.indexes:  # type: ignore[attr-defined]
            index.drop(conn, checkfirst=True)
    deleted = conn.execute(delete(cert).where(*condition)).rowcount or 0
    inserted = bulk_insert(conn, table, frame)
    if rebuild:
        for index in table.indexes:  # type: ignore[attr-defined]
            index.create(conn)
    return Rederivation(
        since=since,
        rows_read=read,
        rows_deleted=int(deleted),
        rows_inserted=inserted,
        seconds=time.perf_counter() - began,
    )


__all__ = ["CERTIFICATE_PARAMETERS", "Rederivation", "derive_from_store", "rederive"]
