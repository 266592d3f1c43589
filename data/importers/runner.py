"""Run imports: one file or a folder, idempotent, with bookkeeping and the derived tables.

For each file: checksum → if an active import of the same kind has the same checksum, nothing
happens ("unchanged"). Otherwise the file is parsed and validated (outside any transaction),
then in one transaction the previous import of the same dataset is superseded (its facts
removed, its run kept as history), the new run, facts, rejected rows, quality flags and a
``data_source_status`` row are written. After the last file the population, aggregates and
``dataset_meta`` are rebuilt once (:mod:`data.importers.derive`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select
from tqdm import tqdm

from data.importers import derive, registry, store
from data.importers.base import (
    Flag,
    ImportFormatError,
    Rejections,
    SourceFile,
    read_source,
    sparse_series,
)
from data.importers.texts import reason_text
from data.schema import DatasetMeta, Kommune, RejectedRow

BIG_FILE_ROWS = 50_000


class ImportRefused(RuntimeError):
    """The target database must not receive imports (it holds demo data)."""


@dataclass
class ImportResult:
    file: str
    kind: str | None
    status: str  # loaded | unchanged | failed | skipped
    import_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    facts: int = 0
    seconds: float = 0.0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ImportReport:
    results: list[ImportResult]
    derived: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def anything_loaded(self) -> bool:
        return any(r.status in ("loaded", "unchanged") and r.rows_loaded for r in self.results)

    @property
    def changed(self) -> bool:
        """Whether any data changed: a failed file changes none (it is refused before it
        supersedes anything)."""
        return any(r.status == "loaded" for r in self.results)


def prepare(engine: Engine) -> None:
    """Refuse a demo database; load the reference tables into an empty one."""
    from data.load import load_reference

    with engine.begin() as conn:
        is_demo = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == "is_demo")
        ).scalar_one_or_none()
        if is_demo == "true":
            raise ImportRefused(
                "Databasen inneholder demodata. Importer ekte data i en egen database, "
                "f.eks. DATA_DIR=instance/real situasjonsbilde import all <mappe>."
            )
        if not conn.execute(select(func.count()).select_from(Kommune)).scalar_one():
            load_reference(conn)


def _resolve(src: SourceFile, group: str | None) -> registry.Kind | None:
    detected = registry.detect(src)
    if group is None:
        return detected
    allowed = registry.kinds_in_group(group)
    if detected is not None and detected in allowed:
        return detected
    if detected is not None:
        raise ImportFormatError(
            "unknown_format",
            f"filen ser ut som {detected.group} ({detected.name}), ikke {group}",
        )
    return allowed[0]  # parse anyway, so that the failure is reported by line


def import_file(
    engine: Engine,
    path: Path,
    *,
    group: str | None = None,
    kind: registry.Kind | None = None,
    progress: bool = False,
) -> ImportResult:
    """Import one file (no derived-table refresh; see :func:`run`)."""
    started = time.perf_counter()
    started_at = store.now()
    path = Path(path)
    try:
        src = read_source(path)
    except OSError as exc:
        return ImportResult(str(path), None, "failed", message=str(exc))
    try:
        kind = kind or _resolve(src, group)
    except ImportFormatError as exc:
        kind = registry.kinds_in_group(group)[0] if group else None
        if kind is None:
            return ImportResult(str(path), None, "skipped", message=str(exc))
        return _failed(engine, src, kind, exc.reason, str(exc), started, started_at)
    if kind is None:
        return ImportResult(str(path), None, "skipped", message="ukjent filtype")
    with engine.begin() as conn:
        existing = store.find_active(conn, kind=kind.name, checksum=src.checksum)
        if existing is not None:
            return _unchanged(conn, str(path), kind, existing, started)
        store.forget_failed(conn, checksum=src.checksum)
    try:
        parsed = kind.parse(src)
    except ImportFormatError as exc:
        return _failed(engine, src, kind, exc.reason, str(exc), started, started_at)
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:
        return _failed(
            engine,
            src,
            kind,
            "unreadable_file",
            f"{type(exc).__name__}: {exc}",
            started,
            started_at,
        )
    rejects = parsed.rejects
    if parsed.rows_loaded == 0 and len(rejects):
        # a file whose every row is rejected replaces nothing: the data it would supersede
        # stay as they are, and the run is recorded as failed with its first rejection
        first = rejects.frame().iloc[0]
        line = "" if pd.isna(first["line"]) else f"linje {int(first['line'])}, "
        return _failed(
            engine,
            src,
            kind,
            "nothing_loaded",
            f"{path.name}: {line}felt {first['field']}: {reason_text(str(first['reason']))} "
            f"({len(rejects.lines())} linjer avvist, ingen lastet; eksisterende data er beholdt)",
            started,
            started_at,
        )
    if src.encoding == "latin-1" and kind.name != "ssb_population":
        parsed.flags.append(Flag("encoding_fallback", severity="warning"))
    file = str(path)
    with engine.begin() as conn:
        store.supersede(conn, dataset=parsed.dataset, remove=kind.remove)
        run_id = store.start_run(
            conn,
            kind=kind.name,
            dataset=parsed.dataset,
            source=kind.label,
            file=file,
            checksum=src.checksum,
            structure=parsed.structure,
            started_at=started_at,
        )
        facts = 0
        total = sum(len(f) for f in parsed.facts.values())
        bar = tqdm(
            total=total,
            unit="rad",
            unit_scale=True,
            desc=path.name,
            disable=not progress or total < BIG_FILE_ROWS,
            leave=False,
        )
        constants = {"import_id": run_id, "disease": "covid19", **parsed.extra.get("constants", {})}
        for table_name, frame in parsed.facts.items():
            tables = [(table_name, frame)]
            if table_name == "reported_series":
                stored, spans = sparse_series(frame)
                tables = [("reported_series", stored), ("reported_span", spans)]
                parsed.detail["values_published"] = int(frame["value"].notna().sum())
                parsed.detail["rows_stored"] = len(stored)
            for name, part in tables:
                table = _table(name)
                own = {k: v for k, v in constants.items() if k in table.c and k not in part.columns}
                facts += store.insert_rows(conn, table, part, constants=own, progress=bar)
        bar.close()
        if kind.store is not None:
            facts += kind.store(conn, parsed, run_id, file)
        rejected = store.store_rejections(conn, run_id=run_id, file=file, rejects=rejects)
        # every line is loaded, rejected or skipped: the read count is their sum
        parsed.rows_read = parsed.rows_loaded + len(rejects.lines()) + parsed.rows_skipped
        store.store_flags(conn, run_id=run_id, flags=parsed.flags)
        seconds = time.perf_counter() - started
        store.finish_run(
            conn,
            run_id=run_id,
            parsed=parsed,
            rows_rejected=rejected,
            source=kind.source,
            file=file,
            checksum=src.checksum,
            started_at=started_at,
            status="active",
            detail={**parsed.detail, "kind": kind.name, "seconds": round(seconds, 3)},
        )
        reasons = _reasons(conn, run_id)
    return ImportResult(
        file=file,
        kind=kind.name,
        status="loaded",
        import_id=run_id,
        rows_read=parsed.rows_read,
        rows_loaded=parsed.rows_loaded,
        rows_rejected=rejected,
        rows_skipped=parsed.rows_skipped,
        facts=facts,
        seconds=time.perf_counter() - started,
        reasons=reasons,
    )


def _table(name: str) -> Any:
    from data.schema import Base

    return Base.metadata.tables[name]


def _reasons(conn: Connection, run_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(RejectedRow.reason, func.count())
        .where(RejectedRow.import_id == run_id)
        .group_by(RejectedRow.reason)
        .order_by(func.count().desc())
    ).all()
    return {r: int(n) for r, n in rows}


def _unchanged(
    conn: Connection, file: str, kind: registry.Kind, run_id: int, started: float
) -> ImportResult:
    from data.schema import ImportRun

    run = conn.execute(select(ImportRun.__table__).where(ImportRun.id == run_id)).one()
    return ImportResult(
        file=file,
        kind=kind.name,
        status="unchanged",
        import_id=run_id,
        rows_read=run.rows_read,
        rows_loaded=run.rows_loaded,
        rows_rejected=run.rows_rejected,
        rows_skipped=run.rows_skipped,
        seconds=time.perf_counter() - started,
        message=f"importert {run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else "",
    )


def _failed(
    engine: Engine,
    src: SourceFile,
    kind: registry.Kind,
    reason: str,
    message: str,
    started: float,
    started_at: dt.datetime,
) -> ImportResult:
    rejects = Rejections()
    rejects.add_line(None, None, message[:200], reason)
    with engine.begin() as conn:
        store.forget_failed(conn, checksum=src.checksum)
        run_id = store.start_run(
            conn,
            kind=kind.name,
            dataset=f"failed:{kind.name}",
            source=kind.label,
            file=str(src.path),
            checksum=src.checksum,
            structure=None,
            started_at=started_at,
            status="failed",
        )
        store.store_rejections(conn, run_id=run_id, file=str(src.path), rejects=rejects)
        store.finish_run(
            conn,
            run_id=run_id,
            parsed=None,
            rows_rejected=1,
            source=kind.source,
            file=str(src.path),
            checksum=src.checksum,
            started_at=started_at,
            status="failed",
            detail={"kind": kind.name, "error": message},
        )
    return ImportResult(
        file=str(src.path),
        kind=kind.name,
        status="failed",
        import_id=run_id,
        rows_rejected=1,
        seconds=time.perf_counter() - started,
        message=f"{reason_text(reason)}: {message}",
        reasons={reason: 1},
    )


def folder_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in Path(folder).rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".md"
    )


def plan(paths: list[Path]) -> tuple[list[tuple[registry.Kind, Path]], list[Path]]:
    """Recognised files in import order, and the files no importer knows."""
    known: list[tuple[registry.Kind, Path]] = []
    unknown: list[Path] = []
    for path in paths:
        try:
            kind = registry.detect(read_source(path))
        except OSError:
            kind = None
        if kind is None:
            unknown.append(path)
        else:
            known.append((kind, path))
    known.sort(key=lambda kp: (kp[0].order, str(kp[1])))
    return known, unknown


def run(
    engine: Engine,
    paths: list[Path],
    *,
    group: str | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import ``paths`` (recognised by content unless ``group`` is given), then derive."""
    started = time.perf_counter()
    prepare(engine)
    results: list[ImportResult] = []
    if group is None:
        known, unknown = plan(paths)
        results += [
            ImportResult(str(p), None, "skipped", message="ukjent filtype") for p in unknown
        ]
        jobs: list[tuple[registry.Kind | None, Path]] = list(known)
    else:
        jobs = [(None, p) for p in paths]
    files = tqdm(jobs, desc="Importerer", unit="fil", disable=not progress or len(jobs) < 2)
    for kind, path in files:
        files.set_postfix_str(path.name)
        results.append(import_file(engine, path, group=group, kind=kind, progress=progress))
    report = ImportReport(results=results)
    if report.changed:
        with engine.begin() as conn:
            report.derived = derive.refresh(conn)
    report.seconds = time.perf_counter() - started
    return report
