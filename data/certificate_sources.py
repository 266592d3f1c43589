"""Where the certificate series (:mod:`data.certificate_aggregates`) read their rows: the store
(``StoreRows``, every refresh after an import or a rule change) or the event frames a bulk load
still holds in memory (``FrameRows``, the demo build: millions of rows need not be read back).

Both answer the same questions with the same integer arrays, so the derivation is written
once; ``tests/test_build_paths.py`` checks that the two give the same series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Integer, case, cast, func, literal, select

from data.codes import AGE_BANDS
from data.schema import Case, Certificate, TestEvent, Vaccination

BASES: tuple[str, ...] = ("vaccinated", "recovered", "tested")  # precedence, best first
# the person tables asked for an age band, in the order they are asked
AGE_SOURCES = ("first_dose", "case", "test_event", "vaccination")


def _to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


# --------------------------------------------------------------------------- the store
def _day_number(conn: Connection, column: Any) -> Any:
    """Days since 1970-01-01 of a date column, computed by the database."""
    if conn.dialect.name == "postgresql":
        return column - literal(dt.date(1970, 1, 1))
    return cast(func.julianday(column) - 2440587.5, Integer)


def _integers(conn: Connection, query: Any, names: list[str]) -> dict[str, np.ndarray]:
    """Rows of an all-integer query as int64 arrays, fetched from the DBAPI cursor (no row
    objects: several times faster for the hundreds of thousands of rows read here)."""
    result = conn.execute(query)
    raw = result.cursor.fetchall() if result.cursor is not None else []
    table = np.array(raw, dtype=np.int64).reshape(len(raw), len(names))
    return {name: table[:, i] for i, name in enumerate(names)}


def _rank(column: Any, values: tuple[str, ...]) -> Any:
    """Position of a text value in ``values`` (len(values) when absent), as an integer."""
    return case(*((column == v, i) for i, v in enumerate(values)), else_=len(values))


class StoreRows:
    """Rows read from the store (each read through its (disease, kommunenummer, date) index)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def diseases(self) -> list[str]:
        return [str(d) for d in self.conn.execute(select(Certificate.disease).distinct()).scalars()]

    def kommuner(self, disease: str) -> set[str]:
        c = Certificate
        q = select(c.kommunenummer).where(c.disease == disease).distinct()
        return {str(k) for k in self.conn.execute(q).scalars()}

    def certificates(self, members: tuple[str, ...], disease: str) -> dict[str, np.ndarray]:
        """person, basis (rank in ``BASES``), start, stop (days since 1970-01-01), rule (version
        id, -1 when unknown) of the certificates of some kommuner."""
        c = Certificate
        q = select(
            c.person_key,
            _rank(c.basis, BASES),
            _day_number(self.conn, c.valid_from),
            _day_number(self.conn, c.valid_to),
            func.coalesce(c.rule_version_id, -1),
        ).where(c.disease == disease, c.kommunenummer.in_(members))
        return _integers(self.conn, q, ["person", "basis", "start", "stop", "rule"])

    def ages(
        self, source: str, kommunenummer: str, disease: str, days: tuple[int, int] | None
    ) -> dict[str, np.ndarray]:
        """person and age (rank in ``AGE_BANDS``) of the rows of one of ``AGE_SOURCES`` in one
        kommune (test events: sampled within ``days``, first and last day)."""
        table: Any = {
            "first_dose": Vaccination,
            "case": Case,
            "test_event": TestEvent,
            "vaccination": Vaccination,
        }[source]
        q = select(table.person_key, _rank(table.age_band, AGE_BANDS)).where(
            table.disease == disease, table.kommunenummer == kommunenummer
        )
        if source == "first_dose":
            q = q.where(Vaccination.dose_number == 1)
        if source == "test_event" and days is not None:
            day = TestEvent.sample_date
            q = q.where(day >= _to_date(days[0]), day <= _to_date(days[1]))
        return _integers(self.conn, q, ["person", "age"])


