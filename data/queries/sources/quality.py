"""Findings about the loaded data for the Datakvalitet page: rejected rows, quality flags,
missing population, code vintages, arrivals without F/D-number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from data import db
from data.cache import cached
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.importers.derive import crosswalk
from data.importers.texts import flag_text, reason_text
from data.protection import protect
from data.queries.frames import read_frame
from data.queries.sources._shared import active_or_failed, as_date, is_national
from data.schema import (
    AggArrivalsDaily,
    ImportRun,
    Kommune,
    Population,
    QualityFlag,
    RejectedRow,
    ReportedCoverage,
    ReportedSpan,
)
from data.scope import Scope


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
        .where(RejectedRow.import_id.in_(active_or_failed()))
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
    if not is_national(scope):
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
        .where(RejectedRow.import_id.in_(active_or_failed()))
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
        .where(QualityFlag.import_id.is_(None) | QualityFlag.import_id.in_(active_or_failed()))
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
        "start": as_date(frame["start"].min()),
        "end": as_date(frame["end"].max()),
        "by_kommune": top.reset_index(drop=True),
    }


@cached(process=True)
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
