"""Certificate status is read from stored daily series built at load time; a store loaded
before the series existed gets them from `situasjonsbilde setup`, with the same numbers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from data import cache, certificate_aggregates, db
from data.queries import certificates as certificate_queries
from data.schema import AggCertificateSeries
from data.scope import Scope

DAY = dt.date(2022, 1, 15)


def _series_rows() -> int:
    with db.engine().connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(AggCertificateSeries)).scalar_one()
        )


def test_encode_decode_round_trip() -> None:
    values = np.array([0, 1, 2, 70_000, 3], dtype=np.int64)
    blob = certificate_aggregates.encode(values)
    assert len(blob) == 4 * len(values)
    assert certificate_aggregates.decode(blob).tolist() == values.tolist()


def test_stored_series_equal_a_fresh_derivation(settings) -> None:  # type: ignore[no-untyped-def]
    end = certificate_queries.dataset_info(scope=Scope.full())["data_date"]
    with db.engine().connect() as conn:
        fresh = certificate_aggregates.kommune_series(
            conn, kommunenummer="0301", end=end, disease="covid19"
        )
    with db.current().variant(cache=cache.ResultCache()).active():  # no result cache
        stored = certificate_queries._kommune_daily(
            kommunenummer="0301", end=end, disease="covid19"
        )
    assert fresh["persons"].sum() > 0
    offset = fresh["first"] - stored["first"]
    assert offset >= 0
    width = fresh["persons"].shape[2]
    labels = fresh["persons"].shape[1]
    np.testing.assert_array_equal(
        stored["persons"][:, :labels, offset : offset + width], fresh["persons"]
    )
    assert stored["rule_ids"].tolist() == fresh["rule_ids"].tolist()


@pytest.mark.parametrize("kommunenummer", ["0301", "4601"])
def test_setup_rebuilds_missing_series_with_the_same_numbers(settings, kommunenummer) -> None:  # type: ignore[no-untyped-def]
    from dashboard.cli import app as cli

    before = certificate_queries.certificate_status(
        scope=Scope.full(), kommunenummer=kommunenummer, date=DAY
    )
    rows = _series_rows()
    assert rows > 0
    with db.engine().begin() as conn:
        conn.execute(delete(AggCertificateSeries))
    result = CliRunner().invoke(cli, ["setup", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Sertifikatseriene manglet og er bygget" in result.output
    assert _series_rows() == rows
    after = certificate_queries.certificate_status(
        scope=Scope.full(), kommunenummer=kommunenummer, date=DAY
    )
    assert after.equals(before)
    # a second run finds nothing missing
    again = CliRunner().invoke(cli, ["setup", "--no-progress"])
    assert "Sertifikatseriene manglet" not in again.output
