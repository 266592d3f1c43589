"""Norway's ERVISS sentinel positivity as ``data.queries.national`` reads it from a store the
importer filled from a small ERVISS file: a week the file has a zero for reads 0, a week the
file leaves out (inside the series) reads «not reported» (NaN), never zero; a disease without
an ERVISS series (the new pathogen) has none."""

from __future__ import annotations

import datetime as dt
import gzip
import math
from pathlib import Path

import pytest

HEADER = "survtype,countryname,yearweek,pathogen,pathogentype,pathogensubtype,indicator,age,value"
ROW = "primary care sentinel,{country},{week},Influenza,Influenza,total,positivity,total,{value}"
ROWS = {"2024-W01": "12.5", "2024-W02": "0", "2024-W04": "7.1", "2024-W05": "3"}  # W03: none


@pytest.fixture(scope="module")
def sentinel_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from data import db
    from data.importers import runner
    from tests.stores import new_stores

    tmp = tmp_path_factory.mktemp("erviss")
    folder = tmp / "ecdc_erviss"
    folder.mkdir()
    lines = [HEADER]
    for week, value in ROWS.items():
        lines.append(ROW.format(country="Norway", week=week, value=value))
        lines.append(ROW.format(country="Sweden", week=week, value="99"))
    path = Path(folder / "sentinelTestsDetectionsPositivity_2024-02-09.csv.gz")
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    urls = new_stores(tmp)
    with db.using(**urls) as layer:
        db.upgrade()
        runner.run(layer.engine(), runner.folder_files(folder))
    return urls


def test_zero_and_unreported_weeks(sentinel_store) -> None:  # type: ignore[no-untyped-def]
    from data import db
    from data.queries import national

    with db.using(**sentinel_store):
        flu = national.sentinel_positivity(
            start=dt.date(2023, 12, 1), end=dt.date(2024, 3, 1), disease="influensa"
        )
        none = national.sentinel_positivity(
            start=dt.date(2023, 12, 1), end=dt.date(2024, 3, 1), disease="ukjent"
        )
    shown = {d.date().isoformat(): v for d, v in zip(flu["date"], flu["positivity"], strict=True)}
    assert list(shown) == ["2024-01-07", "2024-01-14", "2024-01-21", "2024-01-28", "2024-02-04"]
    assert shown["2024-01-07"] == 12.5 and shown["2024-01-14"] == 0.0
    assert math.isnan(shown["2024-01-21"])  # not reported: never a zero
    assert shown["2024-01-28"] == 7.1 and shown["2024-02-04"] == 3.0
    assert none.empty
