"""Generated variants of small files of every series kind (issue 18): truncation, stray and
unbalanced quotes, encodings, swapped and missing columns, wrong level, garbage lines and
garbage files. For each variant, staged as an import would (nothing is written):

* no exception escapes; a refused or unrecognised file comes with a message;
* rows read (counted on the raw text) = rows loaded + rows rejected + rows skipped;
* in a partially bad file every valid line is loaded and every bad line is rejected.

The files are generated here from a seeded random generator (the same 1,130 variants every
run), never copied from real data.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from data.importers import runner
from data.importers.base import read_source
from geo import reference

KOMMUNER = sorted(reference.kommuner(2020)["kommunenummer"])[:60]
FYLKER = sorted(reference.fylker(2020)["fylkesnummer"])
VARIANTS_PER_MUTATION = 120
KNOWN_REASONS = {
    "unknown_format",
    "unreadable_file",
    "nothing_loaded",
    "truncated_file",
    "unsupported_layout",
}


@dataclass
class Sample:
    """A file as lines, and which data lines (1-based physical numbers) are valid."""

    header: str
    rows: list[str]
    good: set[int] = field(default_factory=set)
    bad: set[int] = field(default_factory=set)
    skipped: set[int] = field(default_factory=set)  # read and passed over (other countries)
    expect: str = "partial"  # partial | refused | any

    def text(self) -> str:
        return "\n".join([self.header, *self.rows]) + "\n"


def covidnor_file(rng: random.Random, level: str) -> Sample:
    """A covidnor series of kommuner or fylker (2020 codes), with the file's own population."""
    number, prefix, codes, values = {
        "kommune": ("kommunenummer", "municip_nor", KOMMUNER,
                    "cases_by_regdate_n,vax_dose_1_by_regdate_n"),
        "fylke": ("fylkesnummer", "county_nor", FYLKER, "cases_by_testdate_n,cases_by_regdate_n"),
    }[level]  # fmt: skip
    header = f"date,isoyear,isoweek,isoyearweek,location_code,{number},location_name,{values}"
    header += ",pop_jan1_n"
    rows = []
    start = pd.Timestamp("2021-03-01") + pd.Timedelta(days=rng.randrange(300))
    for i in range(rng.randrange(5, 40)):
        d = start + pd.Timedelta(days=i)
        y, w, _ = d.isocalendar()
        code = rng.choice(codes)
        name = rng.choice(["Ålesund", "Bø", "Kárášjohka", "Oslo", ""])
        rows.append(
            f"{d:%Y-%m-%d},{y},{w},{y}-{w:02d},{prefix}{code},{code},{name},"
            f"{rng.randrange(0, 50)},{rng.choice(['', str(rng.randrange(0, 90))])},"
            f"{rng.randrange(2000, 9000)}"
        )
    return Sample(header, rows, good=set(range(2, len(rows) + 2)))


def kommune_file(rng: random.Random) -> Sample:
    return covidnor_file(rng, "kommune")


def county_file(rng: random.Random) -> Sample:
    return covidnor_file(rng, "fylke")


def msis_file(rng: random.Random) -> Sample:
    header = "granularity_time,age,sex,n,date,yrwk"
    rows = []
    sunday = pd.Timestamp("2021-01-10") + pd.Timedelta(weeks=rng.randrange(60))
    for i, age in enumerate(["0-9", "10-19", "20-29", "30-39", "40-49"][: rng.randrange(1, 6)]):
        for sex in ("female", "male"):
            d = sunday + pd.Timedelta(weeks=i)
            y, w, _ = d.isocalendar()
            rows.append(f"week,{age},{sex},{rng.randrange(0, 900)},{d:%Y-%m-%d},{y}-{w:02d}")
    return Sample(header, rows, good=set(range(2, len(rows) + 2)))


