"""Disclosure control for roles without small-number access: cell-key perturbation.

The method is the cell-key method of the ONS (used for the 2021 Census outputs; the ONS
`cell-key-perturbation` package; Fraser & Wooton 2005, Marley & Leaver 2011), chosen because
it resists *differencing*: a hidden count cannot be recovered by subtracting published
windows, totals and parts, since every published count carries its own perturbation.

* **Record keys.** Every record (a case, a test, an admission) carries a secret key, a byte.
  The aggregates no longer hold the records, so the records of one area, day and count family
  share one key, ``record_keys`` (a keyed hash of area, day and family with the store's secret).
* **Cell keys.** A cell's key is the sum of its records' keys modulo 256. The same records
  always give the same cell key, so a cell is published with the same value in every output,
  window and day it appears in (a 7-day window ending on Monday and one ending on Tuesday
  over the same records get the same perturbation: repeating a cell gives an attacker
  nothing to average).
* **Perturbation.** A cell with true count ``v`` and cell key ``k`` is published as:

  - 0 when ``v`` is 0 (zero is not a small number);
  - hidden, shown as "1–4", when ``1 ≤ v ≤ 4`` (primary suppression);
  - ``max(5, v + p(k, v))`` when ``v ≥ 5``, where ``p`` is drawn from a two-sided geometric
    distribution with ratio :data:`RATIO` truncated at ±:data:`MAX_PERTURBATION`: 54 % of
    cells are exact, 32 % move by one, 10 % by two (mean absolute change 0.66).

  A *daily* count (one day, where the windows over the same days are published beside it) is
  hidden as "0–4" when ``v ≤ 4``: were zero days shown, four days labelled "1–4" inside a
  7-day window labelled "1–4" would pin each day to 1. A day inside a 7-day window published
  as 0 is shown as 0 (the window says so already).

**Secondary suppression.** Each published count's bounds are public (a shown ``P`` is
``P − 6 … P + 6`` and at least 5, "1–4" is 1–4, 0 is 0), and a county, the nation and a
14-day window are sums of other published cells: a county's "1–4" over four kommuner each
"1–4" pins every one of them to 1. :func:`withhold_totals` follows an attacker's interval
reasoning over those relations and withholds ("skjult", :data:`WITHHELD`) each total whose
relation would narrow a hidden cell.

Rates and shares are computed from the published counts (``rate × population`` gives back
the published count, never the true one); a rate on a hidden count is hidden ("skjult"),
never labelled "1–4".

This module is pure (arrays in, arrays out); :mod:`data.key_figures` applies it once per load
to every count it publishes, and the reads hand the published cells to every role whose policy
protects the area (:mod:`data.published`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

import numpy as np

SMALL_MAX = 4
PUBLISHED_MIN = SMALL_MAX + 1
RATIO = 0.3
MAX_PERTURBATION = 6
KEY_SPACE = 256
EPOCH = np.datetime64("2000-01-01", "D")
# A published cell withheld to protect another (secondary suppression, shown as "skjult"): not
# a count, so never a value a count can take.
WITHHELD = -1.0
UNBOUNDED = 1e12  # an upper bound that says nothing, kept finite in sums

# P(p = j) for j = -MAX … +MAX, and its cumulative distribution
_STEPS = np.arange(-MAX_PERTURBATION, MAX_PERTURBATION + 1)
_WEIGHTS = RATIO ** np.abs(_STEPS).astype("float64")
_CDF = np.cumsum(_WEIGHTS / _WEIGHTS.sum())

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def new_secret() -> str:
    """A fresh secret for a store's record keys (kept with the store across imports)."""
    return secrets.token_hex(16)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread 64-bit hash of each value (wrapping arithmetic)."""
    z = values.astype(np.uint64) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _seed(secret: str, *parts: str) -> np.uint64:
    digest = hashlib.blake2b("|".join((secret, *parts)).encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def record_keys(secret: str, family: str, areas: list[str], days: np.ndarray) -> np.ndarray:
    """Record keys (0–255) of the records of each day × area of one count family ("cases",
    "tests", …): an array (len(days), len(areas)). A day's key depends on the day itself, not on
    where the loaded period starts, so a later load keeps the keys of the days it had."""
    day_numbers = (np.asarray(days, dtype="datetime64[D]") - EPOCH).astype(np.int64)
    seeds = np.array([_seed(secret, family, area) for area in areas], dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = _mix(seeds[None, :] ^ _mix(day_numbers.astype(np.uint64))[:, None])
    return (mixed % np.uint64(KEY_SPACE)).astype(np.int64)


def cell_keys(counts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Cell keys of daily cells: the sum of the records' keys, modulo 256."""
    return (np.asarray(counts, dtype=np.int64) * keys) % KEY_SPACE


