"""Importers on small synthetic files written by the tests: validation, quarantine, artefacts,
idempotence, supersession, rule history, the CLI. No real data needed."""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from data.importers import registry, runner
from data.importers.base import read_source

HEADER = (
    "date,isoyear,isoweek,isoyearweek,location_code,kommunenummer,location_name,"
    "cases_by_regdate_n,vax_dose_1_by_regdate_n,pop_jan1_n"
)


def covidnor_line(date: str, code: str, cases: str = "1", dose: str = "", pop: str = "") -> str:
    d = pd.Timestamp(date)
    year, week, _ = d.isocalendar()
    return f"{date},{year},{week},{year}-{week:02d},municip_nor{code},{code},,{cases},{dose},{pop}"


def write(path: Path, lines: list[str], *, encoding: str = "utf-8", gz: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Any]:
    from data import db
    from tests.stores import new_stores

    with db.using(**new_stores(tmp_path)):
        db.upgrade("main")
        yield db.engine()


def rejected(engine: Any) -> set[tuple[Any, Any, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("select line, field, reason from rejected_row")).all()
    return {tuple(r) for r in rows}


def test_covidnor_rows_are_validated_and_bad_ones_quarantined(store: Any, tmp_path: Path) -> None:
    lines = [
        HEADER,
        covidnor_line("2021-03-01", "0301", "5", "10", "693494"),  # 2 good
        covidnor_line("2021-03-02", "0301", "0", "", ""),  # 3 good: zero and not available
        covidnor_line("2021-03-03", "0301", "-2"),  # 4 negative
        covidnor_line("2021-03-04", "0301", "abc"),  # 5 not a number
        covidnor_line("2021-03-05", "9999"),  # 6 unknown code
        covidnor_line("2021-03-06", "3101"),  # 7 a 2024 code in a 2020 file
        covidnor_line("2021-03-01", "0301", "7"),  # 8 duplicate of line 2
        covidnor_line("2021-03-07", "0301", "1000000000000"),  # 9 huge
        covidnor_line("2021-03-08", "0301", "1.5"),  # 10 not an integer
        "2021-13-01,2021,1,2021-01,municip_nor0301,0301,,1,,",  # 11 invalid date
        "2021-03-09;2021;9;2021-09;municip_nor0301;0301;;1;;",  # 12 wrong delimiter
        covidnor_line("2021-03-10", "3001", "3"),  # 13 good (Halden, renumbered in 2024)
        covidnor_line("2021-03-11", "301", "2"),  # 14 good: leading zero lost → 0301
        covidnor_line("2021-03-12", "1507", "3"),  # 15 good: split 1508/1580
    ]
    path = write(tmp_path / "municip_daily.csv", lines)
    report = runner.run(store, [path])
    (result,) = report.results
    assert result.kind == "covidnor_kommune_day"
    assert result.rows_read == 14
    assert result.rows_loaded == 5
    assert result.rows_rejected == 9
    got = rejected(store)
    assert {
        (4, "cases_by_regdate_n", "negative_count"),
        (5, "cases_by_regdate_n", "not_a_number"),
        (6, "kommunenummer", "unknown_code"),
        (7, "kommunenummer", "code_vintage_mismatch"),
        (8, "date", "duplicate_row"),
        (9, "cases_by_regdate_n", "implausibly_large"),
        (10, "cases_by_regdate_n", "not_an_integer"),
        (11, "date", "invalid_date"),
        (12, None, "wrong_field_count"),
    } <= got
    assert {line for line, _, _ in got} == {4, 5, 6, 7, 8, 9, 10, 11, 12}
    with store.connect() as conn:
        cases = dict(
            conn.execute(
                text("select kommunenummer || ' ' || date, cases_by_regdate from agg_cases_daily")
            ).all()
        )
        doses = conn.execute(
            text("select count(*) from reported_series where measure like 'doses%'")
        ).scalar_one()
        meta = dict(conn.execute(text("select key, value from dataset_meta")).all())
    assert cases == {
        "0301 2021-03-01": 5,
        "3101 2021-03-10": 3,  # 2020 code translated to 2024
        "0301 2021-03-11": 2,
        "1508 2021-03-12": 2,  # 3 split 0.5/0.5: the parts add up to the whole
        "1580 2021-03-12": 1,
    }
    assert doses == 1  # the empty dose cell is "not available", not a zero
    assert meta["is_demo"] == "false" and meta["case_date_basis"] == "registration"


def test_published_zero_and_not_available_are_kept_apart(store: Any, tmp_path: Path) -> None:
    from data.queries import sources
    from data.scope import Scope

    lines = [HEADER] + [
        covidnor_line(f"2021-03-0{d}", "0301", c, dose)
        for d, c, dose in ((1, "", ""), (2, "0", "4"), (3, "6", ""), (4, "0", "0"), (5, "", "1"))
    ]
    runner.run(store, [write(tmp_path / "d.csv", lines)])
    series = sources.reported_series(
        scope=Scope.full(), measure="cases_by_regdate", level="kommune", code="0301"
    )
    # span 02..04 with the zeros filled back in; 05 (empty after the last value) is absent,
    # 01 (before the first value) too
    assert series[["date", "value"]].astype(str).values.tolist() == [
        ["2021-03-02", "0.0"],
        ["2021-03-03", "6.0"],
        ["2021-03-04", "0.0"],
    ]
    doses = sources.reported_series(
        scope=Scope.full(), measure="doses_by_regdate_1", level="kommune", code="0301"
    )
    # the empty cell inside the span (03) is stored as "not available"
    assert doses["value"].isna().tolist() == [False, True, False, False]


def test_reregistration_spike_is_flagged_and_left_out(store: Any, tmp_path: Path) -> None:
    lines = [HEADER]
    for day in ("2021-11-17", "2021-11-18", "2021-11-19"):
        dose = "600000" if day == "2021-11-18" else "50"
        lines += [covidnor_line(day, "0301", "1", dose), covidnor_line(day, "4601", "1", "20")]
    runner.run(store, [write(tmp_path / "spike.csv", lines)])
    with store.connect() as conn:
        days = conn.execute(text("select distinct date from agg_vaccination_daily")).scalars().all()
        flagged = conn.execute(
            text("select count(*) from reported_series where quality_flag='reregistration_spike'")
        ).scalar_one()
        flag = conn.execute(
            text("select kind, date from quality_flag where kind='reregistration_spike'")
        ).one()
    assert sorted(map(str, days)) == ["2021-11-17", "2021-11-19"]  # ISO text on SQLite, dates on PG
    assert flagged == 2 and (flag[0], str(flag[1])) == ("reregistration_spike", "2021-11-18")


def test_reimport_changes_nothing_and_new_version_supersedes(store: Any, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", [HEADER, covidnor_line("2021-03-01", "0301", "5")])
    runner.run(store, [first])

    # the newest row's physical id: any insert or update changes it
    newest = "max(rowid)" if store.dialect.name == "sqlite" else "max(xmin::text::bigint)"

    def state() -> tuple[Any, ...]:
        with store.connect() as conn:
            counts = tuple(
                conn.execute(text(f"select count(*), {newest} from {t}")).one()
                for t in ("import_run", "reported_series", "data_source_status", "dataset_meta")
            )
            version = conn.execute(
                text("select value from dataset_meta where key='data_version'")
            ).scalar_one()
            return (*counts, version)

    before = state()
    again = runner.run(store, [first])
    assert [r.status for r in again.results] == ["unchanged"] and not again.changed
    assert state() == before
    newer = write(tmp_path / "b.csv", [HEADER, covidnor_line("2021-03-01", "0301", "9")])
    runner.run(store, [newer])
    with store.connect() as conn:
        runs = conn.execute(text("select file, status from import_run order by id")).all()
        value = conn.execute(text("select cases_by_regdate from agg_cases_daily")).scalar_one()
    assert [(Path(f).name, s) for f, s in runs] == [("a.csv", "superseded"), ("b.csv", "active")]
    assert value == 9


def test_ssb_both_layouts_latin1_and_pseudo_regions(store: Any, tmp_path: Path) -> None:
    p2020 = write(
        tmp_path / "p2020.csv",
        [
            '"region"\t"age"\t"Persons 2020"',
            '"K-3001 Halden"\t"0 years"\t256',
            '"K-3001 Halden"\t"105 years or older"\t1',
            '"K-1507 Ålesund"\t"40 years"\t1000',
            '"K-21-22 Svalbard and Jan Mayen"\t"0 years"\t0',
            '"K-3001 Halden"\t"ti år"\t5',
        ],
        encoding="latin-1",
    )
    p2024 = tmp_path / "p2024.csv"
    p2024.write_bytes(
        '"07459: Population, by region, age, contents and year"\r\n\r\n'
        '"region";"age";"Persons 2024"\r\n"K-3101 Halden";"0 years";286\r\n'
        '"K-1580 Haram";"1 year";9\r\n'
        '"K-Rest Divided municalities and unknown";"0 years";0\r\n'.encode("latin-1")
    )
    report = runner.run(store, [p2024, p2020])
    by_file = {Path(r.file).name: r for r in report.results}
    assert by_file["p2020.csv"].rows_loaded == 3 and by_file["p2020.csv"].rows_skipped == 1
    assert by_file["p2020.csv"].rows_rejected == 1 and by_file["p2020.csv"].reasons == {
        "unknown_category": 1
    }
    assert by_file["p2024.csv"].rows_loaded == 2 and by_file["p2024.csv"].rows_skipped == 1
    with store.connect() as conn:
        pop = {
            (s, k, y, a): n
            for s, k, y, a, n in conn.execute(
                text("select structure, kommunenummer, year, age_band, population from population")
            ).all()
        }
    assert pop[(2020, "3001", 2020, "0-11")] == 256
    assert pop[(2024, "3101", 2020, "0-11")] == 256  # 2020 published, translated to 2024
    assert pop[(2024, "1508", 2020, "40-44")] == 500  # 1507 split with weight 0.5
    assert pop[(2024, "3101", 2024, "0-11")] == 286
    assert pop[(2020, "1507", 2024, "0-11")] == 9  # 2024 → 2020 is a sum
    assert pop[(2024, "3101", 2022, "0-11")] == 256  # carried forward from 2020, and said so


def test_boundaries_codes_int_or_str(store: Any, tmp_path: Path) -> None:
    from data.queries import sources

    square = {
        "type": "Polygon",
        "coordinates": [[[10, 60], [11, 60], [11, 61], [10, 61], [10, 60]]],
    }
    features = [
        {"type": "Feature", "properties": {"kommunenummer": 301}, "geometry": square},
        {"type": "Feature", "properties": {"kommunenummer": 3001}, "geometry": square},
        {"type": "Feature", "properties": {"kommunenummer": 9999, "navn": "X"}, "geometry": square},
        {"type": "Feature", "properties": {"kommunenummer": 1101, "navn": "E"}, "geometry": None},
    ]  # fmt: skip
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = runner.run(store, [path])
    assert report.results[0].kind == "boundaries"
    assert rejected(store) == {
        (3, "kommunenummer", "unknown_code"),
        (4, "geometry", "invalid_geometry"),
    }
    geo = sources.boundary_geojson(structure=2020)
    assert geo is not None and [f["id"] for f in geo["features"]] == ["0301", "3001"]
    ring = geo["features"][0]["geometry"]["coordinates"][0]
    signed = sum((x2 - x1) * (y2 + y1) for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    assert signed > 0  # exterior clockwise, as plotly/d3 wants


def test_oxcgrt_rules_are_versioned_and_superseded_never_overwritten(
    store: Any, tmp_path: Path
) -> None:
    header = (
        "date,c8_internationaltravel,c1_school_closing,c1_flag,c2_workplace_closing,"
        "stringency_index"
    )
    days = pd.date_range("2021-01-01", periods=6).strftime("%Y-%m-%d")
    c8 = [0, 0, 3, 3, 3, 2]
    lines = (
        [header]
        + [f"{d},{v},0,,0,10.5" for d, v in zip(days, c8, strict=True)]
        + [
            "2021-01-07,,,,,",
            "2021-01-08,,,,,",
        ]
    )
    first = write(tmp_path / "ox1.csv", lines)
    report = runner.run(store, [first])
    assert report.results[0].rows_skipped == 2  # recording stopped: skipped, not rejected

    def c8_versions(columns: str, order: str) -> list[Any]:
        with store.connect() as conn:
            return conn.execute(
                text(
                    f"select {columns} from rule_version "
                    f"where rule_key='oxcgrt.c8_internationaltravel' order by {order}"
                )
            ).all()

    versions = c8_versions("id, valid_from, valid_to, supersedes_id", "valid_from")
    assert [(str(v[1]), str(v[2])) for v in versions] == [
        ("2021-01-01", "2021-01-02"),
        ("2021-01-03", "2021-01-05"),
        ("2021-01-06", "2021-01-06"),
    ]
    assert versions[1][3] == versions[0][0]
    # a corrected file: the level on 2021-01-06 was 1, not 2
    c8[-1] = 1
    lines[1:7] = [f"{d},{v},0,,0,10.5" for d, v in zip(days, c8, strict=True)]
    runner.run(store, [write(tmp_path / "ox2.csv", lines)])
    after = c8_versions("id, valid_from, parameters, supersedes_id, recorded_at", "id")
    assert len(after) == 4  # nothing overwritten, one version added
    assert after[-1][3] == versions[2][0]  # it supersedes the version it corrects
    parameters = after[-1][2]  # JSON text on SQLite, decoded by the driver on PostgreSQL
    assert (json.loads(parameters) if isinstance(parameters, str) else parameters)["level"] == 1


def test_demo_database_is_refused(store: Any, tmp_path: Path) -> None:
    from data.load import set_meta

    with store.begin() as conn:
        set_meta(conn, {"is_demo": "true"})
    with pytest.raises(runner.ImportRefused):
        runner.run(store, [write(tmp_path / "x.csv", [HEADER])])


def test_unreadable_file_fails_cleanly_and_retry_adds_nothing(store: Any, tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01 this is not a table\n")
    report = runner.run(store, [junk], group="covidnor")
    assert [r.status for r in report.results] == ["failed"]
    assert not report.anything_loaded
    assert rejected(store) == {(None, None, "unknown_format")}
    runner.run(store, [junk], group="covidnor")
    with store.connect() as conn:
        assert conn.execute(text("select count(*) from import_run")).scalar_one() == 1


def test_truncated_gzip_keeps_the_rows_before_the_cut(store: Any, tmp_path: Path) -> None:
    lines = [HEADER] + [covidnor_line(f"2021-03-{d:02d}", "0301", str(d)) for d in range(1, 29)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    src = read_source(path)
    assert src.truncated
    parsed = registry.KINDS["covidnor_kommune_day"].parse(src)
    reasons = set(parsed.rejects.frame()["reason"])
    assert {"truncated_file", "truncated_line"} <= reasons
    assert parsed.rows_loaded >= 5
    assert set(parsed.facts["reported_series"]["line"]) == set(range(2, 2 + parsed.rows_loaded))


def test_detection_by_content_not_name(tmp_path: Path) -> None:
    cases = {
        "a.txt": [HEADER, covidnor_line("2021-03-01", "0301")],
        "b.txt": [
            "date,isoyear,isoweek,isoyearweek,location_code,kommunenummer,cases_by_regdate_n",
            "2021-03-07,2021,9,2021-09,municip_nor0301,0301,1",
            "2021-03-14,2021,10,2021-10,municip_nor0301,0301,1",
        ],
        "c.txt": [
            "date,location_code,location_name,cases_by_testdate_n",
            "2021-03-01,nation_nor,Norge,1",
        ],
        "d.txt": ["kommunenummer_2020,kommunenummer_2024,weighting", "0301,0301,1.0"],
        "e.txt": ["something,else", "1,2"],
    }  # fmt: skip
    kinds = {}
    for name, lines in cases.items():
        kind = registry.detect(read_source(write(tmp_path / name, lines)))
        kinds[name] = kind.name if kind else None
    assert kinds == {
        "a.txt": "covidnor_kommune_day",
        "b.txt": "covidnor_kommune_week",
        "c.txt": "covidnor_nation_day",
        "d.txt": "crosswalk_kommune",
        "e.txt": None,
    }


def test_cli_import_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "inst"))
    for key in ("DATABASE_URL", "TRACING_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    from dashboard.cli import app

    good = write(tmp_path / "g.csv", [HEADER, covidnor_line("2021-03-01", "0301", "2")])
    result = CliRunner().invoke(app, ["import", "covidnor", str(good), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "lastet" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("nothing to import")
    result = CliRunner().invoke(app, ["import", "all", str(empty), "--no-progress"])
    assert result.exit_code == 1, result.output
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder / "x.csv", [HEADER, covidnor_line("2021-03-01", "0301", "-1")])
    write(folder / "y.csv", [HEADER, covidnor_line("2021-03-02", "0301", "4")])
    # x loads nothing and y covers another period than the file already loaded: both
    # are refused, nothing is replaced, and the exit code says so (issue 18)
    result = CliRunner().invoke(app, ["import", "all", str(folder), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "Negativt antall" in result.output
    assert "ville ha fjernet datoene fra 2021-03-01" in result.output
    result = CliRunner().invoke(
        app, ["import", "covidnor", str(folder / "y.csv"), "--replace", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert "erstattet med mindre data" in result.output


def test_datakvalitet_page_on_demo_data(client) -> None:
    import json

    from tests.dash_http import DQ_OUTPUTS, call

    client.get("/login/demo/admin")
    assert client.get("/datakvalitet").status_code == 200
    status, body, _ = call(client, outputs=DQ_OUTPUTS, inputs=[("dq-cards", "id", "dq-cards")])
    assert status == 200
    rendered = json.dumps(body, ensure_ascii=False)
    assert "syntetiske demodata" in rendered
    assert "mangler F/D-nummer" in rendered  # demo arrivals have the measure
    assert "demodata" in rendered
