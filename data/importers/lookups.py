"""Code-change correspondence tables (2020 → 2024) and official location-name tables.

* ``kommune_2020_to_2024``: every 2020 kommune with its 2024 code(s) and the weight for moving
  counts across a split (1507 → 1508 and 1580, 0.5 each). Validated (codes exist in their
  structure, weights in (0, 1] summing to 1 per 2020 code), compared with the built-in
  crosswalk (flag ``crosswalk_differs``), and stored in ``kommune_crosswalk``.
* ``fylke_2020_to_2024`` and ``location_names_b20xx``: checked against the reference kommuner
  and fylker of the structure (codes unknown or missing are reported); nothing else is stored,
  since names are joined from the reference data on numbers, never on names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, delete

from data.importers.base import (
    Flag,
    Parsed,
    Rejections,
    SourceFile,
    Validator,
    crosswalk_split,
    missing_codes,
    read_table,
    valid_codes,
)
from data.importers.store import insert_rows
from data.schema import KommuneCrosswalk
from geo import reference

SOURCE = "ssb_fhi_lookups"
SOURCE_LABEL = "SSB/Kartverket via FHI csdata (kodeendringer og stedsnavn)"


def detect_crosswalk(columns: list[str]) -> str | None:
    cols = set(columns)
    if {"kommunenummer_2020", "kommunenummer_2024"} <= cols:
        return "kommune"
    if {"fylkesnummer_2020", "fylkesnummer_2024"} <= cols:
        return "fylke"
    return None


def detect_names(columns: list[str]) -> bool:
    return {"location_code", "location_name", "granularity_geo"} <= set(columns)


def parse_crosswalk(src: SourceFile) -> Parsed:
    rejects = Rejections()
    table = read_table(src, rejects, required=lambda c: detect_crosswalk(c) is not None)
    level = detect_crosswalk(list(table.frame.columns)) or "kommune"
    key = "kommunenummer" if level == "kommune" else "fylkesnummer"
    width = 4 if level == "kommune" else 2
    v = Validator(table, rejects)
    old = v.required(f"{key}_2020").str.zfill(width)
    new = v.required(f"{key}_2024").str.zfill(width)
    v.codes(old, f"{key}_2020", structure=2020, level=level)
    v.codes(new, f"{key}_2024", structure=2024, level=level)
    if "weighting" in table.frame.columns:
        weight = v.number("weighting", lo=0.0, hi=1.0)
        v.reject(~np.isnan(weight) & (weight <= 0), "weighting", "out_of_range")
    else:
        weight = np.ones(len(old))
    v.duplicates([old.to_numpy(), new.to_numpy()], f"{key}_2024")
    keep = v.good
    frame = pd.DataFrame({"old": old[keep], "new": new[keep], "weight": weight[keep]})
    flags: list[Flag] = []
    if level == "kommune":
        sums = frame.groupby("old")["weight"].sum()
        bad_sum = sums.index[(sums - 1).abs() > 1e-6]
        if len(bad_sum):
            hit = keep & old.isin(bad_sum).to_numpy()
            v.reject(hit, "weighting", "out_of_range")
            keep = v.good
            frame = frame[~frame["old"].isin(bad_sum)]
        builtin = reference.crosswalk_2020_2024()
        ours = set(zip(frame["old"], frame["new"], frame["weight"].round(6), strict=True))
        theirs = set(
            zip(
                builtin["kommunenummer_2020"],
                builtin["kommunenummer_2024"],
                builtin["weight"].round(6),
                strict=True,
            )
        )
        if ours != theirs:
            flags.append(
                Flag(
                    "crosswalk_differs",
                    severity="warning",
                    rows_affected=len(ours ^ theirs),
                    detail={
                        "only_published": sorted(map(str, ours - theirs))[:20],
                        "only_builtin": sorted(map(str, theirs - ours))[:20],
                    },
                )
            )
        missing = sorted(valid_codes(2020, level) - set(frame["old"]))
        if missing:
            flags.append(Flag("missing_codes", severity="warning", detail={"codes": missing}))
        flags += crosswalk_split(frame)
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"crosswalk:{level}:2020-2024",
        structure=2024,
        flags=flags,
        detail={"level": level, "stored": level == "kommune"},
        extra={"crosswalk": frame if level == "kommune" else None},
    )


def _replace_crosswalk(conn: Connection, frame: pd.DataFrame) -> None:
    conn.execute(
        delete(KommuneCrosswalk).where(
            and_(KommuneCrosswalk.from_structure == 2020, KommuneCrosswalk.to_structure == 2024)
        )
    )
    insert_rows(
        conn,
        KommuneCrosswalk.__table__,
        frame.rename(columns={"old": "from_kommunenummer", "new": "to_kommunenummer"}).reset_index(
            drop=True
        ),
        constants={"from_structure": 2020, "to_structure": 2024},
    )


def store_crosswalk(conn: Connection, parsed: Parsed, run_id: int, file: str) -> int:
    frame = parsed.extra.get("crosswalk")
    if frame is None or frame.empty:
        return 0
    _replace_crosswalk(conn, frame)
    return len(frame)


def remove_crosswalk(conn: Connection, run_id: int) -> None:
    builtin = reference.crosswalk_2020_2024().rename(
        columns={"kommunenummer_2020": "old", "kommunenummer_2024": "new"}
    )
    _replace_crosswalk(conn, builtin)


def parse_names(src: SourceFile) -> Parsed:
    rejects = Rejections()
    table = read_table(src, rejects, required=detect_names)
    v = Validator(table, rejects)
    location = v.required("location_code")
    level = location.str.extract(r"^(municip|county|nation)_nor", expand=False).fillna("")
    code = location.str.extract(r"^(?:municip|county)_nor(\d+)$", expand=False).fillna("")
    v.reject(((location != "") & (level == "")).to_numpy(), "location_code", "unknown_code")
    kommune = level.eq("municip")
    structure = (
        2020
        if code[kommune].isin(valid_codes(2020, "kommune")).sum()
        >= code[kommune].isin(valid_codes(2024, "kommune")).sum()
        else 2024
    )
    for lvl, name in (("municip", "kommune"), ("county", "fylke")):
        sel = level.eq(lvl)
        codes = code.where(sel, "")
        v.codes(codes, "location_code", structure=structure, level=name)
    v.required("location_name")
    v.duplicates([location.to_numpy()], "location_code")
    keep = v.good
    flags = []
    for lvl, name in (("municip", "kommune"), ("county", "fylke")):
        missing = sorted(valid_codes(structure, name) - set(code[keep & level.eq(lvl).to_numpy()]))
        flags += missing_codes(missing, structure, name)
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"location_names:{structure}",
        structure=structure,
        flags=flags,
        detail={"checked_only": True},
    )
