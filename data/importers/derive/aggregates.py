"""The daily kommune aggregates (cases, vaccination doses) from the kommune-level series, in
the 2024 structure, artefacts left out."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.importers.derive.common import (
    ARTEFACT_FLAGS,
    CASE_MEASURES,
    DOSE_MEASURES,
    SERIES_POPULATION,
    TOTAL_AGE,
    frame_of,
)
from data.importers.derive.crosswalk import to_structure
from data.importers.store import insert_rows
from data.schema import (
    AggCasesDaily,
    AggVaccinationDaily,
    ReportedSeries,
)


def kommune_facts(conn: Connection) -> pd.DataFrame:
    """Every kommune-level series value except population, read once for all derivations."""
    frame = frame_of(
        conn,
        select(
            ReportedSeries.structure,
            ReportedSeries.area_code,
            ReportedSeries.date,
            ReportedSeries.measure,
            ReportedSeries.period,
            ReportedSeries.age_band,
            ReportedSeries.value,
            ReportedSeries.quality_flag,
        ).where(
            ReportedSeries.area_level == "kommune",
            ReportedSeries.measure.not_in(["population", SERIES_POPULATION]),
        ),
        ["structure", "code", "date", "measure", "period", "age_band", "value", "flag"],
    )
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    return frame


def _kommune_daily(facts: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    keep = (
        facts["value"].notna()
        & facts["measure"].isin(measures)
        & facts["period"].eq("day")
        & facts["age_band"].eq(TOTAL_AGE)
        & ~facts["flag"].isin(ARTEFACT_FLAGS)
    )
    return facts.loc[keep, ["structure", "code", "date", "measure", "value"]]


def _to_current(frame: pd.DataFrame, cw: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for structure, part in frame.groupby("structure"):
        parts.append(
            to_structure(
                part.drop(columns="structure"),
                source=int(structure),
                target=CURRENT_STRUCTURE,
                values=["value"],
                cw=cw,
            )
        )
    if not parts:
        return frame.drop(columns="structure")
    return pd.concat(parts, ignore_index=True)


def _insert_totals(
    conn: Connection, table: Any, frame: pd.DataFrame, counts: dict[str, str]
) -> None:
    """``frame``'s rows (``code``, ``date`` and the integer columns ``counts`` maps each
    target column to) into the daily aggregate ``table``, as all ages of the default disease."""
    out = pd.DataFrame(
        {
            "kommunenummer": frame["code"].to_numpy(),
            "date": pd.to_datetime(frame["date"]).to_numpy(),
            **{name: frame[column].astype("int64").to_numpy() for name, column in counts.items()},
        }
    )
    constants = {"disease": DEFAULT_DISEASE, "age_band": TOTAL_AGE}
    insert_rows(conn, table.__table__, out, constants=constants)


def derive_cases(conn: Connection, cw: pd.DataFrame, all_facts: pd.DataFrame) -> dict[str, Any]:
    facts = _kommune_daily(all_facts, list(CASE_MEASURES))
    if facts.empty:
        return {}
    current = _to_current(facts, cw)
    wide = current.pivot_table(
        index=["code", "date"], columns="measure", values="value", aggfunc="sum", fill_value=0
    ).reset_index()
    for m in CASE_MEASURES:
        if m not in wide.columns:
            wide[m] = 0
    wide = wide[(wide["cases_by_testdate"] > 0) | (wide["cases_by_regdate"] > 0)]
    _insert_totals(conn, AggCasesDaily, wide, {c: m for m, c in CASE_MEASURES.items()})
    present = sorted(facts["measure"].unique())
    dates = pd.to_datetime(facts["date"])
    return {
        "measures": present,
        "start": dates.min().date(),
        "end": dates.max().date(),
        "structures": sorted(map(int, facts["structure"].unique())),
        "kommune_total": int(current["value"].sum()),
    }


def derive_vaccination(
    conn: Connection, cw: pd.DataFrame, all_facts: pd.DataFrame
) -> dict[str, Any]:
    facts = _kommune_daily(all_facts, list(DOSE_MEASURES))
    if facts.empty:
        return {}
    current = _to_current(facts, cw)
    current["dose_number"] = current["measure"].map(DOSE_MEASURES)
    grouped = current.groupby(["code", "date", "dose_number"], as_index=False)["value"].sum()
    grouped = grouped[grouped["value"] > 0]
    _insert_totals(
        conn, AggVaccinationDaily, grouped, {"dose_number": "dose_number", "doses": "value"}
    )
    return {"measures": sorted(facts["measure"].unique())}
