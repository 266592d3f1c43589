"""What the loaded data are and what they have: sources, imports, quality, available series.

Pages ask here before they show a number, so that on real data they can say plainly what is
missing (for example: no kommune-level test data were published) instead of showing zeros:

* :func:`available_series` – which series exist at kommune and national level, over which
  dates, on which date basis (``case_date_basis``: ``test`` or ``registration``), and how
  codes were translated. Works on the demo database (from the aggregates) and on imports.
* :func:`data_sources` – one row per import (or the demo load): file, dates, rows loaded,
  rejected and skipped, status.
* :func:`rejection_summary`, :func:`rejected_sample`, :func:`quality_flags`,
  :func:`population_gaps`, :func:`code_vintages`, :func:`arrivals_without_fd` – the
  Datakvalitet page.
* :func:`reported_series` and :func:`reported_coverage` – published facts that the daily
  kommune aggregates cannot hold (national hospital, ICU and test series; coverage by age band
  and sex), scoped and small-number protected like every other read.
* :func:`boundary_geojson` – the imported boundaries that replace the built-in geometry.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select

from data import db
from data.cache import cached, per_data_version
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.importers.derive import crosswalk, to_structure
from data.importers.texts import flag_text, reason_text
from data.protection import protect
from data.queries.frames import read_frame
from data.schema import (
    AggArrivalsDaily,
    AggCasesDaily,
    AggHospitalDaily,
    AggTestsDaily,
    AggVaccinationDaily,
    BoundarySet,
    Certificate,
    Cluster,
    DatasetMeta,
    DataSourceStatus,
    ImportRun,
    Kommune,
    Population,
    QualityFlag,
    RejectedRow,
    ReportedCoverage,
    ReportedSeries,
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


def _meta() -> dict[str, str]:
    with db.engine().connect() as conn:
        return dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _national(scope: Scope) -> bool:
    return scope.kommuner is None


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


@per_data_version
def _dataset_series() -> dict[str, Any]:
    meta = _meta()
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
                measure, {"start": _date(start), "end": _date(end), "periods": []}
            )
            entry["periods"].append(period)
            entry["start"] = min(entry["start"], _date(start))
            entry["end"] = max(entry["end"], _date(end))
        if not facts:
            # Demo data (or events loaded some other way): what the kommune aggregates hold.
            for name, (date_column, column) in KOMMUNE_AGGREGATES.items():
                start, end = conn.execute(
                    select(func.min(date_column), func.max(date_column)).where(column > 0)
                ).one()
                if start is not None:
                    out["kommune"][name] = {
                        "start": _date(start),
                        "end": _date(end),
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
                "snapshot_date": _date(coverage[0]),
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


@per_data_version
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


DATA_SOURCE_COLUMNS = [
    "import_id",
    "kind",
    "source",
    "file",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_skipped",
    "loaded_at",
    "period_start",
    "data_date",
    "seconds",
]


@cached()
def data_sources(*, scope: Scope) -> pd.DataFrame:
    """One row per import (newest first); for a demo database, its demo load(s).

    Columns: import_id, kind, source, file, status (active | superseded | failed | demo),
    rows_read, rows_loaded, rows_rejected, rows_skipped, loaded_at, period_start, data_date,
    seconds.
    """
    runs = read_frame(
        select(
            ImportRun.id,
            ImportRun.kind,
            ImportRun.source,
            ImportRun.file,
            ImportRun.status,
            ImportRun.rows_read,
            ImportRun.rows_loaded,
            ImportRun.rows_rejected,
            ImportRun.rows_skipped,
            ImportRun.finished_at,
            ImportRun.period_start,
            ImportRun.data_date,
            ImportRun.detail,
        ).order_by(ImportRun.id.desc()),
        [*DATA_SOURCE_COLUMNS[:-1], "detail"],
    )
    runs["seconds"] = [
        (d or {}).get("seconds") if isinstance(d, dict) else None for d in runs.pop("detail")
    ]
    demo = read_frame(
        select(
            DataSourceStatus.id,
            DataSourceStatus.source,
            DataSourceStatus.rows_loaded,
            DataSourceStatus.rows_rejected,
            DataSourceStatus.loaded_at,
            DataSourceStatus.data_date,
        )
        .where(DataSourceStatus.is_demo.is_(True))
        .order_by(DataSourceStatus.id.desc()),
        ["import_id", "source", "rows_loaded", "rows_rejected", "loaded_at", "data_date"],
    )
    if not demo.empty:
        meta = _meta()
        demo = demo.assign(
            kind="demo",
            file=None,
            status="demo",
            rows_read=demo["rows_loaded"],
            rows_skipped=0,
            period_start=_date(meta.get("period_start")),
            seconds=None,
        )
    frames = [f for f in (runs, demo) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=DATA_SOURCE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[DATA_SOURCE_COLUMNS]
    for c in ("loaded_at",):
        out[c] = pd.to_datetime(out[c])
    return out


def _active_or_failed() -> Any:
    return select(ImportRun.id).where(ImportRun.status.in_(("active", "failed")))


@cached()
def rejection_summary(*, scope: Scope) -> pd.DataFrame:
    """Rejected rows of the current imports by file, reason and field, most frequent first.

    Columns: import_id, file, reason, reason_text, field, rows.
    """
    q = (
        select(
            RejectedRow.import_id,
            RejectedRow.file,
            RejectedRow.reason,
            RejectedRow.field,
            func.count(),
        )
        .where(RejectedRow.import_id.in_(_active_or_failed()))
        .group_by(RejectedRow.import_id, RejectedRow.file, RejectedRow.reason, RejectedRow.field)
        .order_by(func.count().desc())
    )
    out = read_frame(q, ["import_id", "file", "reason", "field", "rows"])
    out.insert(3, "reason_text", out["reason"].map(reason_text))
    return out


@cached()
def rejected_sample(*, scope: Scope, limit: int = 50) -> pd.DataFrame:
    """A sample of rejected lines (file, line, field, value, reason), a few per reason.

    Values come from the files as they are; only callers with a national scope see them.
    Columns: file, line, field, value, reason, reason_text.
    """
    columns = ["file", "line", "field", "value", "reason", "reason_text"]
    if not _national(scope):
        return pd.DataFrame(columns=columns)
    per_reason = max(1, limit // 10)
    ranked = (
        select(
            RejectedRow.file,
            RejectedRow.line,
            RejectedRow.field,
            RejectedRow.value,
            RejectedRow.reason,
            func.row_number()
            .over(partition_by=RejectedRow.reason, order_by=RejectedRow.id)
            .label("rank"),
        )
        .where(RejectedRow.import_id.in_(_active_or_failed()))
        .subquery()
    )
    q = (
        select(ranked.c.file, ranked.c.line, ranked.c.field, ranked.c.value, ranked.c.reason)
        .where(ranked.c.rank <= per_reason)
        .limit(limit)
    )
    out = read_frame(q, columns[:-1])
    out["reason_text"] = out["reason"].map(reason_text)
    if not scope.small_numbers:
        numeric = pd.to_numeric(out["value"], errors="coerce")
        out.loc[numeric.between(1, 4), "value"] = "1–4"
    return out


@cached()
def quality_flags(*, scope: Scope) -> pd.DataFrame:
    """Known artefacts and findings of the current imports and across files.

    Columns: import_id, file, kind, text, severity, measure, area_code, date, rows_affected,
    detail (dict).
    """
    q = (
        select(
            QualityFlag.import_id,
            ImportRun.file,
            QualityFlag.kind,
            QualityFlag.severity,
            QualityFlag.measure,
            QualityFlag.area_code,
            QualityFlag.date,
            QualityFlag.rows_affected,
            QualityFlag.detail,
        )
        .outerjoin(ImportRun, ImportRun.id == QualityFlag.import_id)
        .where(QualityFlag.import_id.is_(None) | QualityFlag.import_id.in_(_active_or_failed()))
        .order_by(QualityFlag.severity.desc(), QualityFlag.id)
    )
    out = read_frame(
        q,
        [
            "import_id",
            "file",
            "kind",
            "severity",
            "measure",
            "area_code",
            "date",
            "rows_affected",
            "detail",
        ],
    )
    out.insert(3, "text", out["kind"].map(flag_text))
    out["detail"] = [d if isinstance(d, dict) else json.loads(d or "{}") for d in out["detail"]]
    return out


@cached()
def population_gaps(*, scope: Scope, structure: int = CURRENT_STRUCTURE) -> pd.DataFrame:
    """Kommuner in scope with missing population: absent from the population table for some
    year, or missing it in a source file (filled from SSB).

    Columns: kommunenummer, name, issue, detail.
    """
    allowed = scope.restrict(None)
    kommuner = select(Kommune.kommunenummer, Kommune.name).where(Kommune.structure == structure)
    if allowed is not None:
        kommuner = kommuner.where(Kommune.kommunenummer.in_(allowed))
    names = read_frame(kommuner, ["kommunenummer", "name"])
    pop = read_frame(
        select(Population.kommunenummer, Population.year, func.sum(Population.population))
        .where(Population.structure == structure)
        .group_by(Population.kommunenummer, Population.year),
        ["kommunenummer", "year", "population"],
    )
    rows: list[dict[str, Any]] = []
    years = sorted(pop["year"].unique()) if not pop.empty else []
    if not years:
        rows.append({"kommunenummer": "", "name": "", "issue": "no_population_table", "detail": ""})
    have = pop[pop["population"] > 0].groupby("kommunenummer")["year"].agg(set)
    for row in names.itertuples() if years else ():
        missing = [int(y) for y in years if int(y) not in have.get(row.kommunenummer, set())]
        if missing:
            rows.append(
                {
                    "kommunenummer": row.kommunenummer,
                    "name": row.name,
                    "issue": "no_population" if len(missing) == len(years) else "missing_years",
                    "detail": ",".join(map(str, missing)),
                }
            )
    flags = quality_flags(scope=Scope.full())
    source_missing = flags[flags["kind"] == "missing_population_in_source"]
    cw = crosswalk()
    to_2024 = cw.groupby("old")["new"].agg(list)
    by_name = dict(zip(names["kommunenummer"], names["name"], strict=True))
    in_source: dict[str, dict[str, Any]] = {}
    for flag in source_missing.itertuples():
        for code in flag.detail.get("codes", []):
            targets = to_2024.get(code, [code]) if structure == CURRENT_STRUCTURE else [code]
            for target in targets:
                if allowed is not None and target not in allowed:
                    continue
                entry = in_source.setdefault(target, {"code": code, "files": []})
                entry["files"].append(Path(str(flag.file or "")).name)
    for target, entry in sorted(in_source.items()):
        rows.append(
            {
                "kommunenummer": target,
                "name": by_name.get(target, ""),
                "issue": "missing_in_source",
                "detail": f"{', '.join(sorted(set(entry['files'])))} (kode {entry['code']} i "
                "2020-strukturen)",
            }
        )
    return pd.DataFrame(rows, columns=["kommunenummer", "name", "issue", "detail"])


@cached()
def code_vintages(*, scope: Scope) -> pd.DataFrame:
    """Structure vintage of each current import's codes against the structure shown.

    Columns: import_id, kind, file, structure, shown, kommune_facts (the import holds
    kommune-level numbers), translated (those numbers are shown through the crosswalk),
    rejected_vintage (rows rejected because their code belongs to the other structure).
    """
    runs = read_frame(
        select(ImportRun.id, ImportRun.kind, ImportRun.file, ImportRun.structure).where(
            ImportRun.status == "active", ImportRun.structure.is_not(None)
        ),
        ["import_id", "kind", "file", "structure"],
    )
    mismatched = read_frame(
        select(RejectedRow.import_id, func.count())
        .where(RejectedRow.reason == "code_vintage_mismatch")
        .group_by(RejectedRow.import_id),
        ["import_id", "rejected_vintage"],
    )
    with db.engine().connect() as conn:
        with_kommune = set(
            conn.execute(
                select(ReportedSpan.import_id)
                .where(ReportedSpan.area_level == "kommune")
                .distinct()
            ).scalars()
        ) | set(
            conn.execute(
                select(ReportedCoverage.import_id)
                .where(ReportedCoverage.area_level == "kommune")
                .distinct()
            ).scalars()
        )
    out = runs.merge(mismatched, on="import_id", how="left")
    out["rejected_vintage"] = out["rejected_vintage"].fillna(0).astype("int64")
    out["shown"] = CURRENT_STRUCTURE
    out["kommune_facts"] = out["import_id"].isin(with_kommune)
    out["translated"] = out["kommune_facts"] & (out["structure"] != CURRENT_STRUCTURE)
    columns = ["import_id", "kind", "file", "structure", "shown", "kommune_facts"]
    return out[[*columns, "translated", "rejected_vintage"]]


@cached()
def arrivals_without_fd(*, scope: Scope, disease: str = DEFAULT_DISEASE) -> dict[str, Any]:
    """Arrivals without F/D-number (a data-quality measure of the arrival registrations).

    Keys: ``available`` (bool), ``arrivals``, ``without_fd``, ``share``, ``start``, ``end``,
    ``by_kommune`` (DataFrame kommunenummer, name, arrivals, without_fd, share; the 10 highest
    shares among kommuner with at least 20 arrivals, small counts protected).
    """
    allowed = scope.restrict(None)
    q = (
        select(
            AggArrivalsDaily.kommunenummer,
            func.sum(AggArrivalsDaily.arrivals),
            func.sum(AggArrivalsDaily.without_fd_number),
            func.min(AggArrivalsDaily.date),
            func.max(AggArrivalsDaily.date),
        )
        .where(AggArrivalsDaily.disease == disease)
        .group_by(AggArrivalsDaily.kommunenummer)
    )
    if allowed is not None:
        q = q.where(AggArrivalsDaily.kommunenummer.in_(allowed))
    frame = read_frame(q, ["kommunenummer", "arrivals", "without_fd", "start", "end"])
    if frame.empty:
        return {"available": False}
    names = read_frame(
        select(Kommune.kommunenummer, Kommune.name).where(Kommune.structure == CURRENT_STRUCTURE),
        ["kommunenummer", "name"],
    )
    frame = frame.merge(names, on="kommunenummer", how="left")
    frame["share"] = frame["without_fd"] / frame["arrivals"].where(frame["arrivals"] > 0)
    top = (
        frame[frame["arrivals"] >= 20]
        .sort_values("share", ascending=False)
        .head(10)[["kommunenummer", "name", "arrivals", "without_fd", "share"]]
    )
    top = protect(
        top, scope=scope, counts=["arrivals", "without_fd"], rates={"share": ["without_fd"]}
    )
    # the share from the published counts (never from the true ones)
    top["share"] = top["without_fd"] / top["arrivals"].where(top["arrivals"] > 0)
    total, without = int(frame["arrivals"].sum()), int(frame["without_fd"].sum())
    return {
        "available": True,
        "arrivals": total,
        "without_fd": without,
        "share": without / total if total else float("nan"),
        "start": _date(frame["start"].min()),
        "end": _date(frame["end"].max()),
        "by_kommune": top.reset_index(drop=True),
    }


@cached()
def reported_series(
    *,
    scope: Scope,
    measure: str,
    level: str = "nation",
    code: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str = "day",
    age_band: str | None = "total",
    sex: str | None = "T",
) -> pd.DataFrame:
    """A published series as imported (e.g. ``hospital_admissions`` for the nation).

    ``code`` is needed for kommune and fylke level (in the structure the facts came with);
    ``age_band``/``sex`` None returns every band/sex. Columns: date, age_band, sex, value,
    quality_flag (plus ``value_suppressed`` for kommune level without small-number access).
    """
    if level == "kommune":
        if code is None:
            raise ValueError("kommune level needs a code")
        scope.restrict([code])
    q = select(
        ReportedSeries.date,
        ReportedSeries.age_band,
        ReportedSeries.sex,
        ReportedSeries.value,
        ReportedSeries.quality_flag,
    ).where(
        ReportedSeries.area_level == level,
        ReportedSeries.measure == measure,
        ReportedSeries.period == period,
    )
    if code is not None:
        q = q.where(ReportedSeries.area_code == code)
    if start is not None:
        q = q.where(ReportedSeries.date >= start)
    if end is not None:
        q = q.where(ReportedSeries.date <= end)
    if age_band is not None:
        q = q.where(ReportedSeries.age_band == age_band)
    if sex is not None:
        q = q.where(ReportedSeries.sex == sex)
    out = read_frame(
        q.order_by(ReportedSeries.date), ["date", "age_band", "sex", "value", "quality_flag"]
    )
    out["date"] = pd.to_datetime(out["date"])
    out = _with_zeros(
        out, measure=measure, level=level, code=code, period=period, start=start, end=end
    )
    if age_band is not None:
        out = out[out["age_band"] == age_band]
    if sex is not None:
        out = out[out["sex"] == sex]
    out = out.reset_index(drop=True)
    if level == "kommune":
        out = protect(out, scope=scope, counts=["value"], kommune_column=None, area_code=code)
    return out


def _with_zeros(
    rows: pd.DataFrame,
    *,
    measure: str,
    level: str,
    code: str | None,
    period: str,
    start: dt.date | None,
    end: dt.date | None,
) -> pd.DataFrame:
    """Fill the published zeros back in: every date inside a series' span without a row."""
    q = select(
        ReportedSpan.age_band, ReportedSpan.sex, ReportedSpan.first_date, ReportedSpan.last_date
    ).where(
        ReportedSpan.area_level == level,
        ReportedSpan.measure == measure,
        ReportedSpan.period == period,
    )
    if code is not None:
        q = q.where(ReportedSpan.area_code == code)
    spans = read_frame(q, ["age_band", "sex", "first", "last"])
    frames = []
    step = "7D" if period == "week" else ("YS" if period == "year" else "D")
    for span in spans.itertuples(index=False):
        first, last = _date(span.first), _date(span.last)
        if first is None or last is None:
            continue
        lo = pd.Timestamp(max(first, start) if start else first)
        hi = pd.Timestamp(min(last, end) if end else last)
        if lo > hi:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "date": pd.date_range(lo, hi, freq=step),
                    "age_band": span.age_band,
                    "sex": span.sex,
                }
            )
        )
    if not frames:
        return rows
    grid = pd.concat(frames, ignore_index=True)
    out = grid.merge(rows, on=["date", "age_band", "sex"], how="outer", indicator=True)
    zero = out["_merge"] == "left_only"
    out.loc[zero, "value"] = 0.0
    return out.drop(columns="_merge").sort_values(["date", "age_band", "sex"])


