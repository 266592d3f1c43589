"""Imports never lose good data (issue 18), on real files from ../shared/realdata.

* a file that loads nothing (header only, rows without values, only skipped rows, all rows
  rejected) leaves the published tables byte for byte as they were, and is refused;
* a folder gives the same store whatever the order or the names of its files;
* a stray quote cannot swallow rows: every line not loaded is reported;
* a truncated file is refused;
* a population in a count column (swapped columns) is rejected;
* a shrinking file replaces nothing without ``--replace``.

Skipped when ../shared/realdata is absent.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, select

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
COVIDNOR = REALDATA / "fhi_covidnor"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]

# bookkeeping of the imports themselves: a refused file is recorded there, nowhere else
BOOKKEEPING = {"import_run", "data_source_status", "rejected_row", "quality_flag"}
# columns naming the import run (their numbers depend on the order of the runs)
RUN_COLUMNS = {"import_id", "imported_at"}
SUBSET_KOMMUNER = ("0301", "1101", "1103", "5001")


def published_dump(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every published table's rows, sorted, without the columns that name an import run."""
    from data.schema import Base

    engine = create_engine(url)
    out: dict[str, Counter[tuple[Any, ...]]] = {}
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                if table.name in BOOKKEEPING:
                    continue
                columns = [c for c in table.columns if c.name not in RUN_COLUMNS]
                rows = conn.execute(select(*columns)).all()
                values = []
                for row in rows:
                    cells = []
                    for c, v in zip(columns, row, strict=True):
                        if c.name == "source" and table.name == "boundary_set":
                            v = str(v).split("|")[0]  # "kommune|import:<id>|<file>"
                        if table.name == "dataset_meta" and row[0] == "data_version":
                            v = "*"
                        if isinstance(v, dict | list):
                            v = json.dumps(v, sort_keys=True, default=str)
                        cells.append(v)
                    values.append(tuple(cells))
                out[table.name] = Counter(values)  # the rows as a multiset
    finally:
        engine.dispose()
    return out


def _subset_kommune_daily(folder: Path) -> Path:
    raw = pd.read_csv(COVIDNOR / "covidnor_municip_daily.csv.gz", dtype=str, keep_default_na=False)
    part = raw[raw["kommunenummer"].isin(SUBSET_KOMMUNER)]
    path = folder / "kommune_subset.csv"
    part.to_csv(path, index=False)
    return path


BASE_FILES = {
    "covidnor": COVIDNOR / "covidnor_nation_daily.csv",
    "msis": REALDATA / "fhi_surveillance_data" / "data_covid19_msis_by_time_sex_age_latest.csv",
    "sysvak": REALDATA
    / "fhi_surveillance_data"
    / "data_covid19_sysvak_by_location_sex_age_latest.csv.gz",
    "ssb-population": REALDATA / "ssb_population" / "Personer2020.csv",
    "boundaries": REALDATA / "geo" / "b2020" / "Kommuner-medium.json",
    "oxcgrt": REALDATA / "rules" / "oxcgrt_norway_daily_legacy202207.csv",
}


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store holding one real file of every kind (and a kommune subset), built once."""
    from data import db
    from data.importers import runner
    from tests.stores import new_stores

    folder = tmp_path_factory.mktemp("base")
    files = [*BASE_FILES.values(), _subset_kommune_daily(folder)]
    urls = new_stores(folder)
    with db.using(**urls):
        db.upgrade()
        report = runner.run(db.engine(), files)
    assert all(r.status == "loaded" for r in report.results), [
        (r.file, r.status, r.message) for r in report.results
    ]
    return {"urls": urls, "folder": folder, "subset": files[-1]}


@pytest.fixture()
def store(base_store: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A copy of the base store, configured as the data layer's database for one test."""
    from data import db
    from tests.stores import copy_stores

    urls = copy_stores(base_store["urls"], tmp_path)
    with db.using(**urls):
        yield {**urls, "tmp": tmp_path, "subset": base_store["subset"]}


def _header_and_rows(path: Path) -> tuple[str, list[str]]:
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    lines = text.splitlines()
    return lines[0], lines[1:]


