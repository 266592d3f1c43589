"""Staging: a file recognised, parsed and validated in full before anything is written, with
the row accounting (every line read is loaded, rejected or skipped) and the refusals of a
truncated file or one that loads nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data.importers import population_check, registry
from data.importers.base import (
    ImportFormatError,
    Parsed,
    SourceFile,
)
from data.importers.texts import reason_text


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


def resolve(src: SourceFile, group: str | None) -> tuple[registry.Kind | None, str]:
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
            kind, description = resolve(src, group)
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
