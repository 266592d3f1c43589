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

import numpy as np

SMALL_MAX = 4
PUBLISHED_MIN = SMALL_MAX + 1
RATIO = 0.3
MAX_PERTURBATION = 6
KEY_SPACE = 256
EPOCH = np.datetime64("2000-01-01", "D")

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


def hidden_label(daily: bool) -> str:
    """How a hidden count reads (untranslated bokmål source string)."""
    return "0–4" if daily else "1–4"


__all__ = [
    "MAX_PERTURBATION",
    "cell_keys",
    "hidden_label",
    "new_secret",
    "perturbation",
    "publish",
    "record_keys",
    "window_keys",
]