@cached()
def coverage_rows(*, level: str, structure: int = CURRENT_STRUCTURE) -> pd.DataFrame:
    """Published coverage rows of one level, kommune rows translated to ``structure`` through
    the crosswalk; unprotected and unscoped (internal: the callers apply both).
    Columns: area_code, age_band, sex, dose_number, persons, population, snapshot_date."""
    q = select(
        ReportedCoverage.structure,
        ReportedCoverage.area_code,
        ReportedCoverage.age_band,
        ReportedCoverage.sex,
        ReportedCoverage.dose_number,
        ReportedCoverage.persons,
        ReportedCoverage.population,
        ReportedCoverage.snapshot_date,
    ).where(ReportedCoverage.area_level == level)
    columns = ["structure", "area_code", "age_band", "sex", "dose_number"]
    frame = read_frame(q, [*columns, "persons", "population", "snapshot_date"])
    if level == "kommune" and not frame.empty:
        cw = crosswalk()
        parts = [
            to_structure(
                part.drop(columns="structure"),
                source=int(s),
                target=structure,
                values=["persons", "population"],
                cw=cw,
                code="area_code",
            )
            for s, part in frame.groupby("structure")
        ]
        frame = pd.concat(parts, ignore_index=True)
    else:
        frame = frame.drop(columns="structure")
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    return frame.reset_index(drop=True)