def _without_values(header: str, rows: list[str], keep: set[str]) -> list[str]:
    """Rows whose value cells are emptied (only the key columns ``keep`` kept)."""
    frame = pd.read_csv(io.StringIO("\n".join([header, *rows])), dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column not in keep:
            frame[column] = ""
    return frame.to_csv(index=False).splitlines()


KEYS = {"date", "isoyear", "isoweek", "isoyearweek", "location_code", "kommunenummer"}


def zero_row_files(folder: Path, subset: Path) -> list[tuple[str, str, Path]]:
    """(group, description, file) for files of every kind that would load nothing."""
    out: list[tuple[str, str, Path]] = []

    def write(name: str, text: str | bytes) -> Path:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    for group, source in [
        ("covidnor", BASE_FILES["covidnor"]),
        ("covidnor", subset),
        ("msis", BASE_FILES["msis"]),
        ("sysvak", BASE_FILES["sysvak"]),
        ("oxcgrt", BASE_FILES["oxcgrt"]),
    ]:
        header, rows = _header_and_rows(source)
        stem = f"{group}_{source.name.split('.')[0]}"
        out.append((group, "header only", write(f"{stem}_header.csv", header + "\n")))
        if group == "covidnor":
            empty = _without_values(header, rows[:200], KEYS)
            out.append((group, "rows without values", write(f"{stem}_empty.csv", "\n".join(empty))))
    ssb = (REALDATA / "ssb_population" / "Personer2020.csv").read_bytes().decode("latin-1")
    ssb_lines = ssb.splitlines()
    pseudo = [line for line in ssb_lines if line.startswith('"K-Rest') or '"K-21' in line]
    out.append(("ssb-population", "header only", write("ssb_header.csv", ssb_lines[0] + "\n")))
    out.append(
        (
            "ssb-population",
            "only pseudo-regions (skipped rows)",
            write("ssb_pseudo.csv", ("\n".join([ssb_lines[0], *pseudo]) + "\n").encode("latin-1")),
        )
    )
    out.append(
        (
            "boundaries",
            "features without geometry",
            write(
                "no_geometry.json",
                '{"type":"FeatureCollection","features":['
                '{"type":"Feature","properties":{"kommunenummer":"0301"},"geometry":null}]}',
            ),
        )
    )
    return out


def test_zero_row_imports_change_no_published_table(store: dict[str, Any]) -> None:
    from data import db
    from data.importers import runner

    before = published_dump(store["database_url"])
    cases = zero_row_files(store["tmp"], store["subset"])
    assert len(cases) >= 10
    for group, description, path in cases:
        for mode in (group, None):  # the named kind, and recognised by content
            report = runner.run(db.engine(), [path], group=mode)
            result = report.results[0]
            assert result.status in ("failed", "skipped"), (path.name, description, result)
            assert report.exit_code != 0, (path.name, description, mode)
            assert result.message, (path.name, description)
    # every import above was refused: nothing published may differ, not one byte
    after = published_dump(store["database_url"])
    changed = [t for t in before if before[t] != after[t]]
    assert not changed, changed


def test_refusal_says_what_would_be_removed(store: dict[str, Any]) -> None:
    """Half the national file (a shorter period) replaces nothing; the message names the
    period it would have removed; --replace is the only way, and it is recorded."""
    from data import db
    from data.importers import runner
    from data.schema import ImportRun, QualityFlag

    header, rows = _header_and_rows(BASE_FILES["covidnor"])
    path = store["tmp"] / "nation_first_half.csv"
    path.write_text("\n".join([header, *rows[: len(rows) // 2]]) + "\n", encoding="utf-8")
    before = published_dump(store["database_url"])
    report = runner.run(db.engine(), [path])
    result = report.results[0]
    assert result.status == "refused" and report.exit_code != 0
    assert "2022-11-13" in result.message  # the last date that would be lost
    assert published_dump(store["database_url"]) == before
    forced = runner.run(db.engine(), [path], replace=True)
    assert forced.results[0].status == "loaded" and forced.exit_code == 0
    with db.engine().connect() as conn:
        run = conn.execute(
            select(ImportRun.detail).where(ImportRun.id == forced.results[0].import_id)
        ).scalar_one()
        flags = conn.execute(
            select(QualityFlag.kind).where(QualityFlag.import_id == forced.results[0].import_id)
        ).scalars()
        assert "replaced_smaller" in set(flags)
    assert run["replace"] is True and run["removed"]["last"] == "2022-11-13"


def test_folder_order_and_names_do_not_matter(store: dict[str, Any], tmp_path: Path) -> None:
    """The complete national file and its first half, under names that sort either way, and
    given in either order: the same store, and a non-zero exit because one file is refused."""
    from data import db
    from data.importers import runner
    from tests.stores import copy_stores

    header, rows = _header_and_rows(BASE_FILES["covidnor"])
    full = "\n".join([header, *rows]) + "\n"
    half = "\n".join([header, *rows[: len(rows) // 2]]) + "\n"
    msis_header, msis_rows = _header_and_rows(BASE_FILES["msis"])
    msis_half = "\n".join([msis_header, *msis_rows[:100]]) + "\n"
    dumps = []
    for i, (first, second) in enumerate([(full, half), (half, full)]):
        folder = tmp_path / f"folder{i}"
        folder.mkdir()
        (folder / "a_nation.csv").write_text(first, encoding="utf-8")
        (folder / "b_nation.csv").write_text(second, encoding="utf-8")
        (folder / "c_msis.csv").write_text(msis_half, encoding="utf-8")
        for order in (1, -1):
            (tmp_path / f"s{i}{order}").mkdir()
            db.engine().dispose()  # nothing connected to the original while it is copied
            urls = copy_stores(
                {
                    "database_url": store["database_url"],
                    "tracing_database_url": store["tracing_database_url"],
                },
                tmp_path / f"s{i}{order}",
            )
            with db.using(**urls):
                report = runner.run(db.engine(), runner.folder_files(folder)[::order])
            assert report.exit_code != 0
            dumps.append(published_dump(urls["database_url"]))
    assert all(d == dumps[0] for d in dumps[1:])


def test_stray_quote_reports_every_row_not_loaded(tmp_path: Path) -> None:
    """Two stray quotes in the name column of the real kommune file: the line with the
    opening quote is rejected, every other line (all of Eigersund and Stavanger) is loaded."""
    from data.importers import runner
    from data.importers.base import read_source

    raw = gzip.decompress((COVIDNOR / "covidnor_municip_daily.csv.gz").read_bytes()).decode()
    lines = raw.split("\n")
    first_eigersund = next(i for i, line in enumerate(lines) if ",1101,Eigersund," in line)
    last_stavanger = max(i for i, line in enumerate(lines) if ",1103,Stavanger," in line)
    lines[first_eigersund] = lines[first_eigersund].replace(",Eigersund,", ',"Eigersund,')
    lines[last_stavanger] = lines[last_stavanger].replace(",Stavanger,", ',Stavanger",')
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    staged = runner.stage(read_source(path))
    parsed = staged.parsed
    assert parsed is not None, staged.message
    data_lines = sum(1 for line in lines[1:] if line.strip())
    rejected = parsed.rejects.lines()
    assert parsed.rows_read == data_lines
    assert parsed.rows_loaded + len(rejected) == data_lines
    assert rejected == {first_eigersund + 1}
    facts = parsed.facts["reported_series"]
    cases = facts[facts["measure"] == "cases_by_regdate"]
    raw_frame = pd.read_csv(io.StringIO(raw), dtype={"kommunenummer": str})
    for code in ("1101", "1103"):
        expected = raw_frame.loc[raw_frame["kommunenummer"] == code, "cases_by_regdate_n"].sum()
        got = cases.loc[cases["area_code"] == code, "value"].sum()
        lost = 0
        if code == "1101":  # the rejected line's own cases
            row = raw_frame.iloc[first_eigersund - 1]
            lost = 0 if pd.isna(row["cases_by_regdate_n"]) else row["cases_by_regdate_n"]
        assert got == expected - lost, code


def test_truncated_files_are_refused(store: dict[str, Any]) -> None:
    """Half an SSB file (cut in the middle of a line) after the complete one, and a gzip file
    cut short: refused, the population and series unchanged, non-zero exit."""
    from data import db
    from data.importers import runner

    ssb = BASE_FILES["ssb-population"].read_bytes()
    half = store["tmp"] / "Personer2020_half.csv"
    half.write_bytes(ssb[: len(ssb) // 2])
    nation = gzip.compress(BASE_FILES["covidnor"].read_bytes())
    cut = store["tmp"] / "nation_cut.csv.gz"
    cut.write_bytes(nation[: len(nation) * 2 // 3])
    before = published_dump(store["database_url"])
    for path, group in ((half, "ssb-population"), (cut, "covidnor"), (half, None), (cut, None)):
        report = runner.run(db.engine(), [path], group=group)
        assert report.results[0].status in ("failed", "refused"), report.results[0]
        assert report.exit_code != 0
        assert "avkortet" in report.results[0].message
    assert published_dump(store["database_url"]) == before


def test_population_in_the_cases_column_is_rejected(store: dict[str, Any]) -> None:
    """Swapped columns: the population in the cases column is larger than any day's cases can
    be; every such row is rejected, the file's other rows stay."""
    from data.importers import runner
    from data.importers.base import read_source

    frame = pd.read_csv(store["subset"], dtype=str, keep_default_na=False)
    swapped = frame.copy()
    has_pop = (swapped["pop_jan1_n"] != "") & (swapped["kommunenummer"] == "0301")
    swapped.loc[has_pop, "cases_by_regdate_n"] = swapped.loc[has_pop, "pop_jan1_n"]
    path = store["tmp"] / "swapped.csv"
    swapped.to_csv(path, index=False)
    staged = runner.stage(read_source(path))
    assert staged.parsed is not None
    rejects = staged.parsed.rejects.frame()
    hit = rejects[rejects["field"] == "cases_by_regdate_n"]
    assert len(hit) == int(has_pop.sum())
    assert set(hit["reason"]) == {"exceeds_population"}
    assert staged.parsed.rows_loaded == len(frame) - int(has_pop.sum())


def test_cli_exit_code_for_a_refused_file(store: dict[str, Any], monkeypatch) -> None:
    from typer.testing import CliRunner

    from dashboard.cli import app

    header, _rows = _header_and_rows(BASE_FILES["covidnor"])
    path = store["tmp"] / "nation_header_only.csv"
    path.write_text(header + "\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", store["database_url"])
    monkeypatch.setenv("TRACING_DATABASE_URL", store["tracing_database_url"])
    result = CliRunner().invoke(app, ["import", "covidnor", str(path), "--no-progress"])
    assert result.exit_code != 0, result.output


def test_kommuner_without_geometry_are_listed(store: dict[str, Any]) -> None:
    """Boundaries without two kommuner (imported with --replace, as they cover less): the
    data layer, the command line and the map's summary name them; the map counts what it
    draws."""
    from typer.testing import CliRunner

    from callbacks.smittekart import undrawn_note
    from dashboard.cli import app
    from data import db
    from data.importers import runner
    from data.queries import sources

    data = json.loads(BASE_FILES["boundaries"].read_text(encoding="utf-8"))
    dropped = {"301", "1103"}  # Oslo and Stavanger (integer codes in this file)
    data["features"] = [
        f for f in data["features"] if str(f["properties"]["kommunenummer"]) not in dropped
    ]
    path = store["tmp"] / "Kommuner-without-two.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    refused = runner.run(db.engine(), [path])
    assert refused.results[0].status == "refused" and "0301" in refused.results[0].message
    assert runner.run(db.engine(), [path], replace=True).exit_code == 0
    assert sources.kommuner_without_geometry()[2020] == ["0301 Oslo", "1103 Stavanger"]
    env = {
        "DATABASE_URL": store["database_url"],
        "TRACING_DATABASE_URL": store["tracing_database_url"],
    }
    result = CliRunner(env=env).invoke(app, ["import", "boundaries", str(path), "--no-progress"])
    assert "2 kommuner uten geometri (ikke tegnet): 0301 Oslo, 1103 Stavanger" in result.output
    frame = pd.DataFrame({"name": ["Oslo", "Bergen", "Stavanger"], "drawn": [False, True, False]})
    note = undrawn_note(frame)
    assert note is not None and "Oslo, Stavanger" in str(note.children)
    assert undrawn_note(frame.assign(drawn=True)) is None
