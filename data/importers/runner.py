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
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select
from tqdm import tqdm

from data.importers import derive, erviss, registry, store, vintage
from data.importers.base import (
    Flag,
    ImportFormatError,
    Rejections,
    SourceFile,
    read_source,
    sparse_series,
)
from data.importers.completeness import active_coverage, coverage, describe_loss, shrinkage
from data.importers.results import ImportReport, ImportResult

# staging (parse and validate before writing) has a module of its own; its names stay here too
from data.importers.staging import TRUNCATION as TRUNCATION
from data.importers.staging import Staged as Staged
from data.importers.staging import resolve, stage
from data.importers.staging import unaccounted as unaccounted
from data.importers.texts import reason_text
from data.schema import DatasetMeta, Kommune, RejectedRow

BIG_FILE_ROWS = 50_000


class ImportRefused(RuntimeError):
    """The target database must not receive imports (it holds demo data)."""


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


def import_file(
    engine: Engine,
    path: Path,
    *,
    group: str | None = None,
    kind: registry.Kind | None = None,
    progress: bool = False,
    replace: bool = False,
) -> ImportResult:
    """Import one file (no derived-table refresh; see :func:`run`).

    The whole file is staged (parsed and validated) first; the dataset it would replace is
    swapped, in one transaction, only when the new one covers at least the same levels,
    areas, measures and period. ``replace`` allows a smaller dataset; it is recorded on the
    run, as a quality flag and in the audit log.
    """
    started = time.perf_counter()
    started_at = store.now()
    path = Path(path)
    try:
        src = read_source(path)
    except OSError as exc:
        return ImportResult(str(path), None, "failed", message=str(exc))
    if kind is None:
        try:
            kind, _description = resolve(src, group)
        except ImportFormatError as exc:
            if group is None:
                return ImportResult(str(path), None, "skipped", message=str(exc))
            return _failed(
                engine,
                src,
                registry.kinds_in_group(group)[0],
                exc.reason,
                str(exc),
                started,
                started_at,
            )
        if kind is None:
            return ImportResult(str(path), None, "skipped", message=_description)
    with engine.begin() as conn:
        existing = store.find_active(conn, kind=kind.name, checksum=src.checksum)
        if existing is not None:
            return _unchanged(conn, str(path), kind, existing, started)
        store.forget_failed(conn, checksum=src.checksum)
    staged = stage(src, kind=kind, engine=engine)
    if staged.parsed is None:
        return _failed(engine, src, kind, staged.reason, staged.message, started, started_at)
    parsed = staged.parsed
    rejects = parsed.rejects
    if src.encoding == "latin-1" and kind.name != "ssb_population":
        parsed.flags.append(Flag("encoding_fallback", severity="warning"))
    file = str(path)
    new_coverage = coverage(parsed)
    with engine.begin() as conn:
        previous = (
            vintage.active_vintage(conn, parsed.dataset) if "vintage" in parsed.detail else None
        )
        if previous is not None and parsed.detail["vintage"] < previous[1]:
            # an older vintage never replaces a newer one
            conn.rollback()
            return ImportResult(
                file=file,
                kind=kind.name,
                status="outdated",
                rows_read=parsed.rows_read,
                rows_skipped=parsed.rows_read,
                seconds=time.perf_counter() - started,
                message=f"{path.name}: utgaven {parsed.detail['vintage']} er eldre enn den som "
                f"er lastet ({previous[1]}); den nyere beholdes",
            )
        old_coverage = active_coverage(conn, parsed.dataset)
        lost = shrinkage(old_coverage, new_coverage) if old_coverage else {}
        if lost and not replace:
            removed = describe_loss(lost, old_coverage or {}, new_coverage)
            message = (
                f"{path.name}: ville ha fjernet {removed} fra datasettet som er lastet "
                "(bruk --replace for å erstatte med mindre data)"
            )
            conn.rollback()
            return _failed(
                engine,
                src,
                kind,
                "would_remove_data",
                message,
                started,
                started_at,
                status="refused",
            )
        if previous is not None:
            revised = vintage.revision(conn, previous, parsed)
            parsed.flags.append(revised)
            parsed.detail["revision"] = {"revised": revised.rows_affected, **revised.detail}
        if lost:
            parsed.flags.append(
                Flag("replaced_smaller", severity="warning", detail={"removed": lost})
            )
            parsed.detail["replace"] = True
            parsed.detail["removed"] = lost
            _audit_replace(conn, path, parsed.dataset, lost)
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
            detail={
                **parsed.detail,
                "kind": kind.name,
                "seconds": round(seconds, 3),
                "coverage": new_coverage,
            },
        )
        reasons = _reasons(conn, run_id)
    return _counted(
        file,
        kind,
        "loaded",
        run_id,
        parsed,
        rejected,
        started,
        facts=facts,
        reasons=reasons,
        message="erstattet med mindre data (--replace): "
        + describe_loss(lost, old_coverage or {}, new_coverage)
        if lost
        else "",
    )


