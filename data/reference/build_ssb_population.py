"""Rebuild ``ssb_population_07459.csv`` from SSB's two StatBank exports of table 07459.

Run from the repository root, with the shared real data beside the clone as ``../shared``::

    python -m data.reference.build_ssb_population [--source DIR] [--out FILE]

The exports give residents on 1 January by kommune and single year of age (no sex split):
``Personer2020.csv`` in the 2020 structure and ``Personer2024.csv`` in the 2024 structure. The
table written here is in the 2024 structure, one row per kommune × year (2020 … 2024) × the
app's age bands (:data:`data.codes.AGE_BANDS`):

* 2020: the 2020 export, codes translated with ``geo/reference/crosswalk_2020_2024.csv``; 1507
  Ålesund (split in 2024 into 1508 Ålesund and 1580 Haram) is divided per age band in the two
  new kommuner's 2024 proportions (``derivation`` = ``split``);
* 2024: the 2024 export as is (``observed``);
* 2021 … 2023: linear between 2020 and 2024 per kommune and age band, rounded to whole persons
  (``interpolated``): the exports of those years are not among the shared files.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.codes import AGE_BAND_LOWER, AGE_BANDS

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "realdata" / "ssb_population"
DEFAULT_OUT = Path(__file__).with_name("ssb_population_07459.csv")
CROSSWALK = ROOT / "geo" / "reference" / "crosswalk_2020_2024.csv"
FIRST, LAST = 2020, 2024
REGION = re.compile(r"^K-(\d{4})\b")
AGE = re.compile(r"^(\d{1,3}) year")


def read_export(path: Path) -> pd.DataFrame:
    """kommunenummer, age (single year, 105 = 105 or older), persons; pseudo-regions dropped."""
    with path.open(encoding="latin-1") as fh:
        first = fh.readline()
    if "\t" in first:
        raw = pd.read_csv(path, sep="\t", encoding="latin-1", dtype=str)
    else:  # title line and an empty line before the header
        raw = pd.read_csv(path, sep=";", skiprows=2, encoding="latin-1", dtype=str)
    value = next(c for c in raw.columns if c.startswith("Persons"))
    code = raw["region"].str.extract(REGION, expand=False)
    age = raw["age"].str.extract(AGE, expand=False)
    out = pd.DataFrame(
        {"kommunenummer": code, "age": pd.to_numeric(age), "persons": pd.to_numeric(raw[value])}
    )
    return out[out["kommunenummer"].notna()].reset_index(drop=True)


def to_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """kommunenummer × age band totals (index), as a wide frame with one column per band."""
    lowers = np.array([AGE_BAND_LOWER[b] for b in AGE_BANDS])
    band = np.searchsorted(lowers, frame["age"].to_numpy(), side="right") - 1
    frame = frame.assign(age_band=pd.Categorical.from_codes(band, categories=list(AGE_BANDS)))
    wide = frame.pivot_table(
        index="kommunenummer", columns="age_band", values="persons", aggfunc="sum", observed=False
    )
    return wide.reindex(columns=list(AGE_BANDS)).fillna(0.0)


def build(source: Path) -> pd.DataFrame:
    p2020 = to_bands(read_export(source / "Personer2020.csv"))
    p2024 = to_bands(read_export(source / "Personer2024.csv"))
    crosswalk = pd.read_csv(CROSSWALK, dtype=str)
    crosswalk["weight"] = crosswalk["weight"].astype(float)
    split_from = set(crosswalk.loc[crosswalk["weight"] < 1, "kommunenummer_2020"])
    rows = []
    split_codes: set[str] = set()
    for old, group in crosswalk.groupby("kommunenummer_2020"):
        new = list(group["kommunenummer_2024"])
        if old in split_from:  # divide by the new kommuner's age-band shares in 2024
            share = p2024.loc[new] / p2024.loc[new].sum(axis=0)
            part = share * p2020.loc[old].to_numpy()[None, :]
            split_codes.update(new)
        else:
            part = p2020.loc[[old]].set_axis(new)
        rows.append(part)
    p2020_new = pd.concat(rows).groupby(level=0).sum()
    codes = sorted(p2024.index)
    if set(p2020_new.index) != set(codes):
        raise SystemExit("the 2020 export does not translate to the 2024 kommuner")
    p2020_new = p2020_new.loc[codes]
    p2024 = p2024.loc[codes]
    frames = []
    for year in range(FIRST, LAST + 1):
        t = (year - FIRST) / (LAST - FIRST)
        values = p2020_new * (1 - t) + p2024 * t
        long = values.stack().rename("population").reset_index()
        long.columns = ["kommunenummer", "age_band", "population"]
        if year == FIRST:
            derivation = np.where(long["kommunenummer"].isin(split_codes), "split", "observed")
        elif year == LAST:
            derivation = np.full(len(long), "observed")
        else:
            derivation = np.full(len(long), "interpolated")
        long.insert(1, "year", year)
        long["derivation"] = derivation
        frames.append(long)
    table = pd.concat(frames, ignore_index=True)
    table["population"] = _round_keeping_totals(table)
    return table


def _round_keeping_totals(table: pd.DataFrame) -> np.ndarray:
    """Whole persons: observed values stay exact; split and interpolated cells are rounded so
    that each kommune's total is its rounded total (largest remainders)."""
    values = table["population"].to_numpy(dtype=float)
    out = np.floor(values + 1e-9)
    remainder = values - out
    keys = table["kommunenummer"] + ":" + table["year"].astype(str)
    for _, idx in pd.Series(np.arange(len(table))).groupby(keys.to_numpy()):
        pos = idx.to_numpy()
        missing = round(float(values[pos].sum() - out[pos].sum()))
        if missing > 0:
            out[pos[np.argsort(-remainder[pos], kind="stable")[:missing]]] += 1
    return out.astype(np.int64)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table = build(args.source)
    table.to_csv(args.out, index=False, lineterminator="\n")
    by_year = table.groupby("year")["population"].sum()
    print(f"{args.out}: {len(table)} rows; residents per year: {by_year.to_dict()}")


if __name__ == "__main__":
    main()
