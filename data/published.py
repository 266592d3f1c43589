"""The published cells: what each role receives of a count, decided in one place.

A *policy* is what a role may see of an area's small numbers (``Scope.may_see_small_numbers``):
all of them (smittesporer, statsforvalter), the own kommune's only (kommuneoverlege), or none
(KS-analytiker, kriseledelse, admin). Where the policy lets the role see an area's small
numbers it receives the true count; everywhere else it receives the *published* cell, the
same for every role and every output: the count after cell-key perturbation
(:mod:`data.disclosure`), hidden ("1–4") where the true count is 1–4.

* The key figures (:mod:`data.key_figures`) store the published cells of the counts of every
  area and day beside the true ones (``<count>_pub``), built once per load: :func:`apply`
  chooses between them per row.
* Counts that are not key figures (persons vaccinated, valid certificates, arrivals, active
  clusters) are perturbed when read (:func:`perturb`), with record keys per area and count
  family: the same count of the same area gives the same published value everywhere.

Rates and shares are computed by the callers from what this module hands out, never from the
true counts, so ``rate × population`` gives back the published count. No secondary
suppression is needed: a total and its parts each carry their own perturbation, so a hidden
part cannot be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select

from data import db, disclosure, key_figures
from data.cache import per_data_version
from data.protection import _allowed
from data.schema import DatasetMeta
from data.scope import Scope

# the key figures stored with their published cells (data.key_figures.PUBLISHED), and those
# of one day (hidden as "0–4", see data.disclosure)
STORED = tuple(key_figures.PUBLISHED)
DAILY = frozenset(c for c, (_family, window) in key_figures.PUBLISHED.items() if window == 1)


def pub(column: str) -> str:
    return f"{column}_pub"


def apply(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    counts: Sequence[str],
    kommune_column: str | None = "kommunenummer",
    area_code: str | None = None,
) -> pd.DataFrame:
    """``frame`` with each of ``counts`` (read with its ``<count>_pub`` column) as the scope's
    policy publishes it, a ``<count>_suppressed`` flag where it is hidden, and the ``_pub``
    columns dropped. Rows are judged by ``kommune_column``, or as the area ``area_code`` (None
    for a county or the nation) when it is None."""
    allowed = _allowed(frame, scope, kommune_column, area_code)
    data: dict[str, object] = {}
    flags: dict[str, np.ndarray] = {}
    for column in counts:
        true = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        published = pd.to_numeric(frame[pub(column)], errors="coerce").to_numpy(dtype="float64")
        values = np.where(allowed, true, published)
        data[column] = pd.Series(values, index=frame.index)
        flags[f"{column}_suppressed"] = np.isnan(values) & ~np.isnan(true)
    names = [c for c in frame.columns if not c.endswith("_pub") or c[:-4] not in counts]
    out = {c: data.get(c, frame[c]) for c in names}
    for name, values in flags.items():
        out[name] = pd.Series(values, index=frame.index, dtype=bool)
    return pd.DataFrame(out, index=frame.index)


def series(
    frame: pd.DataFrame, *, scope: Scope, counts: Sequence[str], area_code: str | None
) -> pd.DataFrame:
    """A daily series of one area as the scope's policy publishes it: :func:`apply` where the
    rows carry their published cells (read from the key figures), else (a series the key
    figures do not hold: a set of kommuner that is no area, days outside the loaded period)
    the true counts where the policy allows and nothing otherwise (withheld, never computed
    from the true counts)."""
    stored = [c for c in counts if pub(c) in frame.columns]
    out = apply(frame, scope=scope, counts=stored, kommune_column=None, area_code=area_code)
    rest = [c for c in counts if c not in stored]
    if rest and not scope.may_see_small_numbers(area_code):
        out[rest] = np.nan
    for column in rest:
        out[f"{column}_suppressed"] = not scope.may_see_small_numbers(area_code)
    return out


@per_data_version
def secret() -> str:
    with db.engine().connect() as conn:
        value = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == "disclosure_secret")
        ).scalar()
    return str(value or "")


def perturb(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    counts: Sequence[str],
    area_column: str,
    kommune_column: str | None = "kommunenummer",
    area_code: str | None = None,
    complements: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Counts that are not key figures, as the policy publishes them: true where the scope may
    see the row's small numbers, else perturbed with the record keys of the row's area
    (``area_column``: a kommunenummer, ``F``+fylkesnummer or ``NO``) and the count's family,
    and hidden (NaN, ``<count>_suppressed``) where the true count is 1–4. ``complements`` maps
    a count to a column holding its complement in a public total (the unvaccinated beside the
    vaccinated, with the population public): where that is 1–4 the count is hidden too."""
    allowed = _allowed(frame, scope, kommune_column, area_code)
    areas = frame[area_column].astype(str).tolist()
    out = frame.copy()
    key = secret()
    for column in counts:
        true = pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype="int64")
        record = area_keys(key, column, areas)
        published = disclosure.publish(true, disclosure.cell_keys(true, record))
        other = (complements or {}).get(column)
        if other is not None:
            rest = pd.to_numeric(frame[other], errors="coerce").fillna(0).to_numpy()
            published[(rest >= 1) & (rest <= disclosure.SMALL_MAX)] = np.nan
        values = np.where(allowed, frame[column].to_numpy(dtype="float64"), published)
        out[column] = values
        out[f"{column}_suppressed"] = np.isnan(values) & ~np.isnan(
            frame[column].to_numpy(dtype="float64")
        )
    return out


def area_keys(secret: str, family: str, areas: list[str]) -> np.ndarray:
    """One record key per area for a count family (every record of the area shares it)."""
    unique = sorted(set(areas))
    keys = disclosure.record_keys(secret, family, unique, np.array(["2000-01-01"], "datetime64[D]"))
    of = dict(zip(unique, keys[0], strict=True))
    return np.array([of[a] for a in areas], dtype=np.int64)


__all__ = ["DAILY", "STORED", "apply", "area_keys", "perturb", "pub", "secret", "series"]