def _audit_replace(conn: Connection, path: Path, dataset: str, lost: dict[str, Any]) -> None:
    """``--replace`` removed data: who ran it (the operating-system user of the command
    line), when, and what was removed, in the audit log."""
    import getpass
    import json

    from data.schema import AuditLog

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    conn.execute(
        insert(AuditLog).values(
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            user_id=f"cli:{user}"[:60],
            role="import",
            action="import_replace",
            kommunenummer=None,
            detail=json.loads(
                json.dumps({"dataset": dataset, "file": path.name, "removed": lost}, default=str)
            ),
        )
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


def _counted(
    file: str,
    kind: registry.Kind,
    status: str,
    run_id: int,
    rows: Any,
    rejected: int,
    started: float,
    **rest: Any,
) -> ImportResult:
    """The result of a run whose rows read, loaded and skipped are those of ``rows`` (the
    parse, or the stored run of the same bytes)."""
    return ImportResult(
        file=file,
        kind=kind.name,
        status=status,
        import_id=run_id,
        rows_read=rows.rows_read,
        rows_loaded=rows.rows_loaded,
        rows_rejected=rejected,
        rows_skipped=rows.rows_skipped,
        seconds=time.perf_counter() - started,
        **rest,
    )


def _unchanged(
    conn: Connection, file: str, kind: registry.Kind, run_id: int, started: float
) -> ImportResult:
    from data.schema import ImportRun

    run = conn.execute(select(ImportRun.__table__).where(ImportRun.id == run_id)).one()
    return _counted(
        file,
        kind,
        "unchanged",
        run_id,
        run,
        run.rows_rejected,
        started,
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
    *,
    status: str = "failed",
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
        status=status,
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


def plan(
    paths: list[Path], group: str | None = None
) -> tuple[list[tuple[registry.Kind, Path]], list[tuple[Path, str]]]:
    """Recognised files in import order, and the files no importer reads (with what they are).

    The order depends on the files' content only, never on their names or the order given:
    by kind, then by vintage (the date in the name of an ERVISS file, oldest first), then the
    larger file first (so a complete file comes before its truncated copy
    and the copy is refused), then the checksum. The same folder therefore gives the same
    store whatever its files are called.
    """
    known: list[tuple[tuple[int, str, int, str], registry.Kind, Path]] = []
    unknown: list[tuple[Path, str]] = []
    for path in paths:
        try:
            src = read_source(path)
            kind, description = resolve(src, group)
        except OSError as exc:
            unknown.append((path, str(exc)))
            continue
        except ImportFormatError as exc:
            unknown.append((path, str(exc)))
            continue
        if kind is None:
            unknown.append((path, description))
        else:
            # vintages of one publication oldest first, so that each newer one revises
            edition = ""
            if kind.name == "erviss":
                found = erviss.vintage_of(path.name)
                edition = found.isoformat() if found else ""
            known.append(((kind.order, edition, -len(src.text), src.checksum), kind, path))
    known.sort(key=lambda item: item[0])
    return [(kind, path) for _, kind, path in known], unknown


def run(
    engine: Engine,
    paths: list[Path],
    *,
    group: str | None = None,
    progress: bool = False,
    replace: bool = False,
) -> ImportReport:
    """Import ``paths`` (recognised by content unless ``group`` is given), then derive."""
    started = time.perf_counter()
    prepare(engine)
    results: list[ImportResult] = []
    known, unknown = plan(paths, group)
    for path, message in unknown:
        if group is None:
            results.append(ImportResult(str(path), None, "skipped", message=message))
        else:  # a file named as a kind it is not: a failure, recorded
            results.append(import_file(engine, path, group=group, progress=progress))
    files = tqdm(known, desc="Importerer", unit="fil", disable=not progress or len(known) < 2)
    for kind, path in files:
        files.set_postfix_str(path.name)
        results.append(
            import_file(engine, path, group=group, kind=kind, progress=progress, replace=replace)
        )
    report = ImportReport(results=results)
    if report.changed:
        with engine.begin() as conn:
            report.derived = derive.refresh(conn)
    report.seconds = time.perf_counter() - started
    return report
