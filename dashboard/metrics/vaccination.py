"""Vaccination coverage (DESIGN.md): persons with at least dose n / population, by age band.

The raw value is kept (it can pass 100 % when more people were vaccinated in a band than lived
there on 1 January, e.g. after moving); displays cap it at 100 % and say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.metrics.testing import share, through

DOSES = (1, 2, 3, 4)
SERIES_DOSES = (1, 2, 3)
GROUP_ALL = "alle"
GROUP_65 = "65+"
RISK_BANDS = ("65-74", "75-79", "80-84", "85+")


def coverage(vaccinated: pd.Series | float, population: pd.Series | float) -> pd.Series | float:
    """Raw coverage (0–1, may exceed 1); NaN where the population is 0 or a count is hidden."""
    return share(vaccinated, population)


def capped(value: pd.Series | float) -> pd.Series | float:
    """The displayed coverage: at most 100 %."""
    if isinstance(value, pd.Series):
        return value.clip(upper=1.0)
    return float(min(value, 1.0)) if np.isfinite(value) else float("nan")


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Add coverage (raw), coverage_display (capped) and over_100 to coverage rows.

    Input columns: vaccinated, population (plus keys such as age_band, dose_number).
    """
    out = frame.copy()
    out["coverage"] = coverage(out["vaccinated"], out["population"])
    out["coverage_display"] = capped(out["coverage"])
    out["over_100"] = (out["coverage"] > 1.0).to_numpy(dtype=bool)
    return out


def coverage_matrix(frame: pd.DataFrame, bands: list[str]) -> dict[str, pd.DataFrame]:
    """Age band × dose matrices for a heatmap, rows in ``bands`` order.

    Returns ``raw`` and ``display`` coverage, ``hidden`` (withheld) and ``over_100``.
    """
    table = coverage_table(frame)
    table["hidden"] = table.get("hidden", False)

    def pivot(column: str) -> pd.DataFrame:
        wide = table.pivot(index="age_band", columns="dose_number", values=column)
        return wide.reindex(index=bands, columns=list(DOSES))

    return {
        "raw": pivot("coverage"),
        "display": pivot("coverage_display"),
        "hidden": pivot("hidden").eq(True),
        "over_100": pivot("over_100").eq(True),
    }


def coverage_lookup(frame: pd.DataFrame, *, by: str | None = None) -> dict:
    """Every coverage value of a frame by (age band or group, dose): raw, display, over_100,
    hidden, vaccinated, unvaccinated(_suppressed), population. Build once, read many values.

    With ``by`` (e.g. ``"kommunenummer"``) the result is one such dict per value of ``by``.
    """
    table = coverage_table(frame)
    false = pd.Series(False, index=table.index)
    nan = pd.Series(float("nan"), index=table.index)
    columns = [
        table[by] if by else pd.Series("", index=table.index),
        table["age_band"],
        table["dose_number"],
        table["coverage"],
        table["coverage_display"],
        table["over_100"],
        table.get("hidden", false),
        table["vaccinated"],
        table.get("unvaccinated", nan),
        table.get("unvaccinated_suppressed", false),
        table["population"],
    ]
    out: dict[Any, dict[tuple[str, int], dict[str, Any]]] = {}
    for key, band, dose, raw, display, over, hide, vac, unvac, unvac_small, pop in zip(
        *(c.tolist() for c in columns), strict=True
    ):
        out.setdefault(key, {})[(str(band), int(dose))] = {
            "raw": float(raw),
            "display": float(display),
            "over_100": bool(over),
            "hidden": bool(hide),
            "vaccinated": vac,
            "unvaccinated": unvac,
            "unvaccinated_suppressed": bool(unvac_small),
            "population": pop,
        }
    if by:
        return out
    return out.get("", {})


def coverage_at(frame: pd.DataFrame, group: str, dose: int) -> dict[str, Any]:
    """One coverage value (see :func:`coverage_lookup`); NaN when the row is missing."""
    nan = float("nan")
    missing = {"raw": nan, "display": nan, "over_100": False, "hidden": False}
    return coverage_lookup(frame).get((group, dose), missing)


def coverage_series(series: pd.DataFrame, *, date: object) -> pd.DataFrame:
    """Coverage per day up to ``date``; input from the vaccination series query."""
    return coverage_table(through(series, date))


def unvaccinated_in_risk_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Residents without dose 1 in the 65+ bands and the 65+ group.

    Columns: age_band, population, unvaccinated (NaN when withheld), unvaccinated_suppressed
    (the count is 1–4), hidden, share (0–1, of the band's population).
    """
    rows = frame[(frame["dose_number"] == 1) & frame["age_band"].isin([*RISK_BANDS, GROUP_65])]
    order = {b: i for i, b in enumerate([*RISK_BANDS, GROUP_65])}
    out = rows.sort_values("age_band", key=lambda s: s.map(order)).reset_index(drop=True)
    out = out[["age_band", "population", "unvaccinated", "unvaccinated_suppressed", "hidden"]]
    out = out.copy()
    out["share"] = share(out["unvaccinated"], out["population"])
    return out