def ssb_file(rng: random.Random) -> Sample:
    header = '"region"\t"age"\t"Personer 2021"'
    rows = []
    for code in rng.sample(KOMMUNER, rng.randrange(2, 6)):
        for age in range(rng.randrange(1, 6)):
            rows.append(f'"K-{code} Sted"\t"{age} år"\t{rng.randrange(0, 9000)}')
    return Sample(header, rows, good=set(range(2, len(rows) + 2)))


def total_file(rng: random.Random) -> Sample:
    """FHI's ``total`` layout: cumulative cases per kommune up to the date of publishing."""
    header = "granularity_time,granularity_geo,location_code,n,pop,age,sex,date_of_publishing"
    rows = [
        f"total,municip,municip{code},{rng.randrange(0, 900)},{rng.randrange(1000, 9000)},"
        "total,total,2022-11-11"
        for code in rng.sample(KOMMUNER, rng.randrange(2, 30))
    ]
    return Sample(header, rows, good=set(range(2, len(rows) + 2)))


ERVISS_PATHOGENS = [
    ("Influenza", "Influenza", "total", "tests"),
    ("Influenza", "Influenza", "total", "detections"),
    ("Influenza", "Influenza A", "A(H3)", "detections"),
    ("RSV", "RSV", "RSV", "detections"),
    ("SARS-CoV-2", "SARS-CoV-2", "SARS-CoV-2", "tests"),
]


def erviss_file(rng: random.Random) -> Sample:
    """An ERVISS file (ILI rates or sentinel pathogens) of several countries: the Norway
    rows are loaded, the others read and skipped."""
    rates = rng.random() < 0.5
    if rates:
        header = "survtype,countryname,yearweek,indicator,age,value"
        cells = [("ILIconsultationrate", age) for age in ("0-4", "5-14", "15-64", "65+", "total")]
    else:
        header = (
            "survtype,countryname,yearweek,pathogen,pathogentype,pathogensubtype,indicator,"
            "age,value"
        )
        cells = [(p, "total") for p in ERVISS_PATHOGENS]
    sample = Sample(header, [])
    monday = pd.Timestamp("2022-01-03") + pd.Timedelta(weeks=rng.randrange(150))
    for week in range(rng.randrange(1, 6)):
        y, w, _ = (monday + pd.Timedelta(weeks=week)).isocalendar()
        for cell, age in rng.sample(cells, rng.randrange(1, len(cells) + 1)):
            country = rng.choice(["Norway", "Norway", "Sweden", "Austria"])
            if rates:
                row = f"primary care syndromic,{country},{y}-W{w:02d},{cell},{age},"
                row += f"{rng.randrange(0, 4000)}.{rng.randrange(10)}"
            else:
                pathogen, ptype, subtype, indicator = cell  # type: ignore[misc]
                row = (
                    f"primary care sentinel,{country},{y}-W{w:02d},{pathogen},{ptype},"
                    f"{subtype},{indicator},{age},{rng.randrange(0, 400)}"
                )
            sample.rows.append(row)
            number = len(sample.rows) + 1
            (sample.good if country == "Norway" else sample.skipped).add(number)
    return sample


BASES: list[Callable[[random.Random], Sample]] = [
    kommune_file,
    county_file,
    msis_file,
    ssb_file,
    total_file,
    erviss_file,
]


def _sep(sample: Sample) -> str:
    return "\t" if "\t" in sample.header else ","


# ------------------------------------------------------------------ mutations
def stray_quote(s: Sample, rng: random.Random) -> Sample:
    """A quote opening a (not last) field on some lines: those lines are rejected."""
    sep = _sep(s)
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(s.rows))
        fields = s.rows[i].split(sep)
        j = rng.randrange(len(fields) - 1)
        fields[j] = '"' + fields[j].strip('"')  # opened, never closed
        s.rows[i] = sep.join(fields)
        s.good.discard(i + 2)
        s.skipped.discard(i + 2)
        s.bad.add(i + 2)
    return s


