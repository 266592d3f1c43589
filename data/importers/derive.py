"""Derive what the dashboard reads from the imported facts, after every import.

* ``population``: SSB single-year counts → the app's age bands, for both structures. A year
  published in one structure is translated to the other through the crosswalk (2020 → 2024
  splits 1507 into 1508 and 1580 with weight 0.5; 2024 → 2020 is an exact sum). Years between
  published years carry the latest published year before them forward (said in dataset_meta
  and flagged), so that "population on 1 January of the date's year" always exists.
* ``agg_cases_daily`` and ``agg_vaccination_daily`` from the kommune-level daily series, in the
  2024 structure. Counts of a split kommune are allocated with weights and rounded so that the
  parts add up to the whole (1508 gets the odd one). Values with a quality flag that marks them
  as artefacts (the re-registration spike) are left out. Series with no kommune-level data
  (tests, hospital, arrivals) leave their aggregate empty: the pages must say "not available"
  (see :func:`data.queries.sources.available_series`), not zero.
* ``dataset_meta``: data date and period, ``is_demo=false``, the date basis of the kommune case
  series, which series exist, the sources and their dates, and how codes were translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, delete, func, select

from data import certificate_aggregates, page_tables, rollups
from data.codes import AGE_BAND_LOWER, AGE_BANDS, CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.importers.base import Flag
from data.importers.store import insert_rows, store_flags
from data.load import bump_data_version, set_meta
from data.schema import (
    AGGREGATE_TABLES,
    AggCasesDaily,
    AggVaccinationDaily,
    BoundarySet,
    DatasetMeta,
    ImportRun,
    KommuneCrosswalk,
    Population,
    QualityFlag,
    ReportedCoverage,
    ReportedSeries,
)
from geo import reference

TOTAL_AGE = "total"
ARTEFACT_FLAGS = ("reregistration_spike",)
CASE_MEASURES = {"cases_by_testdate": "cases_by_testdate", "cases_by_regdate": "cases_by_regdate"}
DOSE_MEASURES = {f"doses_by_regdate_{d}": d for d in (1, 2, 3, 4)}
SERIES_POPULATION = "population_jan1"  # a case series' own population column (covidnor)


def _frame(conn: Connection, query: Any, columns: list[str]) -> pd.DataFrame:
    """Rows of ``query`` as a DataFrame, fetched as plain DBAPI tuples (dates stay ISO text on
    SQLite): building a million SQLAlchemy rows would cost more than the whole import."""
    result = conn.execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


# --------------------------------------------------------------------------- crosswalk
def crosswalk(conn: Connection | None = None) -> pd.DataFrame:
    """Columns old (2020), new (2024), weight; from the store when loaded, else built in."""
    if conn is not None:
        rows = conn.execute(
            select(
                KommuneCrosswalk.from_kommunenummer,
                KommuneCrosswalk.to_kommunenummer,
                KommuneCrosswalk.weight,
            ).where(
                and_(KommuneCrosswalk.from_structure == 2020, KommuneCrosswalk.to_structure == 2024)
            )
        ).all()
        if rows:
            return pd.DataFrame(rows, columns=["old", "new", "weight"])
    cw = reference.crosswalk_2020_2024()
    return cw.rename(columns={"kommunenummer_2020": "old", "kommunenummer_2024": "new"})


def to_structure(
    frame: pd.DataFrame,
    *,
    source: int,
    target: int,
    values: list[str],
    cw: pd.DataFrame,
    code: str = "code",
) -> pd.DataFrame:
    """Translate kommune-coded counts between the 2020 and 2024 structures.

    2020 → 2024 follows the crosswalk; a split (weight < 1) allocates integer counts so that
    the parts sum to the original (cumulative rounding). 2024 → 2020 sums merged codes.
    Other columns are kept as keys; rows are not aggregated further.
    """
    if source == target or frame.empty:
        return frame.copy()
    if (source, target) == (2020, 2024):
        table = cw.sort_values(["old", "new"]).copy()
        table["hi"] = table.groupby("old")["weight"].cumsum()
        table["lo"] = table["hi"] - table["weight"]
        out = frame.merge(table, left_on=code, right_on="old", how="inner")
        for column in values:
            v = out[column].astype("float64")
            out[column] = np.floor(out["hi"] * v + 0.5) - np.floor(out["lo"] * v + 0.5)
        out[code] = out["new"]
        return out.drop(columns=["old", "new", "weight", "hi", "lo"])
    if (source, target) == (2024, 2020):
        table = cw[["old", "new"]].drop_duplicates("new")
        out = frame.merge(table, left_on=code, right_on="new", how="inner")
        out[code] = out["old"]
        keys = [c for c in frame.columns if c not in values]
        return out.groupby(keys, as_index=False)[values].sum()
    raise ValueError(f"no translation from {source} to {target}")


# --------------------------------------------------------------------------- population
def band_of(ages: pd.Series) -> pd.Series:
    """Single years ("0" … "105+") → the app's age bands."""
    years = pd.to_numeric(ages.str.rstrip("+"), errors="coerce").fillna(0).astype(int)
    lowers = np.array([AGE_BAND_LOWER[b] for b in AGE_BANDS])
    index = np.searchsorted(lowers, years.to_numpy(), side="right") - 1
    return pd.Series(np.asarray(AGE_BANDS, dtype=object)[index], index=ages.index)


