"""The crosswalk between the 2020 and 2024 kommune structures, and facts translated through it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, select

from data.schema import (
    KommuneCrosswalk,
)
from geo import reference


def crosswalk(conn: Connection | None = None) -> pd.DataFrame:
    """Columns old (2020), new (2024), weight; from the store when loaded, else built in."""
    if conn is not None:
        rows = conn.execute(
            select(
                KommuneCrosswalk.from_kommunenummer,
                KommuneCrosswalk.to_kommunenummer,
                KommuneCrosswalk.weight,
            ).where(
                and_(KommuneCrosswalk.from_structure == 2020, KommuneCrosswalk.to_structure == 2024)
            )
        ).all()
        if rows:
            return pd.DataFrame(rows, columns=["old", "new", "weight"])
    cw = reference.crosswalk_2020_2024()
    return cw.rename(columns={"kommunenummer_2020": "old", "kommunenummer_2024": "new"})


def to_structure(
    frame: pd.DataFrame,
    *,
    source: int,
    target: int,
    values: list[str],
    cw: pd.DataFrame,
    code: str = "code",
) -> pd.DataFrame:
    """Translate kommune-coded counts between the 2020 and 2024 structures.

    2020 → 2024 follows the crosswalk; a split (weight < 1) allocates integer counts so that
    the parts sum to the original (cumulative rounding). 2024 → 2020 sums merged codes.
    Other columns are kept as keys; rows are not aggregated further.
    """
    if source == target or frame.empty:
        return frame.copy()
    if (source, target) == (2020, 2024):
        table = cw.sort_values(["old", "new"]).copy()
        table["hi"] = table.groupby("old")["weight"].cumsum()
        table["lo"] = table["hi"] - table["weight"]
        out = frame.merge(table, left_on=code, right_on="old", how="inner")
        for column in values:
            v = out[column].astype("float64")
            out[column] = np.floor(out["hi"] * v + 0.5) - np.floor(out["lo"] * v + 0.5)
        out[code] = out["new"]
        return out.drop(columns=["old", "new", "weight", "hi", "lo"])
    if (source, target) == (2024, 2020):
        table = cw[["old", "new"]].drop_duplicates("new")
        out = frame.merge(table, left_on=code, right_on="new", how="inner")
        out[code] = out["old"]
        keys = [c for c in frame.columns if c not in values]
        return out.groupby(keys, as_index=False)[values].sum()
    raise ValueError(f"no translation from {source} to {target}")