def garbage_lines(s: Sample, rng: random.Random) -> Sample:
    junk = ["x", "1;2;3", "9" * 30, "\x00\x01", ",,,", "<html>", "æøå,,", '"', "a\tb"]
    for _ in range(rng.randrange(1, 5)):
        at = rng.randrange(len(s.rows) + 1)
        s.rows.insert(at, rng.choice(junk) + str(rng.randrange(10)))
        number = at + 2
        s.good = {n + 1 if n >= number else n for n in s.good}
        s.skipped = {n + 1 if n >= number else n for n in s.skipped}
        s.bad = {n + 1 if n >= number else n for n in s.bad} | {number}
    return s


def bad_values(s: Sample, rng: random.Random) -> Sample:
    sep = _sep(s)
    erviss = s.header.startswith("survtype")
    column = -1 if s.header.startswith(('"region"', "survtype")) else -3
    if s.header.startswith("gran"):
        column = 3
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(s.rows))
        if i + 2 in s.skipped:
            continue  # another country's values are not read
        fields = s.rows[i].split(sep)
        # 2.5 is a valid rate (ERVISS): not a bad value there
        fields[column] = rng.choice(["-4", "tre", "1e15"] + ([] if erviss else ["2.5"]))
        s.rows[i] = sep.join(fields)
        s.good.discard(i + 2)
        s.bad.add(i + 2)
    return s


def blank_lines(s: Sample, rng: random.Random) -> Sample:
    at = rng.randrange(len(s.rows) + 1)
    s.rows.insert(at, "")
    number = at + 2
    s.good = {n + 1 if n >= number else n for n in s.good}
    s.skipped = {n + 1 if n >= number else n for n in s.skipped}
    s.bad = {n + 1 if n >= number else n for n in s.bad}
    return s


def truncate(s: Sample, rng: random.Random) -> Sample:
    s.expect = "refused"
    return s  # cut in bytes by the writer


def swap_columns(s: Sample, rng: random.Random) -> Sample:
    """Two header names swapped: rows fail, or load with their values judged as the new
    column's (population in a count column is rejected)."""
    sep = _sep(s)
    cols = s.header.split(sep)
    a, b = rng.sample(range(len(cols)), 2)
    cols[a], cols[b] = cols[b], cols[a]
    s.header = sep.join(cols)
    s.expect = "any"
    return s


def missing_column(s: Sample, rng: random.Random) -> Sample:
    sep = _sep(s)
    cols = s.header.split(sep)
    k = rng.randrange(len(cols))
    s.header = sep.join(c for i, c in enumerate(cols) if i != k)
    s.rows = [sep.join(f for i, f in enumerate(r.split(sep)) if i != k) for r in s.rows]
    s.expect = "any"
    return s


def wrong_level(s: Sample, rng: random.Random) -> Sample:
    """County codes in a kommune file (or kommune codes in a county file)."""
    s.rows = [
        r.replace("municip_nor", "county_nor").replace("county_nor", "municip_nor", 0)
        if "municip_nor" in r
        else r.replace("county_nor", "municip_nor")
        for r in s.rows
    ]
    s.expect = "any"
    return s


def garbage_file(s: Sample, rng: random.Random) -> Sample:
    s.header = "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(0, 80)))
    s.rows = ["".join(chr(rng.randrange(1, 255)) for _ in range(40)) for _ in range(5)]
    s.expect = "any"
    return s


MUTATIONS = {
    "stray_quote": stray_quote,
    "garbage_lines": garbage_lines,
    "bad_values": bad_values,
    "blank_lines": blank_lines,
    "truncate": truncate,
    "swap_columns": swap_columns,
    "missing_column": missing_column,
    "wrong_level": wrong_level,
    "garbage_file": garbage_file,
}
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252")