def window_keys(daily_keys: np.ndarray, days: int) -> np.ndarray:
    """Cell keys of the ``days``-day windows ending on each row (rows before the first count as
    no records), from the daily cell keys: sums modulo 256 (the same records, the same key)."""
    running = np.cumsum(daily_keys, axis=0)
    out = running.copy()
    out[days:] -= running[:-days]
    return out % KEY_SPACE


def perturbation(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The perturbation of each cell (cell key, true value): a fixed draw from the
    perturbation distribution, the same for the same key and value."""
    v = np.minimum(np.asarray(values, dtype=np.int64), 1 << 20).astype(np.uint64)
    k = np.asarray(keys, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        draw = _mix((v << np.uint64(8)) | k)
    uniform = (draw >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    index = np.searchsorted(_CDF, uniform, side="right")
    return _STEPS[np.minimum(index, len(_STEPS) - 1)]


def publish(values: np.ndarray, keys: np.ndarray, *, daily: bool = False) -> np.ndarray:
    """The published counts for a protected role: float array with NaN where the cell is
    hidden (1–4, or 0–4 for a daily count), 0 for 0, else the perturbed count (≥ 5)."""
    v = np.asarray(values, dtype=np.int64)
    out = np.maximum(PUBLISHED_MIN, v + perturbation(keys, v)).astype("float64")
    out[v == 0] = 0.0
    hidden = (v <= SMALL_MAX) & ((v >= 1) | daily)
    out[hidden] = np.nan
    return out


def bounds(published: np.ndarray, *, daily: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """What anyone who knows the method can tell of the true counts from published cells:
    ``lo ≤ v ≤ hi``. 0 is exact; a hidden cell is 1–4 (0–4 for a daily count); a shown count
    ``P`` moved by at most :data:`MAX_PERTURBATION` and is at least 5 (small counts are
    hidden); a withheld cell (:data:`WITHHELD`) says nothing."""
    p = np.asarray(published, dtype="float64")
    hidden = np.isnan(p)
    withheld = p == WITHHELD
    lo = np.where(hidden, 0.0 if daily else 1.0, np.maximum(PUBLISHED_MIN, p - MAX_PERTURBATION))
    hi = np.where(hidden, float(SMALL_MAX), p + MAX_PERTURBATION)
    lo[p == 0] = hi[p == 0] = 0.0
    lo[withheld], hi[withheld] = 0.0, np.inf
    return lo, hi


Relation = tuple[np.ndarray, np.ndarray]  # totals (m,), their parts (m, p): m relations at once


def relations(totals: Sequence[int], parts: Sequence[Sequence[int]]) -> Relation:
    """A batch of relations ``total = Σ parts`` with the same number of parts each, judged
    together (their cells must not overlap)."""
    return np.asarray(totals, dtype=np.int64), np.asarray(parts, dtype=np.int64).reshape(
        len(totals), -1
    )


def withhold_totals(
    published: np.ndarray,
    batches: Sequence[Relation],
    *,
    daily: np.ndarray | None = None,
    rounds: int = 8,
) -> np.ndarray:
    """Secondary suppression over additive relations between published cells.

    ``published``: rows (days) × cells (e.g. every area's 7-day, 7-days-before and 14-day
    window of one count family, side by side); ``batches``: relations ``total = Σ parts`` on
    every row (:func:`relations`: a county and its kommuner, the nation and its counties, the
    14-day windows and their two weeks). ``daily``: per column, whether it is a daily count
    (hidden as "0–4").

    Each cell's perturbation is bounded and hiding a count tells that it is small
    (:func:`bounds`), so a total and its parts together can narrow what a hidden one is: a
    county's "1–4" over four kommuner each "1–4" pins all five to 1. The attacker's reasoning
    is followed: every relation's bounds are propagated (each part within the total less the
    other parts, the total within the sum of the parts) over all relations until nothing
    changes; where a relation would narrow a hidden cell, its total is withheld on that row
    (:data:`WITHHELD`, shown as "skjult"), and the propagation starts again from what is
    published. A withheld total may be narrowed (it is no small count) unless that narrowing
    reaches a hidden cell through its own relation; then it is guarded like a hidden cell in
    the next round. Returns the published cells with the withheld totals marked."""
    out = np.array(published, dtype="float64", copy=True)
    batches = [(t, p) for t, p in batches if len(t) and p.shape[1]]
    if out.size == 0 or not batches:
        return out
    flags = np.zeros(out.shape[1], dtype=bool) if daily is None else np.asarray(daily, bool)
    rows = np.arange(out.shape[0])  # rows are independent: only those still moving are redone
    # withheld cells whose narrowing reaches a hidden one (through their own relation): from
    # the next round on they may not be narrowed either
    protect = np.zeros(out.shape, dtype=bool)
    for _ in range(rounds):
        sub, guarded = out[rows], protect[rows]
        withhold = np.zeros(sub.shape, dtype=bool)
        guard = np.zeros(sub.shape, dtype=bool)
        lo, hi = np.empty_like(sub), np.empty_like(sub)
        for value in (False, True):
            cols = np.flatnonzero(flags == value)
            lo[:, cols], hi[:, cols] = bounds(sub[:, cols], daily=value)
        hi = np.minimum(hi, UNBOUNDED)  # finite, so that sums and differences stay numbers
        secret = np.isnan(sub) | guarded  # cells whose range must not narrow
        active = np.arange(len(rows))
        for _pass in range(rounds):
            a_out, a_lo, a_hi = sub[active], lo[active], hi[active]
            a_secret, a_withhold, a_guard = secret[active], withhold[active], guard[active]
            moved = np.zeros(len(active), dtype=bool)
            for total, parts in batches:
                moved |= _propagate(a_out, a_lo, a_hi, a_secret, a_withhold, a_guard, total, parts)
            lo[active], hi[active] = a_lo, a_hi
            withhold[active], guard[active] = a_withhold, a_guard
            active = active[moved]
            if not len(active):
                break
        hit = (withhold | (guard & ~guarded)).any(axis=1)
        if not hit.any():
            return out
        sub[withhold] = WITHHELD
        out[rows] = sub
        protect[rows] = guarded | guard
        rows = rows[hit]
    return out


def _propagate(
    out: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    secret: np.ndarray,
    withhold: np.ndarray,
    guard: np.ndarray,
    total: np.ndarray,
    parts: np.ndarray,
) -> np.ndarray:
    """One batch of relations on every row: mark the totals to withhold where a hidden
    (``secret``) cell would narrow (a withheld total that would: ``guard``), tighten the
    bounds elsewhere (in place). Returns the rows where a bound moved."""
    p_lo, p_hi = lo[:, parts], hi[:, parts]  # rows × m × p
    low, high = p_lo.sum(axis=2), p_hi.sum(axis=2)  # rows × m
    t_lo, t_hi = lo[:, total], hi[:, total]
    new_lo = np.maximum(p_lo, (t_lo - high)[:, :, None] + p_hi)
    new_hi = np.minimum(p_hi, (t_hi - low)[:, :, None] + p_lo)
    tot_lo, tot_hi = np.maximum(t_lo, low), np.minimum(t_hi, high)
    moved = (new_lo > p_lo) | (new_hi < p_hi)
    moved_total = (tot_lo > t_lo) | (tot_hi < t_hi)
    # a hidden total narrowed by its parts, or a hidden part narrowed: withhold the total;
    # where it is withheld already, the narrowing came through it (from a relation it is a
    # part of): guard it, so that relation is judged again
    narrows = (moved & secret[:, parts]).any(axis=2) | (np.isnan(out[:, total]) & moved_total)
    withheld = out[:, total] == WITHHELD
    hit = narrows & ~withheld
    rows, which = np.nonzero(hit)
    withhold[rows, total[which]] = True
    rows, which = np.nonzero(narrows & withheld)
    guard[rows, total[which]] = True
    moved &= ~hit[:, :, None]
    moved_total &= ~hit
    changed = moved.any(axis=2).any(axis=1) | moved_total.any(axis=1)
    if changed.any():
        lo[:, parts] = np.where(moved, new_lo, p_lo)
        hi[:, parts] = np.where(moved, new_hi, p_hi)
        lo[:, total] = np.where(moved_total, tot_lo, t_lo)
        hi[:, total] = np.where(moved_total, tot_hi, t_hi)
    return changed


def hidden_label(daily: bool) -> str:
    """How a hidden count reads (untranslated bokmål source string)."""
    return "0–4" if daily else "1–4"


__all__ = [
    "MAX_PERTURBATION",
    "WITHHELD",
    "bounds",
    "cell_keys",
    "hidden_label",
    "new_secret",
    "perturbation",
    "publish",
    "record_keys",
    "relations",
    "window_keys",
    "withhold_totals",
]