@cached()
def reported_coverage(
    *,
    scope: Scope,
    level: str = "kommune",
    structure: int = CURRENT_STRUCTURE,
    kommuner: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Vaccination coverage as published: persons with at least dose n and the population of
    the group, by area × age band × sex × dose, on the snapshot date.

    Kommune-level rows are translated to ``structure`` through the crosswalk (1507's groups are
    split between 1508 and 1580 with weight 0.5 for persons and population alike).
    Columns: area_code, age_band, sex, dose_number, persons, population, snapshot_date.
    """
    frame = coverage_rows(level=level, structure=structure)
    if level == "kommune" and not frame.empty:
        allowed = scope.restrict(kommuner)
        if allowed is not None:
            frame = frame[frame["area_code"].isin(allowed)]
        frame = protect(frame, scope=scope, counts=["persons"], kommune_column="area_code")
    for c in ("persons", "population"):
        if c in frame and frame[c].dtype != "float64":
            frame[c] = frame[c].astype("int64")
    return frame.reset_index(drop=True)


def boundary_geojson(*, structure: int, level: str = "kommune") -> dict[str, Any] | None:
    """The active imported boundaries for a structure and level, or None (use the built-in).

    A FeatureCollection with feature ``id`` = the zero-padded code, ``properties.name``, exterior
    rings clockwise (plotly/d3), and a ``situasjonsbilde`` member with level, structure, source
    and attribution. Geometry is reference data, not facts: no scope is needed.
    """
    with db.engine().connect() as conn:
        text = conn.execute(
            select(BoundarySet.geojson)
            .where(and_(BoundarySet.structure == structure, BoundarySet.source.like(f"{level}|%")))
            .order_by(BoundarySet.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if text is None:
        return None
    data: dict[str, Any] = json.loads(text)
    return data


def polygons_drawn(structure: int) -> set[str] | None:
    """The polygon ids the map of ``structure`` has geometry for: those of the imported
    boundaries, or None for the built-in geometry (which has every kommune)."""
    data = boundary_geojson(structure=structure)
    if data is None:
        return None
    return {str(f.get("id")) for f in data.get("features", [])}


def kommuner_without_geometry() -> dict[int, list[str]]:
    """Per structure with imported boundaries: the kommuner (2024 codes, as on the map) whose
    polygon is missing from them, as "code name". The built-in geometry has every kommune."""
    from geo import reference

    out: dict[int, list[str]] = {}
    names = reference.kommuner(CURRENT_STRUCTURE).set_index("kommunenummer")["name"]
    for structure in (2020, 2024):
        drawn = polygons_drawn(structure)
        if drawn is None:
            continue
        polygons = reference.polygons_on_map(structure)
        missing = polygons[~polygons["polygon_id"].isin(drawn)]["kommunenummer"]
        out[structure] = [f"{c} {names.get(c, '')}".strip() for c in sorted(missing)]
    return out


@per_data_version
def population_fallbacks(*, year: int) -> dict[str, int]:
    """Kommuner (2024 codes) whose population for 1 January of ``year`` is another year's
    because no source has that year for them: kommunenummer → the year used. Years outside
    the loaded ones are clipped first, as the rates are (see ``data.queries.cases``)."""
    with db.engine().connect() as conn:
        lo, hi = conn.execute(select(func.min(Population.year), func.max(Population.year))).one()
        if lo is None:
            return {}
        rows = conn.execute(
            select(QualityFlag.detail).where(
                QualityFlag.import_id.is_(None), QualityFlag.kind == "population_nearest_year"
            )
        ).scalars()
        details = [d if isinstance(d, dict) else json.loads(d or "{}") for d in rows]
    out: dict[str, int] = {}
    if year > hi or year < lo:
        out_of_range = hi if year > hi else lo
        # every kommune uses the nearest loaded year (and what that year itself stood in for)
        from geo import reference

        out = dict.fromkeys(reference.kommuner(CURRENT_STRUCTURE)["kommunenummer"], out_of_range)
        year = out_of_range
    for detail in details:
        if int(detail.get("year", 0)) == year:
            out.update(dict.fromkeys(detail.get("codes", []), int(detail["used"])))
    return out
