"""Files without a population column (issue 18): their counts are checked against the
store's SSB population, so a swapped column is rejected with file, line, field, value and
reason there too. Real files from ../shared/realdata; skipped with the reason when absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
SSB_2020 = REALDATA / "ssb_population" / "Personer2020.csv"
COUNTY_DAILY = REALDATA / "fhi_covidnor" / "covidnor_county_daily.csv.gz"
NATION_DAILY = REALDATA / "fhi_covidnor" / "covidnor_nation_daily.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (SSB_2020.is_file() and COUNTY_DAILY.is_file()),
        reason=f"real data not available at {REALDATA}",
    ),
]


@pytest.fixture(scope="module")
def ssb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A store holding SSB's 2020 population table only (built once)."""
    from data import db
    from data.importers import runner
    from tests.stores import new_stores

    urls = new_stores(tmp_path_factory.mktemp("ssb"))
    with db.using(**urls):
        db.upgrade()
        assert runner.run(db.engine(), [SSB_2020]).exit_code == 0
    yield urls


@pytest.fixture()
def store(ssb_store: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    from data import db
    from tests.stores import copy_stores

    with db.using(**copy_stores(ssb_store, tmp_path)):
        yield db


def swapped(source: Path, target: Path, rows: pd.Series) -> pd.DataFrame:
    """``source`` without its population column, the population written into the cases
    column of ``rows`` (a column swap); returns those rows with their line numbers."""
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    raw.loc[rows, "cases_by_regdate_n"] = raw.loc[rows, "pop_jan1_n"]
    raw = raw.drop(columns="pop_jan1_n")
    raw.to_csv(target, index=False)
    out = raw.loc[rows, ["cases_by_regdate_n"]].copy()
    out["line"] = out.index + 2  # the header is line 1
    return out


def rejected(db: Any, import_id: int) -> pd.DataFrame:
    from data.schema import RejectedRow

    with db.engine().connect() as conn:
        return pd.DataFrame(
            conn.execute(
                select(
                    RejectedRow.file,
                    RejectedRow.line,
                    RejectedRow.field,
                    RejectedRow.value,
                    RejectedRow.reason,
                ).where(RejectedRow.import_id == import_id)
            ).all(),
            columns=["file", "line", "field", "value", "reason"],
        )


@pytest.mark.parametrize("source", [COUNTY_DAILY, NATION_DAILY], ids=["county", "nation"])
def test_swapped_columns_without_population_column(store: Any, tmp_path: Path, source) -> None:
    from data.importers import runner

    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    rows = (raw["date"].between("2021-03-01", "2021-03-10")) & (raw["pop_jan1_n"] != "")
    if "fylkesnummer" in raw.columns:
        rows &= raw["fylkesnummer"].isin(["03", "46"])
    path = tmp_path / source.name.replace(".gz", "")
    swap = swapped(source, path, rows)
    assert len(swap) >= 10
    report = runner.run(store.engine(), [path])
    result = report.results[0]
    assert result.status == "loaded", result.message
    assert result.rows_read == len(raw)
    assert result.rows_rejected == len(swap)
    assert result.rows_loaded == len(raw) - len(swap)
    assert result.import_id is not None
    got = rejected(store, result.import_id)
    assert set(got["reason"]) == {"exceeds_population"}
    assert set(got["field"]) == {"cases_by_regdate_n"}
    assert set(got["file"]) == {str(path)}
    assert sorted(got["line"]) == sorted(swap["line"])
    by_line = dict(zip(got["line"], got["value"], strict=True))
    assert by_line == dict(zip(swap["line"], swap["cases_by_regdate_n"], strict=True))


def test_without_ssb_population_the_run_says_unchecked(tmp_path: Path) -> None:
    from data import db
    from data.importers import runner
    from data.schema import QualityFlag
    from tests.stores import new_stores

    with db.using(**new_stores(tmp_path)):
        db.upgrade()
        path = tmp_path / "nation.csv"
        raw = pd.read_csv(NATION_DAILY, dtype=str, keep_default_na=False)
        raw.drop(columns="pop_jan1_n").to_csv(path, index=False)
        result = runner.run(db.engine(), [path]).results[0]
        assert result.status == "loaded" and result.rows_rejected == 0
        with db.engine().connect() as conn:
            kinds = set(
                conn.execute(
                    select(QualityFlag.kind).where(QualityFlag.import_id == result.import_id)
                ).scalars()
            )
        assert "population_unchecked" in kinds
