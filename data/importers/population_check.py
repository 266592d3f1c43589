"""Counts checked against the store's SSB population, for files without a population column.

A file with its own population (``pop_jan1_n``, ``pop``) is checked against it while it is
parsed (:meth:`data.importers.base.Validator.against_population`). A file without one, a
national or county series for instance, names in ``parsed.extra["population_check"]`` the
column of each measure; its values are checked here against the population of 1 January
that the imported SSB table gives the row's area (kommune, fylke as the sum of its kommuner,
the nation as the sum of all) in the file's structure, the row's year or else the nearest
year: a day's or week's persons cannot reach the population, doses cannot exceed it by more
than :data:`~data.importers.base.DOSE_FACTOR`. A failing row is rejected with its line, field,
value and reason like any other, so a swapped column is caught in these files too. Without
SSB population in the store the check cannot be made, and the run says so (a flag).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data.importers.base import DOSE_FACTOR, Flag, Parsed
from data.schema import Kommune, ReportedSeries

FACTOR_NB = "antall personer < befolkningen; doser ≤ befolkningen × {factor}"


def store_population(conn: Connection, structure: int) -> pd.DataFrame:
    """level, code, year, population: SSB's population of 1 January by kommune, fylke and
    nation in ``structure`` (empty when no SSB table of that structure is imported)."""
    rs = ReportedSeries
    rows = pd.DataFrame(
        conn.execute(
            select(rs.area_code, rs.date, rs.value).where(
                rs.measure == "population",
                rs.area_level == "kommune",
                rs.period == "year",
                rs.structure == structure,
            )
        ).all(),
        columns=["code", "date", "value"],
    )
    if rows.empty:
        return pd.DataFrame(columns=["level", "code", "year", "population"])
    rows["year"] = pd.to_datetime(rows["date"]).dt.year
    kommune = rows.groupby(["code", "year"], as_index=False)["value"].sum()
    fylke_of = dict(
        conn.execute(
            select(Kommune.kommunenummer, Kommune.fylkesnummer).where(
                Kommune.structure == structure
            )
        ).all()
    )
    fylke = (
        kommune.assign(code=kommune["code"].map(fylke_of))
        .dropna(subset=["code"])
        .groupby(["code", "year"], as_index=False)["value"]
        .sum()
    )
    nation = kommune.groupby("year", as_index=False)["value"].sum().assign(code="NO")
    out = pd.concat(
        [
            kommune.assign(level="kommune"),
            fylke.assign(level="fylke"),
            nation.assign(level="nation"),
        ],
        ignore_index=True,
    )
    return out.rename(columns={"value": "population"})[["level", "code", "year", "population"]]


def _column(facts: pd.DataFrame, name: str, constants: dict[str, object]) -> np.ndarray:
    if name in facts.columns:
        return facts[name].astype(str).to_numpy(dtype=object)
    return np.full(len(facts), str(constants.get(name, "")), dtype=object)


def against_store(conn: Connection, parsed: Parsed) -> None:
    """Reject the rows of ``parsed`` whose counts the store's population rules out (only for
    files that name ``population_check``); updates facts, rejections and counts in place."""
    check: dict[str, tuple[str, bool]] = parsed.extra.get("population_check") or {}
    facts = parsed.facts.get("reported_series")
    if not check or facts is None or facts.empty or parsed.structure is None:
        return
    population = store_population(conn, parsed.structure)
    if population.empty:
        parsed.flags.append(
            Flag(
                "population_unchecked",
                severity="warning",
                detail={"structure": parsed.structure},
            )
        )
        return
    constants = parsed.extra.get("constants", {})
    measure = facts["measure"].astype(str).to_numpy(dtype=object)
    checked = np.isin(measure, list(check)) & facts["value"].notna().to_numpy()
    if not checked.any():
        return
    keys = pd.DataFrame(
        {
            "level": _column(facts, "area_level", constants),
            "code": _column(facts, "area_code", constants),
            "year": pd.to_datetime(facts["date"]).dt.year.to_numpy(),
        }
    )
    wanted = keys[checked].drop_duplicates()
    # the row's year, else the nearest year with a population
    found = pd.merge_asof(
        wanted.sort_values("year"),
        population.sort_values("year").astype({"year": wanted["year"].dtype}),
        on="year",
        by=["level", "code"],
        direction="nearest",
    )
    pop = keys.merge(found, on=["level", "code", "year"], how="left")["population"].to_numpy(
        dtype="float64"
    )
    values = facts["value"].to_numpy(dtype="float64")
    doses = np.array([check.get(m, ("", False))[1] for m in measure], dtype=bool)
    known = checked & np.isfinite(pop) & (pop > 0)
    over = known & np.where(doses, values > pop * DOSE_FACTOR, values >= pop)
    if not over.any():
        return
    lines = facts["line"].to_numpy()
    fields = np.array([check[m][0] for m in measure[over]], dtype=object)
    rejected = pd.DataFrame(
        {"line": lines[over], "field": fields, "value": values[over], "measure": measure[over]}
    ).drop_duplicates(["line", "field"])
    for field, part in rejected.groupby("field", sort=False):
        parsed.rejects.add(
            np.ones(len(part), dtype=bool),
            part["line"].to_numpy(),
            str(field),
            part["value"].map(lambda x: f"{x:.0f}").to_numpy(),
            "exceeds_population",
        )
    bad_lines = np.unique(rejected["line"].to_numpy())
    keep = ~np.isin(lines, bad_lines)
    parsed.facts["reported_series"] = facts[keep].reset_index(drop=True)
    if parsed.loaded_lines is not None:
        still = ~np.isin(parsed.loaded_lines, bad_lines)
        parsed.rows_loaded -= int((~still).sum())
        parsed.loaded_lines = parsed.loaded_lines[still]
    else:
        parsed.rows_loaded -= len(bad_lines)
    parsed.detail["population_checked_against"] = "SSB"
