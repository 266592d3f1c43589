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
    # the same values as share() and capped() on Series, on arrays (a page builds a dozen)
    vaccinated = pd.to_numeric(out["vaccinated"], errors="coerce").to_numpy("float64")
    population = pd.to_numeric(out["population"], errors="coerce").to_numpy("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(population > 0, vaccinated / np.where(population > 0, population, 1), np.nan)
    out["coverage"] = raw
    out["coverage_display"] = np.minimum(raw, 1.0)
    out["over_100"] = raw > 1.0
    return out


def coverage_matrix(frame: pd.DataFrame, bands: list[str]) -> dict[str, pd.DataFrame]:
    """Age band × dose matrices for a heatmap, rows in ``bands`` order.

    Returns ``raw`` and ``display`` coverage, ``hidden`` (withheld) and ``over_100``.
    """
    table = coverage_table(frame)
    row_of = {b: i for i, b in enumerate(bands)}
    column_of = {d: j for j, d in enumerate(DOSES)}
    rows = np.array([row_of.get(b, -1) for b in table["age_band"].tolist()], dtype="int64")
    columns = np.array(
        [column_of.get(int(d), -1) for d in table["dose_number"].tolist()], dtype="int64"
    )
    keep = (rows >= 0) & (columns >= 0)
    hidden = table["hidden"] if "hidden" in table else pd.Series(False, index=table.index)
    index = pd.Index(bands, name="age_band")
    dose_index = pd.Index(list(DOSES), name="dose_number")

    def matrix(values: np.ndarray, empty: Any) -> pd.DataFrame:
        out = np.full((len(bands), len(DOSES)), empty, dtype=type(empty))
        out[rows[keep], columns[keep]] = values[keep]
        return pd.DataFrame(out, index=index, columns=dose_index)

    return {
        "raw": matrix(table["coverage"].to_numpy("float64"), np.nan),
        "display": matrix(table["coverage_display"].to_numpy("float64"), np.nan),
        "hidden": matrix(hidden.to_numpy().astype(object) == True, False),  # noqa: E712
        "over_100": matrix(table["over_100"].to_numpy(bool), False),
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
    bands = frame["age_band"].to_numpy(dtype=object)
    first = frame["dose_number"].to_numpy() == 1
    picks = [np.flatnonzero(first & (bands == b)) for b in (*RISK_BANDS, GROUP_65)]
    columns = ["age_band", "population", "unvaccinated", "unvaccinated_suppressed", "hidden"]
    out = frame.iloc[np.concatenate(picks)][columns].reset_index(drop=True)
    out["share"] = share(out["unvaccinated"], out["population"])
    return out


def risk_rows(lookup: dict) -> list[dict[str, Any]]:
    """:func:`unvaccinated_in_risk_groups` read from a :func:`coverage_lookup` (the same
    values, one dict per row): residents without dose 1 in the 65+ bands and the 65+ group."""
    rows = []
    for band in (*RISK_BANDS, GROUP_65):
        value = lookup.get((band, 1))
        if value is None:
            continue
        rows.append(
            {
                "age_band": band,
                "population": value["population"],
                "unvaccinated": value["unvaccinated"],
                "unvaccinated_suppressed": value["unvaccinated_suppressed"],
                "hidden": value["hidden"],
                "share": share(value["unvaccinated"], value["population"]),
            }
        )
    return rows
