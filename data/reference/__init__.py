"""Small derived reference tables of public facts, each with its source and the script that
rebuilds it (see ``README.md`` beside this module)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).parent
SSB_POPULATION = REFERENCE_DIR / "ssb_population_07459.csv"
SSB_POPULATION_SOURCE = "Kilde: Statistisk sentralbyrå, tabell 07459"


@cache
def _ssb_population() -> pd.DataFrame:
    return pd.read_csv(
        SSB_POPULATION,
        dtype={"kommunenummer": str, "age_band": str, "derivation": str},
        keep_default_na=False,
    )


def ssb_population() -> pd.DataFrame:
    """Residents on 1 January per kommune (2024 structure) × year (2020 … 2024) × age band,
    with ``derivation`` = observed | split | interpolated (SSB table 07459, CC BY 4.0)."""
    return _ssb_population().copy()
