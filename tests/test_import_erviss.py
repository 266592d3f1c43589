"""ERVISS weekly respiratory files (issue 18): the Norway rows become national weekly series,
equal to the file's rows, and each file's vintage is kept: a newer vintage revises an older
one (and says what it changed), an older one never replaces a newer one.

Real files from ../shared/realdata/ecdc_erviss; skipped with the reason when absent.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
ERVISS = REALDATA / "ecdc_erviss"
FILES = {
    "rates": ERVISS / "ILIARIRates_2026-05-08.csv.gz",
    "sentinel": ERVISS / "sentinelTestsDetectionsPositivity_2026-01-23.csv.gz",
    "activity": ERVISS / "activityFluTypeSubtype_2026-05-08.csv.gz",
}

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not ERVISS.is_dir(), reason=f"ERVISS files not available at {ERVISS}"),
]
DISEASE = {"Influenza": "influenza", "RSV": "rsv", "SARS-CoV-2": "covid19"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def norway_rows(path: Path) -> pd.DataFrame:
    """The file's Norway rows keyed as the store keys them, computed here from the raw file:
    disease, measure, age_band, date (Sunday of the ISO week), value."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[raw["countryname"] == "Norway"].copy()
    raw["date"] = pd.to_datetime(raw["yearweek"] + "-7", format="%G-W%V-%u").astype(
        "datetime64[ns]"
    )
    raw["value"] = raw["value"].astype(float)
    raw["age_band"] = raw["age"]
    if "pathogen" in raw.columns:
        surv = raw["survtype"].map(
            {"primary care sentinel": "sentinel", "non-sentinel": "nonsentinel"}
        )
        measure = surv + "_" + raw["indicator"]
        sub = raw["pathogensubtype"].where(
            ~raw["pathogensubtype"].isin(["NA", "total"]), raw["pathogentype"]
        )
        raw["measure"] = measure.where(
            raw["pathogentype"] == raw["pathogen"], measure + "_" + sub.map(_slug)
        )
        raw["disease"] = raw["pathogen"].map(DISEASE)
    else:
        raw["measure"] = raw["indicator"].map({"ILIconsultationrate": "ili_consultation_rate"})
        raw["disease"] = "respiratory"
    return raw[["disease", "measure", "age_band", "date", "value"]].reset_index(drop=True)


KEYS = ["disease", "measure", "age_band", "date"]


