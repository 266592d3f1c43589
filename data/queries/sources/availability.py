"""Which series, subjects and rows the loaded data have (facts about the dataset: the same
for every scope)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from data import db
from data.cache import cached
from data.codes import CURRENT_STRUCTURE
from data.queries.sources._shared import as_date, dataset_meta
from data.schema import (
    AggArrivalsDaily,
    AggCasesDaily,
    AggHospitalDaily,
    AggTestsDaily,
    AggVaccinationDaily,
    BoundarySet,
    Certificate,
    Cluster,
    ImportRun,
    Population,
    ReportedCoverage,
    ReportedSpan,
)
from data.scope import Scope

KOMMUNE_AGGREGATES: dict[str, tuple[Any, Any]] = {
    "cases_by_testdate": (AggCasesDaily.date, AggCasesDaily.cases_by_testdate),
    "cases_by_regdate": (AggCasesDaily.date, AggCasesDaily.cases_by_regdate),
    "tests": (AggTestsDaily.date, AggTestsDaily.tests),
    "vaccination_doses": (AggVaccinationDaily.date, AggVaccinationDaily.doses),
    "hospital_admissions": (AggHospitalDaily.date, AggHospitalDaily.admissions),
    "arrivals": (AggArrivalsDaily.date, AggArrivalsDaily.arrivals),
}


@cached()
def available_series(*, scope: Scope) -> dict[str, Any]:
    """What the loaded data have (facts about the dataset: the same for every scope).

    Keys: ``is_demo``; ``case_date_basis`` (``test`` | ``registration`` | None) for kommune
    cases; ``kommune`` and ``nation``: ``{measure: {"start", "end", "periods"}}``;
    ``coverage``: ``{"snapshot_date", "levels", "age_bands"}`` or None; ``population_years``;
    ``boundaries``: structures with imported geometry; ``rules``: bool; ``structure_data``
    (vintages of the imported kommune codes) and ``structure_shown``; ``notes``: dataset_meta
    facts worth showing (crosswalk, carried-forward population years).
    """
    return _dataset_series()


@cached(process=True)
def _dataset_series() -> dict[str, Any]:
    meta = dataset_meta()
    out: dict[str, Any] = {
        "is_demo": meta.get("is_demo", "false") == "true",
        "case_date_basis": meta.get("case_date_basis"),
        "kommune": {},
        "nation": {},
        "coverage": None,
        "population_years": [
            int(y) for y in meta.get("population_years", "").split(",") if y.strip()
        ],
        "boundaries": [],
        "rules": False,
        "structure_data": [int(s) for s in meta.get("structure_data", "").split(",") if s.strip()],
        "structure_shown": int(meta.get("structure_shown", CURRENT_STRUCTURE)),
        "notes": {
            k: meta[k]
            for k in ("crosswalk", "population_carried_forward", "population_years_published")
            if meta.get(k)
        },
    }
    with db.engine().connect() as conn:
        facts = conn.execute(
            select(
                ReportedSpan.area_level,
                ReportedSpan.measure,
                ReportedSpan.period,
                func.min(ReportedSpan.first_date),
                func.max(ReportedSpan.last_date),
            ).group_by(ReportedSpan.area_level, ReportedSpan.measure, ReportedSpan.period)
        ).all()
        for level, measure, period, start, end in facts:
            if measure == "population" or level not in ("kommune", "nation"):
                continue
            entry = out[level].setdefault(
                measure, {"start": as_date(start), "end": as_date(end), "periods": []}
            )
            entry["periods"].append(period)
            entry["start"] = min(entry["start"], as_date(start))
            entry["end"] = max(entry["end"], as_date(end))
        if not facts:
            # Demo data (or events loaded some other way): what the kommune aggregates hold.
            for name, (date_column, column) in KOMMUNE_AGGREGATES.items():
                start, end = conn.execute(
                    select(func.min(date_column), func.max(date_column)).where(column > 0)
                ).one()
                if start is not None:
                    out["kommune"][name] = {
                        "start": as_date(start),
                        "end": as_date(end),
                        "periods": ["day"],
                    }
            if out["case_date_basis"] is None and "cases_by_testdate" in out["kommune"]:
                out["case_date_basis"] = "test"
        coverage = conn.execute(
            select(func.max(ReportedCoverage.snapshot_date), func.count())
        ).one()
        if coverage[1]:
            levels = conn.execute(select(ReportedCoverage.area_level).distinct()).scalars().all()
            bands = (
                conn.execute(
                    select(ReportedCoverage.age_band).distinct().order_by(ReportedCoverage.age_band)
                )
                .scalars()
                .all()
            )
            out["coverage"] = {
                "snapshot_date": as_date(coverage[0]),
                "levels": sorted(levels),
                "age_bands": list(bands),
            }
        if not out["population_years"]:
            out["population_years"] = sorted(
                int(y) for y in conn.execute(select(Population.year).distinct()).scalars()
            )
        out["boundaries"] = sorted(
            {int(s) for s in conn.execute(select(BoundarySet.structure).distinct()).scalars()}
        )
        out["rules"] = bool(
            conn.execute(
                select(func.count()).where(ImportRun.kind == "oxcgrt", ImportRun.status == "active")
            ).scalar_one()
        )
    return out


# Subjects of the pages and the series that carry them, at kommune and national level (names of
# the demo aggregates and of the imported measures alike).
SUBJECT_SERIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cases": (("cases_by_testdate", "cases_by_regdate"), ("cases_by_testdate", "cases_by_regdate")),
    "tests": (("tests", "tests_all"), ("tests", "tests_all")),
    "hospital": (("hospital_admissions",), ("hospital_admissions",)),
    "icu": (("icu_admissions",), ("icu_admissions",)),
    "arrivals": (("arrivals",), ("arrivals",)),
    "vaccination_doses": (
        ("vaccination_doses", "doses_by_regdate_1"),
        ("vaccination_doses", "doses_by_regdate_1", "doses_by_vaxdate_1"),
    ),
}


@cached()
def subject_availability(
    *, scope: Scope, kommunenummer: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per page subject: does the loaded data have it per kommune, nationally, and until when.

    Keys: cases, tests, hospital, icu, arrivals, vaccination_doses (from the series),
    vaccination_by_age (dose counts by age band per kommune, needed for coverage over time),
    coverage_snapshot (published coverage by age band on one date), certificates, clusters.
    Each value: ``{"kommune": bool, "nation": bool, "start": date | None, "end": date | None,
    "snapshot_date": date | None}``. Pages use it to say plainly what was not published
    instead of showing zeros. With ``kommunenummer``, a kommune outside the scope is refused
    (and audited) here, as every kommune read is, even where the page then has nothing to show.
    """
    if kommunenummer is not None:
        scope.restrict([kommunenummer])
    available = available_series(scope=scope)

    def entry(kommune: bool, nation: bool, spans: list[dict[str, Any]]) -> dict[str, Any]:
        starts = [s["start"] for s in spans if s.get("start")]
        ends = [s["end"] for s in spans if s.get("end")]
        return {
            "kommune": kommune,
            "nation": nation,
            "start": min(starts) if starts else None,
            "end": max(ends) if ends else None,
            "snapshot_date": None,
        }

    out: dict[str, dict[str, Any]] = {}
    for subject, (kommune_names, nation_names) in SUBJECT_SERIES.items():
        k = [available["kommune"][n] for n in kommune_names if n in available["kommune"]]
        n = [available["nation"][m] for m in nation_names if m in available["nation"]]
        # demo data: the national figure is the sum of the kommuner
        out[subject] = entry(bool(k), bool(n) or bool(k), k + n)
    by_age, certificates, clusters = has_rows()
    doses = out["vaccination_doses"]
    coverage = available["coverage"] or {}
    out["vaccination_by_age"] = {
        **doses,
        "kommune": bool(by_age),
        "nation": bool(by_age),
        "snapshot_date": coverage.get("snapshot_date"),
    }
    out["coverage_snapshot"] = {
        "kommune": "kommune" in coverage.get("levels", []),
        "nation": "nation" in coverage.get("levels", []),
        "start": None,
        "end": coverage.get("snapshot_date"),
        "snapshot_date": coverage.get("snapshot_date"),
    }
    out["certificates"] = entry(bool(certificates), bool(certificates), [])
    out["clusters"] = entry(bool(clusters), bool(clusters), [])
    return out


@cached(process=True)
def has_rows() -> tuple[bool, bool, bool]:
    """Whether the store has dose counts by age band, certificates and clusters (a first row
    is enough: counting millions of rows to learn that they exist is what made every page's
    first read slow)."""
    with db.engine().connect() as conn:
        by_age = conn.execute(
            select(AggVaccinationDaily.disease)
            .where(AggVaccinationDaily.age_band != "total")
            .limit(1)
        ).first()
        certificates = conn.execute(select(Certificate.person_key).limit(1)).first()
        clusters = conn.execute(select(Cluster.id).limit(1)).first()
    return by_age is not None, certificates is not None, clusters is not None
