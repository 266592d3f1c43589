"""What the derive steps share: the names of the measures and bands they read, and reading a
statement on the import's own connection into a frame."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection

TOTAL_AGE = "total"
ARTEFACT_FLAGS = ("reregistration_spike",)
CASE_MEASURES = {"cases_by_testdate": "cases_by_testdate", "cases_by_regdate": "cases_by_regdate"}
DOSE_MEASURES = {f"doses_by_regdate_{d}": d for d in (1, 2, 3, 4)}
SERIES_POPULATION = "population_jan1"  # a case series' own population column (covidnor)


def frame_of(conn: Connection, query: Any, columns: list[str]) -> pd.DataFrame:
    """Rows of ``query`` as a DataFrame, fetched as plain DBAPI tuples (dates stay ISO text on
    SQLite): building a million SQLAlchemy rows would cost more than the whole import."""
    result = conn.execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)
