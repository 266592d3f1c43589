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
from sqlalchemy import Connection, Engine, func, insert, select
from tqdm import tqdm

from data.importers import derive, erviss, population_check, registry, store, vintage
from data.importers.base import (
    Flag,
    ImportFormatError,
    Parsed,
    Rejections,
    SourceFile,
    as_date,
    read_source,
    sparse_series,
)
from data.importers.texts import reason_text
from data.schema import DatasetMeta, Kommune, RejectedRow

BIG_FILE_ROWS = 50_000


class ImportRefused(RuntimeError):
    """The target database must not receive imports (it holds demo data)."""


@dataclass
class Staged:
    """A file parsed and validated in full, before anything is written: either ``parsed``
    (ready to be swapped in) or a refusal with its ``reason`` and ``message``."""

    src: SourceFile
    kind: registry.Kind | None
    description: str
    parsed: Parsed | None = None
    reason: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.parsed is not None


@dataclass
class ImportResult:
    file: str
    kind: str | None
    status: str  # loaded | unchanged | outdated | failed | refused | skipped
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

    @property
    def exit_code(self) -> int:
        """0 when every recognised file was loaded or unchanged; 1 when any file failed or was
        refused (or, for a named kind, not recognised), so scripts notice."""
        if any(r.status in ("failed", "refused") for r in self.results):
            return 1
        # an older vintage of data already loaded changes nothing, rightly
        outdated = any(r.status == "outdated" for r in self.results)
        return 0 if self.anything_loaded or outdated or not self.results else 1


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


def _resolve(src: SourceFile, group: str | None) -> tuple[registry.Kind | None, str]:
    detected, description = registry.identify(src)
    if group is None:
        return detected, description
    allowed = registry.kinds_in_group(group)
    if detected is not None and detected in allowed:
        return detected, description
    if detected is not None:
        raise ImportFormatError(
            "unknown_format",
            f"filen ser ut som {detected.group} ({description}), ikke {group}",
        )
    if description != "ukjent filtype":
        raise ImportFormatError("unsupported_layout", description)
    return allowed[0], description  # parse anyway, so that the failure is reported by line


# rejections that say the file as a whole is incomplete: it replaces nothing
TRUNCATION = ("truncated_file", "truncated_line")


def _has_values(parsed: Parsed) -> bool:
    """Whether the file gives its dataset anything: a value, a feature, a rule. Reference
    files that are only checked (names, the fylke crosswalk) have no facts to give."""
    if not parsed.facts and "geojson" not in parsed.extra:
        return True
    for name, frame in parsed.facts.items():
        if frame is None or frame.empty:
            continue
        if name != "reported_series" or frame["value"].notna().any():
            return True
    if "geojson" in parsed.extra:
        return bool(parsed.extra["geojson"]["features"])
    return bool(parsed.extra.get("runs") or parsed.extra.get("crosswalk") is not None)


def unaccounted(parsed: Parsed) -> int:
    """Lines read that are neither loaded, rejected nor skipped (0 when every row is
    accounted for). ``rows_read`` is counted on the raw text, independently of the parser."""
    return parsed.rows_read - (
        parsed.rows_loaded + len(parsed.rejects.lines()) + parsed.rows_skipped
    )


def stage(
    src: SourceFile,
    *,
    group: str | None = None,
    kind: registry.Kind | None = None,
    engine: Engine | None = None,
) -> Staged:
    """Recognise, parse and validate ``src`` in full, without writing to any store; with
    ``engine``, counts of a file without a population column are checked against the
    store's SSB population (:mod:`data.importers.population_check`)."""
    try:
        if kind is not None:
            description = kind.label
        else:
            kind, description = _resolve(src, group)
    except ImportFormatError as exc:
        return Staged(src, None, str(exc), reason=exc.reason, message=str(exc))
    if kind is None:
        if src.truncated:
            message = f"{src.path.name}: filen er avkortet (den komprimerte strømmen slutter "
            return Staged(
                src,
                None,
                description,
                reason="truncated_file",
                message=message + f"for tidlig) og ble ikke gjenkjent: {description}",
            )
        return Staged(src, None, description, reason="unknown_format", message=description)
    staged = Staged(src, kind, description)
    try:
        parsed = kind.parse(src)
    except ImportFormatError as exc:
        staged.reason, staged.message = exc.reason, str(exc)
        return staged
    except (ValueError, KeyError, TypeError, IndexError, UnicodeError) as exc:
        staged.reason, staged.message = "unreadable_file", f"{type(exc).__name__}: {exc}"
        return staged
    if engine is not None and parsed.extra.get("population_check"):
        with engine.connect() as conn:
            population_check.against_store(conn, parsed)
    rejects = parsed.rejects
    reasons = set(rejects.frame()["reason"]) if len(rejects) else set()
    name = src.path.name
    missing = unaccounted(parsed)
    if missing:
        # a safety net: the readers account for every line, so this is a bug, not data
        staged.reason = "rows_unaccounted"
        staged.message = (
            f"{name}: {parsed.rows_read} rader lest, men {parsed.rows_loaded} lastet, "
            f"{len(rejects.lines())} avvist og {parsed.rows_skipped} hoppet over; "
            "filen er ikke importert"
        )
        return staged
    if reasons & set(TRUNCATION):
        staged.reason = "truncated_file"
        staged.message = (
            f"{name}: filen er avkortet (slutter midt i en linje eller i den komprimerte "
            f"strømmen); {parsed.rows_loaded} av {parsed.rows_read} rader kunne leses, men en "
            "avkortet fil erstatter ingenting"
        )
        return staged
    if parsed.rows_loaded == 0 or not _has_values(parsed):
        # a file that loads nothing replaces nothing: the data it would supersede stay
        if len(rejects):
            first = rejects.frame().iloc[0]
            line = "" if pd.isna(first["line"]) else f"linje {int(first['line'])}, "
            field = "" if first["field"] is None or pd.isna(first["field"]) else first["field"]
            why = f"{line}felt {field}: {reason_text(str(first['reason']))} "
        else:
            why = "ingen rader med verdier "
        staged.reason = "nothing_loaded"
        staged.message = (
            f"{name} ({description}): {why}({len(rejects.lines())} linjer avvist, "
            f"{parsed.rows_skipped} hoppet over, ingen lastet)"
        )
        return staged
    staged.parsed = parsed
    return staged


