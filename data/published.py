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
  clusters, age bands) are published when read, by :func:`data.protection.protect`, with
  record keys per area and count: the same count of the same area gives the same published
  value everywhere.

Rates and shares are computed by the callers from what this module hands out, never from the
true counts, so ``rate × population`` gives back the published count. A total and its parts
each carry their own perturbation, but both are bounded (the perturbation by ±6, a hidden
count by 1–4): a county, the nation or a 14-day window whose cell would narrow a hidden part
is withheld (secondary suppression, :func:`data.disclosure.withhold_totals`), stored as
:data:`data.disclosure.WITHHELD` and handed out as NaN without the ``_suppressed`` flag, so
it reads "skjult", never "1–4".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select

from data import db, disclosure, key_figures
from data.cache import cached
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
    policy publishes it, a ``<count>_suppressed`` flag where it is hidden as small ("1–4"), a
    ``<count>_withheld`` flag where it is withheld to protect other cells ("skjult"), and the
    ``_pub`` columns dropped. Rows are judged by ``kommune_column``, or as the area
    ``area_code`` (None for a county or the nation) when it is None."""
    allowed = _allowed(frame, scope, kommune_column, area_code)
    data: dict[str, object] = {}
    flags: dict[str, np.ndarray] = {}
    for column in counts:
        true = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        published = pd.to_numeric(frame[pub(column)], errors="coerce").to_numpy(dtype="float64")
        withheld = ~allowed & (published == disclosure.WITHHELD)
        values = np.where(allowed, true, np.where(withheld, np.nan, published))
        data[column] = pd.Series(values, index=frame.index)
        # "1–4" where the count is hidden as small; a withheld total reads "skjult"
        flags[f"{column}_suppressed"] = np.isnan(values) & ~np.isnan(true) & ~withheld
        flags[f"{column}_withheld"] = withheld
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


@cached(process=True)
def secret() -> str:
    with db.engine().connect() as conn:
        value = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == "disclosure_secret")
        ).scalar()
    return str(value or "")


@cached(process=True)
def official_series() -> dict[str, tuple[str, str, str]]:
    """Areas ("F" + fylkesnummer, "NO") whose case series is FHI's official one rather than
    the sum of their kommuner (:mod:`data.official_series`): area → (measure, first, last)."""
    from data.official_series import KEY

    with db.engine().connect() as conn:
        rows = conn.execute(
            select(DatasetMeta.key, DatasetMeta.value).where(DatasetMeta.key.like(KEY + "%"))
        ).all()
    out = {}
    for key, value in rows:
        measure, first, last = [*str(value).split(" "), "", ""][:3]
        out[str(key)[len(KEY) :]] = (measure, first, last)
    return out


def series_basis(area: str) -> str:
    """``official`` when the area's case numbers are the official series, else ``sum`` (the
    sum of its kommuner); the same answer for every page."""
    return "official" if area in official_series() else "sum"


def withhold_complements(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    rest: dict[str, pd.Series],
    kommune_column: str | None = "kommunenummer",
) -> pd.DataFrame:
    """A published count whose complement in a public total is 1–4 (``rest``: count → its
    complement, e.g. the unvaccinated beside the vaccinated, the population being public)
    would give that complement away: for a role that may not see the row's small numbers it
    is withheld (NaN). Its ``<count>_suppressed`` flag stays False: the count itself is not
    1–4, so it reads "skjult", not "1–4"."""
    protected = ~_allowed(frame, scope, kommune_column, None)
    out = frame.copy()
    for column, complement in rest.items():
        values = pd.to_numeric(complement, errors="coerce").to_numpy(dtype="float64")
        hide = protected & (values >= 1) & (values <= disclosure.SMALL_MAX)
        out[column] = out[column].astype("float64").where(~hide, np.nan)
    return out


def area_keys(secret: str, family: str, areas: list[str]) -> np.ndarray:
    """One record key per area for a count family (every record of the area shares it)."""
    unique = sorted(set(areas))
    keys = disclosure.record_keys(secret, family, unique, np.array(["2000-01-01"], "datetime64[D]"))
    of = dict(zip(unique, keys[0], strict=True))
    return np.array([of[a] for a in areas], dtype=np.int64)


__all__ = [
    "DAILY",
    "STORED",
    "apply",
    "area_keys",
    "official_series",
    "pub",
    "secret",
    "series",
    "series_basis",
    "withhold_complements",
]