# --------------------------------------------------------------------------- frames
def _codes(series: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """Rank in ``values`` of each value of a column (len(values) when absent or NULL)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        lookup = np.array(
            [values.index(c) if c in values else len(values) for c in series.cat.categories]
            + [len(values)],
            dtype=np.int64,
        )
        return lookup[series.cat.codes.to_numpy()]
    rank = {v: i for i, v in enumerate(values)}
    return np.array([rank.get(v, len(values)) for v in series], dtype=np.int64)


def _days(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).to_numpy().astype("datetime64[D]").astype(np.int64)


class _ByKommune:
    """Integer columns of one frame, grouped by disease and kommune for sliced reads (rows of
    a group keep their order in the frame)."""

    def __init__(self, frame: pd.DataFrame, columns: dict[str, np.ndarray]) -> None:
        disease = frame["disease"].astype("category")
        kommune = frame["kommunenummer"].astype("category")
        self.diseases = [str(d) for d in disease.cat.categories]
        self.kommune_codes = {str(k): i for i, k in enumerate(kommune.cat.categories)}
        self.width = len(self.kommune_codes) + 1  # code 0: no kommune
        key = disease.cat.codes.to_numpy().astype(np.int64) * self.width
        key += kommune.cat.codes.to_numpy().astype(np.int64) + 1
        order = np.argsort(key, kind="stable")
        self.columns = {name: values[order] for name, values in columns.items()}
        self.groups, self.starts = np.unique(key[order], return_index=True)
        self.ends = np.r_[self.starts[1:], len(key)]

    def _key(self, disease: str, kommunenummer: str) -> int | None:
        if disease not in self.diseases or kommunenummer not in self.kommune_codes:
            return None
        return self.diseases.index(disease) * self.width + self.kommune_codes[kommunenummer] + 1

    def rows(self, disease: str, kommunenummer: str) -> dict[str, np.ndarray]:
        key = self._key(disease, kommunenummer)
        at = int(np.searchsorted(self.groups, key)) if key is not None else len(self.groups)
        if at < len(self.groups) and self.groups[at] == key:
            part = slice(int(self.starts[at]), int(self.ends[at]))
        else:
            part = slice(0, 0)
        return {name: values[part] for name, values in self.columns.items()}

    def kommuner(self, disease: str) -> set[str]:
        present = set(self.groups.tolist())
        return {k for k in self.kommune_codes if self._key(disease, k) in present}


class FrameRows:
    """The same rows from the event frames of a bulk load (``certificate``, ``vaccination``,
    ``case``, ``test_event``), as the store would return them once they are loaded."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        c = frames["certificate"]
        rule = c["rule_version_id"]
        self._certificates = _ByKommune(
            c,
            {
                "person": c["person_key"].to_numpy(dtype=np.int64),
                "basis": _codes(c["basis"], BASES),
                "start": _days(c["valid_from"]),
                "stop": _days(c["valid_to"]),
                "rule": rule.fillna(-1).to_numpy(dtype=np.int64),
            },
        )
        self._diseases = sorted({str(d) for d in c["disease"].unique()})
        v = frames["vaccination"]
        first = v[v["dose_number"] == 1]
        self._ages = {
            "first_dose": self._people(first),
            "case": self._people(frames["case"]),
            "test_event": self._people(frames["test_event"], "sample_date"),
            "vaccination": self._people(v),
        }

    @staticmethod
    def _people(frame: pd.DataFrame, day: str | None = None) -> _ByKommune:
        columns = {
            "person": frame["person_key"].to_numpy(dtype=np.int64),
            "age": _codes(frame["age_band"], AGE_BANDS),
        }
        if day is not None:
            columns["day"] = _days(frame[day])
        return _ByKommune(frame, columns)

    def diseases(self) -> list[str]:
        return list(self._diseases)

    def kommuner(self, disease: str) -> set[str]:
        return self._certificates.kommuner(disease)

    def certificates(self, members: tuple[str, ...], disease: str) -> dict[str, np.ndarray]:
        parts = [self._certificates.rows(disease, k) for k in members]
        return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}

    def ages(
        self, source: str, kommunenummer: str, disease: str, days: tuple[int, int] | None
    ) -> dict[str, np.ndarray]:
        rows = self._ages[source].rows(disease, kommunenummer)
        if source == "test_event" and days is not None:
            keep = (rows["day"] >= days[0]) & (rows["day"] <= days[1])
            rows = {name: values[keep] for name, values in rows.items()}
        return {"person": rows["person"], "age": rows["age"]}


Rows = StoreRows | FrameRows

__all__ = ["AGE_SOURCES", "BASES", "FrameRows", "Rows", "StoreRows"]
