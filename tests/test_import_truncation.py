"""A cut inside the last line of an uncompressed file (issue 18): told apart from a complete
file written without a final line break by the line's fields, judged against the lines
before it (:func:`data.importers.base.cut_last_line`). Real files from ../shared/realdata;
skipped with the reason when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.importers import runner
from data.importers.base import read_source

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
NATION_DAILY = REALDATA / "fhi_covidnor" / "covidnor_nation_daily.csv"

pytestmark = pytest.mark.skipif(
    not NATION_DAILY.is_file(), reason=f"real data not available at {NATION_DAILY}"
)


def _text() -> str:
    return NATION_DAILY.read_text(encoding="utf-8")


def _stage(tmp_path: Path, text: str) -> runner.Staged:
    path = tmp_path / "covidnor_nation_daily.csv"
    path.write_text(text, encoding="utf-8")
    return runner.stage(read_source(path))


def test_complete_file_without_final_line_break_loads_every_row(tmp_path: Path) -> None:
    text = _text()
    rows = text.count("\n") - 1
    staged = _stage(tmp_path, text.rstrip("\n"))
    assert staged.parsed is not None, staged.message
    assert staged.parsed.rows_loaded == staged.parsed.rows_read == rows


def test_every_cut_inside_the_last_field_is_refused(tmp_path: Path) -> None:
    """The last field is the population (``5425270``): every cut inside it still parses as
    a number, and each is refused as truncated; so are cuts that leave fewer fields."""
    body = _text().rstrip("\n")
    last = body[body.rfind("\n") + 1 :]
    population = last.rsplit(",", 1)[1]
    assert population == "5425270"
    field_start = len(body) - len(population)
    cuts = [*range(field_start + 1, len(body)), field_start, field_start - 5, field_start - 30]
    for end in cuts:
        staged = _stage(tmp_path, body[:end])
        assert staged.parsed is None, (end, body[end - 20 : end])
        assert staged.reason == "truncated_file"
        assert "avkortet" in staged.message


def test_a_cut_of_a_varying_integer_is_undetectable(tmp_path: Path) -> None:
    """The documented limit: in a column of integers of varying width (daily cases by
    registration date here), a cut that drops the last digits leaves a valid value, and the
    file reads as complete (the last day's 85 cases read as 8)."""
    lines = _text().rstrip("\n").split("\n")
    column = lines[0].split(",").index("cases_by_regdate_n")
    kept = [",".join(line.split(",")[: column + 1]) for line in lines]
    assert kept[-1].endswith(",85")
    staged = _stage(tmp_path, "\n".join(kept)[:-1])
    assert staged.parsed is not None, staged.message
    assert staged.parsed.rows_loaded == len(lines) - 1


ERVISS = REALDATA / "ecdc_erviss" / "sentinelTestsDetectionsPositivity_2026-01-23.csv.gz"


@pytest.mark.skipif(not ERVISS.is_file(), reason=f"real data not available at {ERVISS}")
def test_a_cut_decimal_in_a_column_of_mixed_forms_is_refused(tmp_path: Path) -> None:
    """ERVISS's value column holds counts (44) and percentages (24.6): a last value cut to
    ``24.`` has a form the column does not have and ends in its decimal point: refused; the
    same file complete, without its final line break, loads every row."""
    import gzip

    lines = gzip.decompress(ERVISS.read_bytes()).decode("utf-8").rstrip("\n").split("\n")
    decimal = next(i for i in range(len(lines) - 1, 0, -1) if "." in lines[i].rsplit(",", 1)[1])
    lines.append(lines.pop(decimal))  # a percentage last
    path = tmp_path / "sentinelTestsDetectionsPositivity_2026-01-23.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    complete = runner.stage(read_source(path))
    assert complete.parsed is not None, complete.message
    assert complete.parsed.rows_read == len(lines) - 1
    text = "\n".join(lines)
    path.write_text(text[: text.rindex(".") + 1], encoding="utf-8")
    staged = runner.stage(read_source(path))
    assert staged.parsed is None and staged.reason == "truncated_file", staged.message
