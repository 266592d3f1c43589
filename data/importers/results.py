"""The results of an import run: one per file, and the report of a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
