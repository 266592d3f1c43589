"""A store with influenza beside covid-19 for the disease tests: a copy of the session's tiny
demo with influenza cases added through the loader (:func:`data.load.bulk_insert`, then the
aggregates, key figures and signals rebuilt as a load does): every third covid-19 case of the
demo, as influenza, so the two diseases' numbers differ everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select, text

FLU = "influensa"


def influenza_app(
    app: Any, settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """An app of its own on the demo with influenza cases (a module fixture's body); the
    process default data layer comes back afterwards."""
    from dashboard.app_factory import create_app, data_layer
    from data import aggregates, db
    from data.load import bulk_insert, bump_data_version
    from data.schema import Case
    from data.signals_build import compute
    from tests.conftest import test_directory
    from tests.stores import copy_stores

    demo = data_layer(app)
    demo.dispose()  # nothing connected to the originals while they are copied
    urls = copy_stores(
        {"database_url": demo.url("main"), "tracing_database_url": demo.url("tracing")},
        tmp_path_factory.mktemp("influenza"),
    )
    before = db.default()
    with db.using(**urls) as layer:
        engine = layer.engine()
        with engine.begin() as conn:
            covid = pd.read_sql(select(Case).where(Case.disease == "covid19"), conn)
            flu = covid.iloc[::3].drop(columns=["id"]).assign(disease=FLU, cluster_id=None)
            bulk_insert(conn, Case.__table__, flu)
            aggregates.refresh(conn)
            bump_data_version(conn)
        compute(engine, disease=FLU, progress=False)
    built = create_app(settings.model_copy(update=urls), directory=test_directory())
    if before is not None:
        db.install(before)
    yield built
    data_layer(built).dispose()


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
