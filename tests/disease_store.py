"""The raw rows the disease tests compare the pages with: the session's tiny demo has
influenza, RSV and the new pathogen beside covid-19 (``data.synthetic``), each loaded by the
real loader like covid-19."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import text

FLU = "influensa"


def raw(flu_app: Any, sql: str, **params: Any) -> pd.DataFrame:
    """A query on the app's main store."""
    from dashboard.app_factory import data_layer

    with data_layer(flu_app).engine().connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def cases_7d(flu_app: Any, disease: str, day: dt.date) -> dict[str, int]:
    """Cases by test date in the 7 days to ``day`` per kommune, from the raw ``case`` rows."""
    frame = raw(
        flu_app,
        'SELECT kommunenummer, COUNT(*) AS n FROM "case" WHERE disease = :d '
        "AND test_date BETWEEN :a AND :b GROUP BY kommunenummer",
        d=disease,
        a=day - dt.timedelta(days=6),
        b=day,
    )
    return dict(zip(frame["kommunenummer"].astype(str), frame["n"].astype(int), strict=True))