def _series_totals(conn: Connection) -> pd.DataFrame:
    """Population of 1 January per kommune and year from the case series' own column
    (covidnor ``pop_jan1_n``): columns structure, code, year, value."""
    totals = _frame(
        conn,
        select(
            ReportedSeries.structure,
            ReportedSeries.area_code,
            ReportedSeries.date,
            ReportedSeries.value,
        ).where(
            ReportedSeries.area_level == "kommune",
            ReportedSeries.measure == SERIES_POPULATION,
        ),
        ["structure", "code", "date", "value"],
    )
    if totals.empty:
        return pd.DataFrame(columns=["structure", "code", "year", "value"])
    totals["year"] = pd.to_datetime(totals["date"]).dt.year
    # the daily and the weekly file carry the same column: one value per kommune and year
    totals = totals.drop(columns="date").dropna(subset=["value"])
    return totals.drop_duplicates(["structure", "code", "year"]).reset_index(drop=True)


def _scaled(template: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The age bands of ``template`` (code, age_band, value) scaled per code to ``totals``
    (code, value), rounded so that the bands add up to the total exactly."""
    frame = template.merge(totals.rename(columns={"value": "total"}), on="code", how="inner")
    frame = frame.sort_values(["code", "age_band"]).reset_index(drop=True)
    share = frame["value"] / frame.groupby("code")["value"].transform("sum").where(lambda x: x > 0)
    cum = (share.fillna(0).groupby(frame["code"]).cumsum() * frame["total"]).round()
    previous = cum.groupby(frame["code"]).shift(1).fillna(0)
    frame["value"] = cum - previous
    return frame[["code", "age_band", "value"]]


def _nearest(year: int, have: list[int]) -> int:
    """The nearest year with numbers (the earlier one on a tie)."""
    return min(have, key=lambda y: (abs(y - year), y))


def _population(conn: Connection, cw: pd.DataFrame) -> dict[str, Any]:
    """Population by structure × kommune × year × age band, for every year from the first to
    the last one any source has:

    1. SSB's table for that year (in the structure it was published in, else translated);
    2. else the case series' own population of 1 January (covidnor ``pop_jan1_n``), spread
       over age bands like the nearest SSB year;
    3. else the nearest SSB year as it is: said per kommune and year in a quality flag
       (``population_nearest_year``) and in dataset_meta, so that pages can name the year.
    """
    facts = _frame(
        conn,
        select(
            ReportedSeries.structure,
            ReportedSeries.area_code,
            ReportedSeries.date,
            ReportedSeries.age_band,
            ReportedSeries.value,
        ).where(ReportedSeries.area_level == "kommune", ReportedSeries.measure == "population"),
        ["structure", "code", "date", "age", "value"],
    )
    conn.execute(delete(Population))
    if facts.empty:
        return {}
    facts["year"] = pd.to_datetime(facts["date"]).dt.year
    facts["age_band"] = band_of(facts["age"])
    banded = facts.groupby(["structure", "code", "year", "age_band"], as_index=False)["value"].sum()
    published = {
        int(s): sorted(map(int, g["year"].unique())) for s, g in banded.groupby("structure")
    }
    series = _series_totals(conn)
    per_structure: dict[int, pd.DataFrame] = {}
    translated: list[str] = []
    for target in (2020, 2024):
        parts = []
        years_here = set(published.get(target, []))
        for source, years in published.items():
            for year in years:
                if source != target and year in years_here:
                    continue  # a year published in this structure wins
                part = banded[(banded["structure"] == source) & (banded["year"] == year)]
                part = to_structure(
                    part.drop(columns="structure"),
                    source=source,
                    target=target,
                    values=["value"],
                    cw=cw,
                )
                if source != target:
                    translated.append(f"{year}:{source}→{target}")
                parts.append(part)
        if parts:
            per_structure[target] = pd.concat(parts, ignore_index=True)
    ssb_years = sorted({y for ys in published.values() for y in ys})
    series_years = sorted(map(int, series["year"].unique())) if len(series) else []
    all_years = sorted(set(ssb_years) | set(series_years))
    carried: list[str] = []
    nearest: list[dict[str, Any]] = []
    from_series: list[str] = []
    frames = []
    for structure, frame in per_structure.items():
        frame = frame.groupby(["code", "year", "age_band"], as_index=False)["value"].sum()
        have = sorted(map(int, frame["year"].unique()))
        added = []
        for year in range(all_years[0], all_years[-1] + 1):
            if year in have:
                continue
            used = _nearest(year, have)
            template = frame[frame["year"] == used][["code", "age_band", "value"]]
            totals = series[series["year"] == year]
            own = pd.DataFrame(columns=["code", "age_band", "value"])
            if len(totals):
                parts = [
                    to_structure(
                        g[["code", "value"]],
                        source=int(s),
                        target=structure,
                        values=["value"],
                        cw=cw,
                    )
                    for s, g in totals.groupby("structure")
                ]
                own = _scaled(template, pd.concat(parts).groupby("code", as_index=False).sum())
                from_series.append(f"{year}:{structure}:{own['code'].nunique()}")
            rest = template[~template["code"].isin(set(own["code"]))]
            if len(rest):
                codes = sorted(rest["code"].unique())
                carried.append(f"{year}←{used}")
                nearest.append({"structure": structure, "year": year, "used": used, "codes": codes})
            added.append(pd.concat([own, rest], ignore_index=True).assign(year=year))
        if added:
            frame = pd.concat([frame, *added], ignore_index=True)
        frames.append(frame.assign(structure=structure))
    out = pd.concat(frames, ignore_index=True).rename(
        columns={"code": "kommunenummer", "value": "population"}
    )
    out["population"] = out["population"].round().astype("int64")
    insert_rows(conn, Population.__table__, out, constants={"sex": "T"})
    return {
        "published": {s: y for s, y in published.items()},
        "years": all_years,
        "carried": sorted(set(carried)),
        "nearest": nearest,
        "from_series": from_series,
        "translated": sorted(set(translated)),
    }


# --------------------------------------------------------------------------- aggregates
def _kommune_facts(conn: Connection) -> pd.DataFrame:
    """Every kommune-level series value except population, read once for all derivations."""
    frame = _frame(
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


def _cases(conn: Connection, cw: pd.DataFrame, all_facts: pd.DataFrame) -> dict[str, Any]:
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
    out = pd.DataFrame(
        {
            "kommunenummer": wide["code"].to_numpy(),
            "date": pd.to_datetime(wide["date"]).to_numpy(),
            "cases_by_testdate": wide["cases_by_testdate"].astype("int64").to_numpy(),
            "cases_by_regdate": wide["cases_by_regdate"].astype("int64").to_numpy(),
        }
    )
    insert_rows(
        conn,
        AggCasesDaily.__table__,
        out,
        constants={"disease": DEFAULT_DISEASE, "age_band": TOTAL_AGE},
    )
    present = sorted(facts["measure"].unique())
    dates = pd.to_datetime(facts["date"])
    return {
        "measures": present,
        "start": dates.min().date(),
        "end": dates.max().date(),
        "structures": sorted(map(int, facts["structure"].unique())),
        "kommune_total": int(current["value"].sum()),
    }


def _vaccination(conn: Connection, cw: pd.DataFrame, all_facts: pd.DataFrame) -> dict[str, Any]:
    facts = _kommune_daily(all_facts, list(DOSE_MEASURES))
    if facts.empty:
        return {}
    current = _to_current(facts, cw)
    current["dose_number"] = current["measure"].map(DOSE_MEASURES)
    grouped = current.groupby(["code", "date", "dose_number"], as_index=False)["value"].sum()
    grouped = grouped[grouped["value"] > 0]
    out = pd.DataFrame(
        {
            "kommunenummer": grouped["code"].to_numpy(),
            "date": pd.to_datetime(grouped["date"]).to_numpy(),
            "dose_number": grouped["dose_number"].astype("int64").to_numpy(),
            "doses": grouped["value"].astype("int64").to_numpy(),
        }
    )
    insert_rows(
        conn,
        AggVaccinationDaily.__table__,
        out,
        constants={"disease": DEFAULT_DISEASE, "age_band": TOTAL_AGE},
    )
    return {"measures": sorted(facts["measure"].unique())}


# --------------------------------------------------------------------------- checks across files
def _cross_checks(conn: Connection, cw: pd.DataFrame, facts: pd.DataFrame) -> list[Flag]:
    flags: list[Flag] = []
    totals = dict(
        conn.execute(
            select(
                ReportedSeries.area_level + ":" + ReportedSeries.period,
                func.sum(ReportedSeries.value),
            )
            .where(ReportedSeries.measure == "cases_by_regdate")
            .group_by(ReportedSeries.area_level, ReportedSeries.period)
        ).all()
    )
    nation, kommune = totals.get("nation:day"), totals.get("kommune:day")
    if nation and kommune and nation > kommune:
        flags.append(
            Flag(
                "cases_outside_kommuner",
                measure="cases_by_regdate",
                rows_affected=0,
                detail={
                    "nation": int(nation),
                    "sum_kommuner": int(kommune),
                    "difference": int(nation - kommune),
                    "share": round(float(nation - kommune) / float(nation), 4),
                },
            )
        )
    weekly, daily = totals.get("kommune:week"), totals.get("kommune:day")
    if weekly is not None and daily is not None:
        by_week = _weekly_mismatch(facts)
        if by_week:
            flags.append(
                Flag(
                    "weekly_daily_mismatch",
                    severity="warning",
                    measure="cases_by_regdate",
                    rows_affected=len(by_week),
                    detail={"examples": by_week[:10]},
                )
            )
    if (facts["structure"] != CURRENT_STRUCTURE).any():
        renumbered = cw[(cw["old"] != cw["new"]) & (cw["weight"] == 1)]
        flags.append(
            Flag(
                "codes_renumbered",
                rows_affected=len(renumbered),
                detail={
                    "from": 2020,
                    "to": CURRENT_STRUCTURE,
                    "examples": renumbered.head(5).astype(str).to_dict("records"),
                },
            )
        )
        split = cw[cw["weight"] < 1]
        if len(split):
            flags.append(
                Flag(
                    "crosswalk_split",
                    rows_affected=len(split),
                    detail={"split": split.astype(str).to_dict("records")},
                )
            )
    return flags


def _weekly_mismatch(facts: pd.DataFrame) -> list[dict[str, Any]]:
    cases = facts[facts["measure"].eq("cases_by_regdate") & facts["age_band"].eq(TOTAL_AGE)]
    daily = cases[cases["period"] == "day"]
    week_end = daily["date"] + pd.to_timedelta(6 - daily["date"].dt.day_of_week, unit="D")
    summed = daily.groupby([daily["code"], week_end])["value"].sum()
    weekly = cases[cases["period"] == "week"].set_index(["code", "date"])["value"]
    # sparse rows: a week or day without a row inside the span is a published zero
    both = pd.concat([summed.rename("daily"), weekly.rename("weekly")], axis=1).fillna(0)
    bad = both[(both["daily"] - both["weekly"]).abs() > 0.5]
    out: list[dict[str, Any]] = [
        {"kommune": c, "week_end": d.date().isoformat(), "daily": r.daily, "weekly": r.weekly}
        for (c, d), r in bad.head(10).iterrows()
    ]
    if len(bad):
        out.append({"count": len(bad)})
    return out


# --------------------------------------------------------------------------- meta
def series_available(conn: Connection) -> dict[str, list[str]]:
    """What the imported facts hold, in broad names: kommune level, national level, other."""
    have = {
        (m, lvl)
        for m, lvl in conn.execute(
            select(ReportedSeries.measure, ReportedSeries.area_level).distinct()
        ).all()
    }

    def at(prefix: str, level: str) -> bool:
        return any(m.startswith(prefix) and lvl == level for m, lvl in have)

    kommune = [
        name
        for name, prefix in (
            ("cases", "cases_by"),
            ("tests", "tests_"),
            ("hospital", "hospital_"),
            ("vaccination_doses", "doses_by"),
            ("population", "population"),
        )
        if at(prefix, "kommune")
    ]
    if conn.execute(
        select(func.count()).where(ReportedCoverage.area_level == "kommune")
    ).scalar_one():
        kommune.append("vaccination_coverage")
    nation = [
        name
        for name, prefix in (
            ("cases", "cases_by"),
            ("tests", "tests_"),
            ("hospital", "hospital_"),
            ("icu", "icu_"),
            ("vaccination_doses", "doses_"),
            ("policy_indices", "stringency_index"),
        )
        if at(prefix, "nation")
    ]
    if conn.execute(
        select(func.count()).where(
            ReportedSeries.area_level == "nation",
            ReportedSeries.age_band != TOTAL_AGE,
            ReportedSeries.measure.like("cases_by%"),  # not ERVISS's ILI rates by age
        )
    ).scalar_one():
        nation.append("cases_by_age_sex")
    other = [
        f"boundaries_{int(s)}"
        for (s,) in conn.execute(
            select(BoundarySet.structure).distinct().order_by(BoundarySet.structure)
        )
    ]
    if conn.execute(
        select(func.count())
        .select_from(ImportRun)
        .where(ImportRun.kind == "oxcgrt", ImportRun.status == "active")
    ).scalar_one():
        other.append("rules")
    if conn.execute(
        select(func.count())
        .select_from(ImportRun)
        .where(ImportRun.kind == "erviss", ImportRun.status == "active")
    ).scalar_one():
        other.append("erviss_respiratory")  # influenza, RSV, SARS-CoV-2 and ILI (national)
    return {"kommune": kommune, "nation": nation, "other": other}


def _meta(conn: Connection, cases: dict[str, Any], population: dict[str, Any]) -> dict[str, str]:
    runs = conn.execute(
        select(ImportRun.kind, ImportRun.source, ImportRun.data_date, ImportRun.period_start).where(
            ImportRun.status == "active"
        )
    ).all()
    dates = [r.data_date for r in runs if r.data_date is not None]
    data_date = cases.get("end") or (max(dates) if dates else dt.date.today())
    period_start = cases.get("start") or min(
        [r.period_start for r in runs if r.period_start is not None] or [data_date]
    )
    meta = {
        "data_date": data_date.isoformat(),
        "period_start": period_start.isoformat(),
        "is_demo": "false",
        "source": "import",
        "scale": "",
        "seed": "",
        "population_fraction": "1",
        "structure_shown": str(CURRENT_STRUCTURE),
    }
    measures = cases.get("measures", [])
    if measures:
        meta["case_date_basis"] = "test" if "cases_by_testdate" in measures else "registration"
        meta["structure_data"] = ",".join(map(str, cases.get("structures", [])))
    available = series_available(conn)
    meta["series_available"] = ",".join(available["kommune"])[:200]
    meta["series_national"] = ",".join(available["nation"])[:200]
    meta["series_other"] = ",".join(available["other"])[:200]
    if population:
        years = population["years"]
        meta["population_years"] = ",".join(map(str, range(years[0], years[-1] + 1)))
        meta["population_years_published"] = ";".join(
            f"{s}:{','.join(map(str, y))}" for s, y in sorted(population["published"].items())
        )
        meta["population_carried_forward"] = ",".join(population["carried"])[:200]
        meta["population_from_series"] = ",".join(population.get("from_series", []))[:200]
    cw_note = "2020→2024 via kodeoversettelsen; 1507→1508+1580 med vekt 0,5 for antall"
    meta["crosswalk"] = cw_note
    by_source: dict[str, dt.date] = {}
    for r in runs:
        if r.data_date is not None:
            by_source[r.kind] = max(by_source.get(r.kind, r.data_date), r.data_date)
    for kind, date in by_source.items():
        meta[f"source_date:{kind}"[:40]] = date.isoformat()
    coverage_date = conn.execute(select(func.max(ReportedCoverage.snapshot_date))).scalar()
    if coverage_date:
        meta["vaccination_coverage_date"] = str(coverage_date)[:10]
    return meta


def refresh(conn: Connection) -> dict[str, Any]:
    """Rebuild population, aggregates, cross-file flags and dataset_meta from the facts."""
    cw = crosswalk(conn)
    for table in AGGREGATE_TABLES:
        conn.execute(delete(table))
    population = _population(conn, cw)
    facts = _kommune_facts(conn)
    cases = _cases(conn, cw, facts)
    vaccination = _vaccination(conn, cw, facts)
    conn.execute(delete(QualityFlag).where(QualityFlag.import_id.is_(None)))
    flags = _cross_checks(conn, cw, facts)
    for entry in population.get("nearest", []):
        if entry["structure"] != CURRENT_STRUCTURE:
            continue
        flags.append(
            Flag(
                "population_nearest_year",
                severity="warning",
                rows_affected=len(entry["codes"]),
                date=dt.date(entry["year"], 1, 1),
                detail={"year": entry["year"], "used": entry["used"], "codes": entry["codes"]},
            )
        )
    if population.get("translated"):
        flags.append(Flag("population_translated", detail={"years": population["translated"]}))
    store_flags(conn, run_id=None, flags=flags)
    conn.execute(delete(DatasetMeta).where(DatasetMeta.key.like("source_date:%")))
    meta = _meta(conn, cases, population)
    set_meta(conn, meta)
    rollups.refresh(conn)
    # key figures; the vaccination series and arrival splits stay empty in published data
    page_tables.refresh(conn)
    certificate_aggregates.refresh(conn)  # none in published data; kept true if present
    bump_data_version(conn)
    return {"cases": cases, "vaccination": vaccination, "population": population, "meta": meta}