def stored(conn: Any, import_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from data.schema import ReportedSeries as RS
    from data.schema import ReportedSpan as SP

    rows = pd.DataFrame(
        conn.execute(
            select(RS.disease, RS.measure, RS.age_band, RS.date, RS.value, RS.area_level,
                   RS.area_code, RS.period).where(RS.import_id == import_id)
        ).all(),
        columns=[*KEYS, "value", "area_level", "area_code", "period"],
    )  # fmt: skip
    rows["date"] = pd.to_datetime(rows["date"]).astype("datetime64[ns]")
    spans = pd.DataFrame(
        conn.execute(
            select(SP.disease, SP.measure, SP.zeros).where(SP.import_id == import_id)
        ).all(),
        columns=["disease", "measure", "zeros"],
    )
    return rows, spans


def assert_store_equals(conn: Any, import_id: int, expected: pd.DataFrame) -> None:
    """The stored series are the expected rows: every non-zero value at its key, every zero
    counted in the spans (zeros are stored sparsely), no other value; weeks without a row are
    empty, not zero."""
    rows, spans = stored(conn, import_id)
    assert set(rows["area_level"]) == {"nation"} and set(rows["area_code"]) == {"NO"}
    assert set(rows["period"]) == {"week"}
    values = rows[rows["value"].notna()].sort_values(KEYS).reset_index(drop=True)
    nonzero = expected[expected["value"] != 0].sort_values(KEYS).reset_index(drop=True)
    assert len(values) == len(nonzero)
    pd.testing.assert_frame_equal(values[[*KEYS, "value"]], nonzero[[*KEYS, "value"]])
    assert int(spans["zeros"].sum()) == int((expected["value"] == 0).sum())
    empty = rows[rows["value"].isna()].merge(expected, on=KEYS)
    assert empty.empty, "a week with a published value is stored as empty"


@pytest.fixture()
def fresh(tmp_path: Path) -> Iterator[Any]:
    from data import db
    from tests.stores import new_stores

    with db.using(**new_stores(tmp_path)):
        db.upgrade()
        yield db


def test_erviss_import_equals_the_norway_rows(fresh: Any) -> None:
    from data.importers import runner

    report = runner.run(fresh.engine(), list(FILES.values()))
    assert report.exit_code == 0
    by_file = {Path(r.file).name: r for r in report.results}
    with fresh.engine().connect() as conn:
        for path in FILES.values():
            result = by_file[path.name]
            assert result.status == "loaded", result.message
            expected = norway_rows(path)
            with gzip.open(path, "rt") as f:
                lines = sum(1 for _ in f) - 1
            assert result.rows_read == lines
            assert result.rows_loaded == len(expected)
            assert result.rows_rejected == 0
            assert result.rows_skipped == lines - len(expected)  # other countries
            assert result.import_id is not None
            assert_store_equals(conn, result.import_id, expected)
        assert {r.dataset for r in _runs(conn)} >= {
            "ecdc_erviss:rates", "ecdc_erviss:sentinel", "ecdc_erviss:activity",
        }  # fmt: skip


def _runs(conn: Any) -> list[Any]:
    from data.schema import ImportRun

    return list(conn.execute(select(ImportRun.__table__)).all())


def older_vintage(folder: Path) -> tuple[Path, pd.DataFrame]:
    """An older vintage of the ILI file, derived from it: the weeks before 2026-W10 only, with
    Norway's values of 2025-W50 … 2026-W05 as they might have stood before revision (10 %
    lower). Returns the file and the Norway rows whose value it changes."""
    raw = pd.read_csv(FILES["rates"], dtype=str, keep_default_na=False)
    raw = raw[raw["yearweek"] < "2026-W10"].copy()
    revised = (
        (raw["countryname"] == "Norway")
        & (raw["yearweek"] >= "2025-W50")
        & (raw["yearweek"] <= "2026-W05")
    )
    raw.loc[revised, "value"] = (raw.loc[revised, "value"].astype(float) * 0.9).round(1).astype(str)
    path = folder / "ILIARIRates_2026-03-06.csv.gz"
    with gzip.open(path, "wt", newline="") as f:
        raw.to_csv(f, index=False)
    return path, raw[revised]


def _datakvalitet_flags() -> pd.DataFrame:
    from data.queries import sources
    from data.scope import Scope

    return sources.quality_flags(scope=Scope.full())


def _active_ili(conn: Any) -> Any:
    from data.schema import ImportRun

    return conn.execute(
        select(ImportRun.__table__).where(
            ImportRun.dataset == "ecdc_erviss:rates", ImportRun.status == "active"
        )
    ).one()


def test_newer_vintage_revises_and_older_never_replaces(fresh: Any, tmp_path: Path) -> None:
    from data.importers import runner
    from data.schema import QualityFlag

    old, changed = older_vintage(tmp_path)
    newest = norway_rows(FILES["rates"])
    # older first: the newer revises it and says what it changed
    assert runner.run(fresh.engine(), [old]).exit_code == 0
    report = runner.run(fresh.engine(), [FILES["rates"]])
    assert [r.status for r in report.results] == ["loaded"], report.results[0].message
    with fresh.engine().connect() as conn:
        run = _active_ili(conn)
        assert run.file.endswith(FILES["rates"].name)
        assert_store_equals(conn, run.id, newest)
        flag = conn.execute(
            select(QualityFlag.__table__).where(
                QualityFlag.import_id == run.id, QualityFlag.kind == "vintage_revised"
            )
        ).one()
    differs = (
        changed["value"].astype(float).to_numpy()
        != changed.merge(
            newest.assign(yearweek=newest["date"].dt.strftime("%G-W%V")),
            left_on=["yearweek", "age"],
            right_on=["yearweek", "age_band"],
        )["value_y"].to_numpy()
    )
    assert flag.rows_affected == int(differs.sum()) > 0
    assert flag.detail["previous_vintage"] == "2026-03-06"
    assert flag.detail["first_week"] == "2025-12-14"  # Sunday of 2025-W50
    assert flag.detail["last_week"] == "2026-02-01"  # Sunday of 2026-W05
    new_weeks = newest[newest["date"] >= pd.Timestamp("2026-03-08")]  # 2026-W10 on
    assert flag.detail["added"] == len(new_weeks)
    # Datakvalitet's read of the flags shows what the newer vintage changed
    shown = _datakvalitet_flags()
    revised = shown[shown["kind"] == "vintage_revised"].iloc[0]
    assert revised["rows_affected"] == flag.rows_affected
    assert "nyere utgave" in revised["text"]
    assert revised["detail"]["first_week"] == "2025-12-14"

    # newer already loaded: the older is reported as outdated and changes nothing
    report = runner.run(fresh.engine(), [old])
    assert [r.status for r in report.results] == ["outdated"]
    assert report.exit_code == 0
    with fresh.engine().connect() as conn:
        again = _active_ili(conn)
        assert again.id == run.id
        assert_store_equals(conn, run.id, newest)


@pytest.mark.parametrize("order", [1, -1])
def test_vintages_in_one_folder_in_either_order(fresh: Any, tmp_path: Path, order: int) -> None:
    from data.importers import runner

    old, _changed = older_vintage(tmp_path)
    report = runner.run(fresh.engine(), [old, FILES["rates"]][::order])
    assert report.exit_code == 0
    assert sorted(r.status for r in report.results) == ["loaded", "loaded"]
    with fresh.engine().connect() as conn:
        run = _active_ili(conn)
        assert run.file.endswith(FILES["rates"].name)
        assert_store_equals(conn, run.id, norway_rows(FILES["rates"]))
    assert np.isfinite(report.results[-1].rows_per_second)
