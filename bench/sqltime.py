"""The bare SQL of what a callback reads: every statement it sends, replayed on a raw DBAPI
connection (execute + fetchall, no SQLAlchemy, pandas or Dash), timed.

``with SqlRecorder(engine) as rec: run_the_callback()`` collects the statements;
``rec.replay_ms()`` is the time the database needs for them, so the callback's server time
divided by it is the app's overhead (result building, figures, JSON) over bare SQL.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from sqlalchemy import Engine, event


class SqlRecorder:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        self.execute_ms = 0.0
        self._started = 0.0

    def _before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, parameters))
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.execute_ms += (time.perf_counter() - self._started) * 1000

    def __enter__(self) -> SqlRecorder:
        self.statements.clear()
        self.execute_ms = 0.0
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def replay_ms(self) -> float:
        """Run every recorded statement again on one raw connection; total ms."""
        reads = [
            (s, p)
            for s, p in self.statements
            if s.lstrip().upper().startswith(("SELECT", "WITH", "PRAGMA"))
        ]
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in reads:
                if parameters is None or parameters == () or parameters == {}:
                    cursor.execute(statement)
                else:
                    cursor.execute(statement, parameters)
                with contextlib.suppress(Exception):  # a statement without rows
                    cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
        return elapsed
