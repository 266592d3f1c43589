"""The two original FHI files: coverage by location, sex and age (SYSVAK, to
``reported_coverage``) and weekly cases by sex and age for Norway (MSIS, to
``reported_series``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.importers.base import (
    MAX_COUNT,
    NATION_CODE,
    Flag,
    Parsed,
    SourceFile,
    as_date,
    read_checked,
    to_float,
)
from data.importers.fhi_common import (
    DOSES,
    IMPLAUSIBLE_FACTOR,
    IMPLAUSIBLE_MARGIN,
    MSIS_AGES,
    SEXES,
    SOURCE_MSIS,
    SOURCE_SYSVAK,
    SYSVAK_AGES,
    areas,
    detect_msis,
    detect_sysvak,
    structure_of,
)


def parse_sysvak(src: SourceFile) -> Parsed:
    table, v = read_checked(src, detect_sysvak)
    frame, rejects = table.frame, v.rejects
    structure = structure_of(frame)
    if "border" in frame.columns:
        border = frame["border"].str.strip()
        v.reject(
            ((border != "") & (border != str(structure))).to_numpy(),
            "border",
            "code_vintage_mismatch",
        )
    location = v.required("location_code")
    level, code = areas(v, location, structure)
    age = v.category("age", SYSVAK_AGES)
    sex = v.category("sex", SEXES)
    published = v.date("date_of_publishing") if "date_of_publishing" in frame.columns else None
    # the bound for a count depends on the row's level (a kommune, a fylke, the nation)
    limit = level.map(MAX_COUNT).fillna(MAX_COUNT["nation"]).to_numpy(dtype="float64")
    pop = v.count("pop", required=True, max_value=limit)
    persons: dict[int, np.ndarray] = {}
    for dose in DOSES:
        column = f"n_dose_{dose}"
        if column in frame.columns:
            persons[dose] = v.count(column, required=dose == 1, max_value=limit)
    v.bad |= np.isnan(pop)
    flags: list[Flag] = []
    over = np.zeros(len(frame), dtype=bool)
    over_by_dose: dict[str, int] = {}
    for dose, n in persons.items():
        implausible = n > pop * IMPLAUSIBLE_FACTOR + IMPLAUSIBLE_MARGIN
        v.reject(implausible, f"n_dose_{dose}", "numerator_exceeds_population")
        over |= n > pop
        over_by_dose[f"dose_{dose}"] = int((n > pop).sum())
    v.duplicates(
        [level.to_numpy(), code.to_numpy(), age.to_numpy(), sex.to_numpy()], "location_code"
    )
    keep = v.good
    if (over & keep).any():
        flags.append(
            Flag(
                "coverage_over_100",
                rows_affected=int((over & keep).sum()),
                detail={k: n for k, n in over_by_dose.items() if n},
            )
        )
    order_issue = np.zeros(len(frame), dtype=bool)
    for dose in DOSES[1:]:
        if dose in persons and dose - 1 in persons:
            order_issue |= persons[dose] > persons[dose - 1]
    if (order_issue & keep).any():
        flags.append(Flag("dose_order", rows_affected=int((order_issue & keep).sum())))

    # FHI published the percentages capped at 95 (every group at 95 % or more shows 95.0);
    # coverage is therefore computed from the counts, and the cap is reported.
    capped: dict[str, int] = {}
    for dose, n in persons.items():
        column = f"pr100_dose_{dose}"
        if column in frame.columns:
            published_pct = to_float(frame[column].str.strip())
            exact = 100 * n / np.where(pop > 0, pop, np.nan)
            hit = keep & (published_pct == 95) & (exact > 95 + 1e-9)
            if hit.any():
                capped[f"dose_{dose}"] = int(hit.sum())
    if capped:
        flags.append(
            Flag("percent_capped", rows_affected=sum(capped.values()), detail={"cap": 95, **capped})
        )
    snapshot = None
    if published is not None and published[keep].notna().any():
        snapshot = published[keep].max() - pd.Timedelta(days=1)
    if snapshot is None:
        snapshot = pd.Timestamp(src.path.stat().st_mtime, unit="s").normalize()
    parts = []
    for dose, n in persons.items():
        idx = np.flatnonzero(keep & ~np.isnan(n))
        parts.append(
            pd.DataFrame(
                {
                    "area_level": level.to_numpy()[idx],
                    "area_code": code.to_numpy()[idx],
                    "age_band": age.map(SYSVAK_AGES).to_numpy()[idx],
                    "sex": sex.map(SEXES).to_numpy()[idx],
                    "dose_number": dose,
                    "persons": n[idx].astype("int64"),
                    "population": pop[idx].astype("int64"),
                    "line": table.lines[idx],
                }
            )
        )
    facts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not facts.empty:
        facts["snapshot_date"] = snapshot
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"fhi_sysvak:coverage:{structure}",
        structure=structure,
        facts={"reported_coverage": facts},
        flags=flags,
        period_start=None,
        data_date=as_date(snapshot),
        detail={"snapshot_date": as_date(snapshot), "facts": len(facts)},
        extra={"constants": {"source": SOURCE_SYSVAK, "structure": structure}},
    )


def parse_msis(src: SourceFile) -> Parsed:
    table, v = read_checked(src, detect_msis)
    frame, rejects = table.frame, v.rejects
    dates = v.date("date")
    v.reject((dates.notna() & (dates.dt.day_of_week != 6)).to_numpy(), "date", "week_mismatch")
    if "yrwk" in frame.columns:
        week_end = pd.to_datetime(
            frame["yrwk"].str.strip() + "-7", format="%G-%V-%u", errors="coerce"
        )
        v.reject((dates.notna() & (week_end != dates)).to_numpy(), "yrwk", "week_mismatch")
    if "location_code" in frame.columns:
        loc = frame["location_code"].str.strip()
        v.reject(((loc != "") & (loc != "norge")).to_numpy(), "location_code", "unknown_code")
    age = v.category("age", MSIS_AGES)
    sex = v.category("sex", SEXES)
    n = v.count("n", level="nation", required=True)
    v.duplicates([dates.to_numpy(), age.to_numpy(), sex.to_numpy()], "date")
    keep = v.good
    idx = np.flatnonzero(keep)
    last = dates[keep].max() if keep.any() else None
    flag = np.full(len(idx), None, dtype=object)
    if last is not None:
        flag[dates.to_numpy()[idx] == last] = "partial_week"
    facts = pd.DataFrame(
        {
            "date": dates.to_numpy()[idx],
            "age_band": age.to_numpy()[idx],
            "sex": sex.map(SEXES).to_numpy()[idx],
            "value": n[idx],
            "line": table.lines[idx],
            "quality_flag": flag,
        }
    )
    flags = []
    if last is not None:
        flags.append(
            Flag(
                "partial_week",
                measure="cases_by_testdate",
                date=as_date(last),
                rows_affected=int((facts["quality_flag"] == "partial_week").sum()),
            )
        )
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset="fhi_msis:age_sex:week",
        structure=2020,
        facts={"reported_series": facts},
        flags=flags,
        period_start=as_date(dates[keep].min()) if keep.any() else None,
        data_date=as_date(last),
        detail={"facts": len(facts)},
        extra={
            "constants": {
                "source": SOURCE_MSIS,
                "structure": 2020,
                "area_level": "nation",
                "area_code": NATION_CODE,
                "period": "week",
                "measure": "cases_by_testdate",
            }
        },
    )
