"""SSB StatBank table 07459: population on 1 January by kommune and single year of age.

Both export layouts are read: tab-separated with the header on the first line, and
semicolon-separated with a title line and an empty line before the header (CRLF). Files are
Latin-1 and fully quoted. ``region`` is ``"K-3001 Halden"``; the structure vintage of the codes
is the one the codes match best (2020 codes in the 2020 file, 2024 codes in the 2024 file).
The pseudo-regions (Svalbard and Jan Mayen, the continental shelf, "Rest") have no
kommunenummer and only zeros: they are skipped and counted, not rejected.

Facts: ``reported_series`` with measure ``population``, period ``year``, date 1 January,
``age_band`` the single year of age (``"0"`` … ``"104"``, ``"105+"``), sex ``T`` (the table as
exported has no sex split).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data.importers.base import (
    Flag,
    Parsed,
    SourceFile,
    missing_codes,
    read_checked,
    valid_codes,
)

SOURCE = "ssb_07459"
SOURCE_LABEL = "SSB, statistikkbanken tabell 07459"
YEAR_COLUMN = re.compile(r"^(?:Persons|Personer)\s+(\d{4})$")
REGION = re.compile(r"^K-(\d{4})(?:\s|$)")
PSEUDO_REGION = re.compile(r"^K-(?:\d{2}-\d{2}|\d{2}|Rest)(?:\s|$)")
AGE = re.compile(r"^(\d{1,3}) (?:years?|år)( or older| eller eldre)?$")


def _header_ok(columns: list[str]) -> bool:
    return "region" in columns and "age" in columns and any(YEAR_COLUMN.match(c) for c in columns)


def detect(columns: list[str]) -> bool:
    return _header_ok(columns)


def best_structure(codes: pd.Series) -> int:
    matches = {s: int(codes.isin(valid_codes(s, "kommune")).sum()) for s in (2020, 2024)}
    return max(matches, key=lambda s: (matches[s], s))


def parse(src: SourceFile) -> Parsed:
    table, v = read_checked(src, _header_ok)
    frame, rejects = table.frame, v.rejects
    region = v.required("region")
    pseudo = (
        region.str.match(PSEUDO_REGION.pattern).to_numpy()
        & ~region.str.match(REGION.pattern).to_numpy()
    )
    code = region.str.extract(REGION.pattern, expand=False).fillna("")
    structure = best_structure(code[~pseudo])
    v.reject((~pseudo & (region != "") & (code == "")).to_numpy(), "region", "unknown_code")
    valid_code = code.where(~pd.Series(pseudo, index=code.index), "")
    v.codes(valid_code, "region", structure=structure, level="kommune")
    age_text = v.required("age")
    parts = age_text.str.extract(AGE.pattern)
    v.reject(((age_text != "") & parts[0].isna()).to_numpy(), "age", "unknown_category")
    age_band = parts[0].fillna("") + np.where(parts[1].notna(), "+", "")
    year_columns = {c: int(m.group(1)) for c in frame.columns if (m := YEAR_COLUMN.match(c))}
    values = {c: v.count(c, required=True) for c in year_columns}
    skip = pseudo & ~v.bad
    v.bad |= pseudo  # not facts, but not errors either: counted as skipped
    v.duplicates([code.to_numpy(), age_band.to_numpy()], "region")
    keep = v.good
    out = []
    for column, year in year_columns.items():
        idx = np.flatnonzero(keep & ~np.isnan(values[column]))
        out.append(
            pd.DataFrame(
                {
                    "area_code": code.to_numpy()[idx],
                    "date": pd.Timestamp(year=year, month=1, day=1),
                    "age_band": age_band.to_numpy()[idx],
                    "value": values[column][idx],
                    "line": table.lines[idx],
                }
            )
        )
    facts = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
    flags = []
    if skip.any():
        dropped = sorted(set(region[skip]))
        total = float(sum(np.nansum(values[c][skip]) for c in year_columns))
        flags.append(
            Flag(
                "pseudo_regions_dropped",
                rows_affected=int(skip.sum()),
                detail={"regions": dropped, "persons": int(total)},
            )
        )
    present = set(code[keep])
    missing = sorted(valid_codes(structure, "kommune") - present)
    flags += missing_codes(missing, structure, count=len(missing))
    years = sorted(year_columns.values())
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"ssb_07459:{structure}:{','.join(map(str, years))}",
        structure=structure,
        rows_skipped=int(skip.sum()),
        skipped_lines=table.lines[skip],
        facts={"reported_series": facts},
        flags=flags,
        period_start=pd.Timestamp(year=min(years), month=1, day=1).date() if years else None,
        data_date=pd.Timestamp(year=max(years), month=1, day=1).date() if years else None,
        detail={"years": years, "facts": len(facts), "encoding": src.encoding},
        extra={
            "constants": {
                "source": SOURCE,
                "structure": structure,
                "area_level": "kommune",
                "period": "year",
                "measure": "population",
                "sex": "T",
            }
        },
    )