def coverage(parsed: Parsed) -> dict[str, Any]:
    """What a dataset covers: its area levels, areas, measures and first and last date."""
    areas: set[str] = set()
    levels: set[str] = set()
    measures: set[str] = set()
    dates: list[Any] = []
    constants = parsed.extra.get("constants", {})
    for frame in parsed.facts.values():
        if frame is None or frame.empty:
            continue
        if "value" in frame.columns:
            frame = frame[frame["value"].notna()]
        level = frame["area_level"].astype(str) if "area_level" in frame.columns else None
        if "area_code" in frame.columns:
            codes = frame["area_code"].astype(str)
            keys = codes if level is None else level + ":" + codes
            areas |= set(keys.unique())
        if level is not None:
            levels |= set(level.unique())
        if "measure" in frame.columns:
            measures |= set(frame["measure"].astype(str).unique())
        if "dose_number" in frame.columns:
            measures |= {f"dose_{int(d)}" for d in frame["dose_number"].unique()}
        if "date" in frame.columns and len(frame):
            dates += [frame["date"].min(), frame["date"].max()]
    if "geojson" in parsed.extra:
        areas |= {f["id"] for f in parsed.extra["geojson"]["features"]}
    if "area_level" in constants:
        levels.add(str(constants["area_level"]))
    if "area_code" in constants and not areas:
        areas.add(str(constants["area_code"]))
    if "measure" in constants:
        measures.add(str(constants["measure"]))
    first = as_date(min(dates)) if dates else parsed.period_start
    last = as_date(max(dates)) if dates else parsed.data_date
    return {
        "levels": sorted(levels),
        "areas": sorted(areas),
        "measures": sorted(measures),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "rows": parsed.rows_loaded,
    }


def shrinkage(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What replacing ``old`` by ``new`` would remove (empty when new covers old)."""
    lost: dict[str, Any] = {}
    if old.get("levels") and new["levels"] != old["levels"]:
        lost["levels"] = old["levels"]
    missing = sorted(set(old.get("areas", [])) - set(new["areas"]))
    if missing:
        lost["areas"] = missing
    measures = sorted(set(old.get("measures", [])) - set(new["measures"]))
    if measures:
        lost["measures"] = measures
    if old.get("first") and (new["first"] is None or new["first"] > old["first"]):
        lost["first"] = old["first"]
    if old.get("last") and (new["last"] is None or new["last"] < old["last"]):
        lost["last"] = old["last"]
    return lost


def describe_loss(lost: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if "levels" in lost:
        parts.append(f"nivå {','.join(lost['levels'])} (ny fil: {','.join(new['levels'])})")
    if "areas" in lost:
        shown = ", ".join(lost["areas"][:8]) + (" …" if len(lost["areas"]) > 8 else "")
        parts.append(f"{len(lost['areas'])} av {len(old['areas'])} områder ({shown})")
    if "measures" in lost:
        parts.append(f"målene {', '.join(lost['measures'])}")
    if "first" in lost:
        parts.append(f"datoene fra {lost['first']} til {new['first']}")
    if "last" in lost:
        parts.append(f"datoene etter {new['last']} til og med {lost['last']}")
    return "; ".join(parts)


def _active_coverage(conn: Connection, dataset: str) -> dict[str, Any] | None:
    from data.schema import ImportRun

    rows = conn.execute(
        select(ImportRun.detail, ImportRun.period_start, ImportRun.data_date).where(
            ImportRun.dataset == dataset, ImportRun.status == "active"
        )
    ).all()
    if not rows:
        return None
    detail, start, end = rows[-1]
    found = (detail or {}).get("coverage")
    if found:
        return dict(found)
    return {
        "levels": [],
        "areas": [],
        "measures": [],
        "first": start.isoformat() if start else None,
        "last": end.isoformat() if end else None,
    }


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
            kind, _description = _resolve(src, group)
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
        old_coverage = _active_coverage(conn, parsed.dataset)
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
            kind, description = _resolve(src, group)
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