def _write(path: Path, sample: Sample, encoding: str, gz: bool, cut: bool, rng: random.Random):
    data = sample.text().encode(encoding, errors="replace")
    if gz:
        data = gzip.compress(data)
    if cut:
        body_start = len(sample.header) + 1
        # in the middle of a data line (never on its end): the file is visibly incomplete
        if not gz:
            # before the line's last separator: a cut inside the last field of the last line
            # cannot be told from a file that merely lacks its final line break
            text = sample.text()
            line = rng.randrange(len(sample.rows))
            offset = body_start + sum(len(r) + 1 for r in sample.rows[:line])
            last_sep = sample.rows[line].rfind(_sep(sample))
            at = offset + rng.randrange(1, max(2, last_sep))
            data = text[:at].encode("utf-8")
        else:
            data = data[: max(20, len(data) * rng.randrange(30, 90) // 100)]
    path.write_bytes(data)


def test_generated_variants(tmp_path: Path) -> None:
    rng = random.Random(18)
    counts: dict[str, int] = {}
    by_base: dict[str, int] = {}
    total = 0
    for name, mutate in MUTATIONS.items():
        for n in range(VARIANTS_PER_MUTATION + (50 if name == "stray_quote" else 0)):
            base = rng.choice(BASES)
            sample = mutate(base(rng), rng)
            encoding = rng.choice(ENCODINGS) if name != "truncate" else "utf-8"
            gz = rng.random() < 0.3
            path = tmp_path / f"{name}_{n}.csv{'.gz' if gz else ''}"
            _write(path, sample, encoding, gz, name == "truncate", rng)
            staged = runner.stage(read_source(path))  # no exception may escape
            where = (name, n, base.__name__, encoding, gz)
            total += 1
            if staged.parsed is None:
                outcome = "refused"
                assert staged.message.strip(), where
                assert staged.reason in KNOWN_REASONS, (where, staged.reason, staged.message)
                if name == "truncate":
                    assert staged.reason in ("truncated_file", "nothing_loaded"), where
                else:
                    assert sample.expect != "partial" or not sample.good, (where, staged.message)
            else:
                outcome = "loaded"
                parsed = staged.parsed
                assert name != "truncate", where
                rejected = parsed.rejects.lines()
                assert parsed.rows_read == parsed.rows_loaded + len(rejected) + parsed.rows_skipped
                if sample.expect == "partial":
                    expected = len(sample.good) + len(sample.bad) + len(sample.skipped)
                    assert parsed.rows_read == expected, where
                    assert set(map(int, parsed.loaded_lines)) == sample.good, where
                    assert rejected == sample.bad, where
                    skipped = parsed.skipped_lines if parsed.skipped_lines is not None else []
                    assert set(map(int, skipped)) == sample.skipped, where
            counts[f"{name}:{outcome}"] = counts.get(f"{name}:{outcome}", 0) + 1
            by_base[f"{base.__name__}:{outcome}"] = by_base.get(f"{base.__name__}:{outcome}", 0) + 1
    print(f"\n{total} variants: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(", ".join(f"{k} {v}" for k, v in sorted(by_base.items())))
    assert total >= 1000
    # every kind of file was loaded in some variants
    for base in BASES:
        assert by_base.get(f"{base.__name__}:loaded", 0) > 20, (base.__name__, by_base)
    # the mutations that keep a file importable did load files (the test is not vacuous)
    for name in ("stray_quote", "garbage_lines", "bad_values", "blank_lines"):
        assert counts.get(f"{name}:loaded", 0) > VARIANTS_PER_MUTATION // 2, (name, counts)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_encodings_load_every_row(tmp_path: Path, encoding: str) -> None:
    sample = kommune_file(random.Random(encoding))
    path = tmp_path / "f.csv"
    path.write_bytes(sample.text().encode(encoding, errors="replace"))  # Sámi in Latin-1: ?
    staged = runner.stage(read_source(path))
    assert staged.parsed is not None, staged.message
    assert staged.parsed.rows_loaded == len(sample.rows)
