"""What the parsers of FHI's surveillance_data files share: sources, age bands, sexes and
doses, the detection of the two original layouts, and area codes (``municip0301`` /
``county03`` / ``norge``) with the structure a file names in its ``border`` column."""

from __future__ import annotations

import pandas as pd

from data.importers.base import (
    NATION_CODE,
    Validator,
)
from data.importers.base import (
    valid_codes as _valid_codes,
)

SOURCE_SYSVAK = "fhi_sysvak"
SOURCE_MSIS = "fhi_msis"
SOURCE_LABEL = "FHI (SYSVAK, MSIS), surveillance_data"
SYSVAK_AGES = {
    "012_015": "12-15",
    "016_017": "16-17",
    "018_024": "18-24",
    "025_039": "25-39",
    "040_044": "40-44",
    "045_054": "45-54",
    "055_064": "55-64",
    "065_074": "65-74",
    "075_079": "75-79",
    "080_084": "80-84",
    "085p": "85+",
}
MSIS_AGES = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+")
SEXES = {"female": "F", "male": "M", "total": "T"}
DOSES = (1, 2, 3, 4)
# More vaccinated than residents happens (moves, unregistered residents: up to 3× in groups of
# 2–7 people); beyond this it is a data error.
IMPLAUSIBLE_FACTOR = 5
IMPLAUSIBLE_MARGIN = 50


def detect_sysvak(columns: list[str]) -> bool:
    return {"location_code", "age", "sex", "n_dose_1", "pop"} <= set(columns)


def detect_msis(columns: list[str]) -> bool:
    cols = set(columns)
    return {"age", "sex", "n", "date", "granularity_time"} <= cols and "n_dose_1" not in cols


PERIODS = {"day": "day", "isoweek": "week", "week": "week"}
LEVEL_OF_GEO = {"municip": "kommune", "county": "fylke", "nation": "nation"}


def areas(v: Validator, location: pd.Series, structure: int) -> tuple[pd.Series, pd.Series]:
    level = pd.Series("", index=location.index, dtype=object)
    code = pd.Series("", index=location.index, dtype=object)
    kommune = location.str.fullmatch(r"municip\d{4}")
    fylke = location.str.fullmatch(r"county\d{2}")
    nation = location.eq("norge")
    level[kommune] = "kommune"
    code[kommune] = location[kommune].str.slice(7)
    level[fylke] = "fylke"
    code[fylke] = location[fylke].str.slice(6)
    level[nation] = "nation"
    code[nation] = NATION_CODE
    v.reject(((location != "") & (level == "")).to_numpy(), "location_code", "unknown_code")
    for lvl in ("kommune", "fylke"):
        sel = (level == lvl).to_numpy()
        if sel.any():
            sub = code.where(sel, "")
            other = set().union(*(_valid_codes(s, lvl) for s in (2020, 2024) if s != structure))
            known = _valid_codes(structure, lvl)
            v.reject(
                sel & ~sub.isin(known).to_numpy() & sub.isin(other).to_numpy(),
                "location_code",
                "code_vintage_mismatch",
            )
            v.reject(
                sel & ~sub.isin(known).to_numpy() & ~sub.isin(other).to_numpy(),
                "location_code",
                "unknown_code",
            )
    return level, code


def structure_of(frame: pd.DataFrame) -> int:
    if "border" in frame.columns:
        counts = frame["border"].str.strip().value_counts()
        for value in counts.index:
            if value in ("2020", "2024"):
                return int(value)
    return 2020
