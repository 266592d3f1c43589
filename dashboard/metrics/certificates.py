"""Certificate status (koronasertifikat): shares of residents, pure functions.

Inputs are the frames of the certificate queries (counts withheld by small-number protection
are NaN); every share built on a withheld count is NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BASES: tuple[str, ...] = ("vaccinated", "recovered", "tested")  # precedence, best first
SHARE_COLUMNS = {
    "share_valid": "valid",
    "share_vaccinated": "vaccinated",
    "share_recovered": "recovered",
    "share_tested": "tested",
}


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = pd.to_numeric(denominator, errors="coerce").astype("float64")
    return pd.to_numeric(numerator, errors="coerce").astype("float64") / den.where(den > 0)


def with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Add shares of the population (raw values, may exceed 1) and, where ``expiring_30d`` is
    present, the share of the valid persons whose certificate expires."""
    out = frame.copy()
    for share, count in SHARE_COLUMNS.items():
        out[share] = _ratio(out[count], out["population"])
    # Where the total is shown but a basis is withheld, the persons on withheld bases
    # together (total minus the shown bases: already implied by the shown numbers).
    flags = [f"{b}_suppressed" for b in BASES]
    if all(f in out for f in flags):
        withheld = out[flags].astype(bool).any(axis=1)
        shown = out[list(BASES)].fillna(0).sum(axis=1)
        rest = (out["valid"] - shown).where(withheld & out["valid"].notna())
        out["basis_withheld"] = rest
        out["share_basis_withheld"] = _ratio(rest, out["population"])
    if "expiring_30d" in out:
        out["share_expiring"] = _ratio(out["expiring_30d"], out["valid"])
    return out


def capped(values: pd.Series | float) -> Any:
    """Shares for display: capped at 1 (100 %); the raw value is kept by the caller."""
    if isinstance(values, pd.Series):
        return values.clip(upper=1.0)
    return min(float(values), 1.0) if np.isfinite(values) else values


def over_one(frame: pd.DataFrame, columns: list[str] | None = None) -> bool:
    """Whether any raw share would be shown capped."""
    cols = columns or [c for c in SHARE_COLUMNS if c in frame]
    return bool((frame[cols] > 1.0).any().any())


def total_row(status: pd.DataFrame) -> dict[str, Any]:
    """The "total" row of a certificate status frame, with shares."""
    rows = with_shares(status)
    return rows[rows["age_band"] == "total"].iloc[0].to_dict()


def share_on(series: pd.DataFrame, date: Any) -> float:
    """The valid share of a series on ``date`` (NaN when absent or withheld)."""
    rows = with_shares(series)
    hit = rows.loc[rows["date"] == pd.Timestamp(date), "share_valid"]
    return float(hit.iloc[0]) if len(hit) else float("nan")


__all__ = [
    "BASES",
    "SHARE_COLUMNS",
    "capped",
    "over_one",
    "share_on",
    "total_row",
    "with_shares",
]


def points_against(own: float, other: float) -> float | None:
    """The difference of two shares (0–1) in percentage points; None when either is unknown."""
    if pd.isna(own) or pd.isna(other):
        return None
    return (float(own) - float(other)) * 100
