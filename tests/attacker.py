"""A differencing attacker for the small-number protection (issue 16).

Pure machinery, no app: observations (numbers a role obtained, each a linear function of the
true daily case counts with the bounds the shown text allows) → for every hidden observation,
whether all the observations together pin it to one integer value.

Unknowns are the true daily case counts c(area, day) ≥ 0, integer. ``area`` is a kommune
number; a county (``fylke:46``) or the nation (``landet``) is the sum of its kommuner: the
kommuner with observations of their own get their own unknowns, and the rest of a county (or
of the country) one unknown per day (``rest:46``, ``rest:other``), which is exact for an
attacker who has no separate numbers for those kommuner. Any other ``kind:…`` area is an opaque
unknown of its own (``vaks:0301:85+`` unvaccinated residents of a band, ``klynge:K2022-00045``
a cluster's cases on a day).

The question for each hidden cell with linear function a·x: is there an integer x satisfying
every observation with a·x ≠ v, where v is its value in one feasible solution? Decided with
scipy's HiGHS MILP (``scipy.optimize.milp``) on the connected component of the cell: a pool of
integer solutions (a feasible one, then some with random objectives over the undecided cells)
settles most cells (two solutions with different values: not pinned); the rest get two
feasibility problems, a·x ≤ v − 1 and a·x ≥ v + 1. Pinned means both are infeasible. Rows
with integer coefficients are tightened to integer bounds; unknowns in a row of positive
coefficients published as 0 are 0 (cells of those only are pinned to 0 without a solve).

Before attacking, :func:`check_truth` puts the true counts (read by a full-access user) into
every observation: a shown number the truth does not satisfy means the model is wrong
(:class:`ModelError`); a "1–4"-style label the truth does not satisfy is a false label (an app
defect, reported and dropped from the model).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack

NATION = "landet"
INF = math.inf
Term = tuple[str, str, float]  # (area, ISO day, coefficient)
Var = tuple[str, str]  # (variable area: kommune or rest group, ISO day)

# Relative tolerance of an unrounded float from the app (rates in figure JSON).
FLOAT_RELATIVE = 1e-6
# Feasibility tolerance when putting the truth into an observation.
TRUTH_TOLERANCE = 1e-6
# Solves with random objectives over the still open targets before deciding them one by one.
DIVERSIFY_ROUNDS = 8


def fylke(code: str) -> str:
    return f"fylke:{code}"


# --------------------------------------------------------------------------- observations
@dataclass(frozen=True)
class Observation:
    """One number a role obtained: ``lo ≤ Σ coef·c(area, day) ≤ hi``.

    ``hidden``: the role was shown a label ("1–4", "0–4", "skjult", "–", empty) instead of the
    number; ``label``: the bounds come from a label's claim ("1–4"), not from a shown number.
    """

    route: str
    role: str
    area: str  # kommunenummer, fylke:NN or landet (what the number is about)
    date: str  # the attack date (as-of date of the read), ISO
    cell: str  # what the number is, e.g. "cases_7d", "bar 2023-02-21"
    terms: tuple[Term, ...]
    lo: float
    hi: float
    hidden: bool = False
    label: bool = False
    shown: str = ""

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.route, self.area, self.cell, self.terms, self.lo, self.hi, self.hidden)

    def describe(self) -> str:
        return (
            f"{self.route} / {self.role} / {self.area} / {self.date} / {self.cell} "
            f"(shown {self.shown!r}, bounds [{_fmt(self.lo)}, {_fmt(self.hi)}])"
        )


def _fmt(x: float) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "-∞"
    return f"{x:g}" if abs(x - round(x)) > 1e-9 else str(round(x))


def days_ending(end: str | dt.date, days: int, *, skip: int = 0) -> list[str]:
    """The ``days`` ISO days ending ``skip`` days before ``end``."""
    last = (dt.date.fromisoformat(end) if isinstance(end, str) else end) - dt.timedelta(days=skip)
    return [(last - dt.timedelta(days=i)).isoformat() for i in range(days - 1, -1, -1)]


def window(area: str, end: str | dt.date, days: int, *, skip: int = 0) -> tuple[Term, ...]:
    """Terms of a ``days``-day window sum of ``area`` ending ``skip`` days before ``end``."""
    return tuple((area, d, 1.0) for d in days_ending(end, days, skip=skip))


def day(area: str, when: str | dt.date) -> tuple[Term, ...]:
    return ((area, when if isinstance(when, str) else when.isoformat(), 1.0),)


# --------------------------------------------------------------------------- reading text
NUMBER = re.compile(
    r"^[+\-−]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?$|^[+\-−]?\d+(?:[.,]\d+)?$"
)
SPACES = re.compile(r"[ \u00a0\u202f]")
UNITS = ("%", "per 100 000", "per 100\u00a0000", "tilfeller", "i snitt", "cases", "per 100,000")


@dataclass(frozen=True)
class Reading:
    """What a shown text says: a number (with the decimals shown), a label with bounds, or
    hidden without bounds. ``None`` from :func:`read` means not understood."""

    kind: str  # number | label | hidden
    value: float = 0.0
    decimals: int | None = None  # digits shown after the decimal sign (None: unrounded float)
    lo: float = 0.0
    hi: float = INF
    text: str = ""


def read(value: Any) -> Reading | None:
    """A shown value as a :class:`Reading`: JSON numbers (floats from figure arrays are
    treated as unrounded when they carry more than 4 decimals), Norwegian or English number
    text, "1–4" / "0–4" labels, "skjult", "–", empty, None and NaN (hidden)."""
    if value is None:
        return Reading("hidden", text="None")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return Reading("number", float(value), 0, text=str(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f):
            return Reading("hidden", text="NaN")
        if not math.isfinite(f):
            return None
        text = repr(f)
        if "e" in text or "E" in text:
            return Reading("number", f, None, text=text)
        decimals = len(text.split(".")[1]) if "." in text else 0
        return Reading("number", f, decimals if decimals <= 4 else None, text=text)
    text = str(value).strip()
    bare = re.sub(r"\s*\((?:vist som|shown as) [^)]*\)$", "", text)  # "112,5 % (vist som 100 %)"
    for unit in UNITS:
        if bare.endswith(unit):
            bare = bare[: -len(unit)].strip()
    low = text.lower()
    if bare in ("", "–", "-", "—", "nan", "NaN", "None", "null"):
        return Reading("hidden", text=text)
    if re.search(r"\b1\s*[–-]\s*4\b", text):
        return Reading("label", lo=1, hi=4, text=text)
    if re.search(r"\b0\s*[–-]\s*4\b", text):
        return Reading("label", lo=0, hi=4, text=text)
    if "skjult" in low or "hidden" in low or "withheld" in low or "suppressed" in low:
        return Reading("hidden", text=text)
    number = bare
    if NUMBER.match(number):
        plain = SPACES.sub("", number).replace("−", "-")
        if "," in plain and "." in plain:
            return None
        plain = plain.replace(",", ".")
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        return Reading("number", float(plain), decimals, text=text)
    return None


def count_bounds(value: float, max_perturbation: int) -> tuple[float, float]:
    """Bounds on a true count from a shown count: exact without perturbation; with cell-key
    perturbation of at most D, [v − D, v + D] (at least 5 when v ≥ 5: true small counts are
    hidden), and 0 exactly."""
    if max_perturbation <= 0:
        return value, value
    if value == 0:
        return 0.0, 0.0
    lo = max(value - max_perturbation, 5.0 if value >= 5 else 0.0)
    return lo, value + max_perturbation


def scaled_bounds(
    value: float, scale: float, decimals: int | None, max_perturbation: int
) -> tuple[float, float]:
    """Bounds on a count from a shown ``value = count × scale`` (a rate per 100 000 has
    scale 1e5/population, a 7-day mean 1/7) shown with ``decimals`` (None: unrounded)."""
    half = 0.5 * 10.0 ** (-decimals) if decimals is not None else 0.0
    slack = max(half, FLOAT_RELATIVE * abs(value), 1e-9)
    lo, hi = (value - slack) / scale, (value + slack) / scale
    lo = max(lo, 0.0)
    if max_perturbation > 0 and hi >= 1 - 1e-9:  # a rate derived from a perturbed count
        lo, hi = max(lo - max_perturbation, 0.0), hi + max_perturbation
    return lo, hi


@dataclass
class Collector:
    """Builds observations for one route and role; texts it could not read are kept in
    ``unparsed`` (for the report), not guessed."""

    route: str
    role: str
    max_perturbation: int = 0
    observations: list[Observation] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def count(
        self, area: str, date: str, cell: str, terms: Sequence[Term], shown: Any
    ) -> Observation | None:
        """A shown count (or its label)."""
        reading = read(shown)
        if reading is None:
            self.unparsed.append(f"{self.route}/{self.role}/{area}/{date}/{cell}: {shown!r}")
            return None
        if reading.kind == "number":
            lo, hi = count_bounds(reading.value, self.max_perturbation)
            return self.bound(area, date, cell, terms, lo, hi, reading.text)
        label = reading.kind == "label"
        return self.bound(
            area, date, cell, terms, reading.lo, reading.hi, reading.text, hidden=True, label=label
        )

    def scaled(
        self,
        area: str,
        date: str,
        cell: str,
        terms: Sequence[Term],
        shown: Any,
        scale: float,
        *,
        decimals: int | str | None = "shown",
        count_labels: bool = False,
        complement: float | None = None,
    ) -> Observation | None:
        """A shown value of count × ``scale`` (a rate, a mean), or with ``complement`` of
        ``complement − count × scale`` (a coverage of 100 % minus the unvaccinated share). A
        hidden rate is a hidden cell without bounds (a rate is never "1–4"), unless
        ``count_labels``: the label then speaks of the count behind it (the map's "skjult
        (1–4 tilfeller)")."""
        reading = read(shown)
        if reading is None:
            self.unparsed.append(f"{self.route}/{self.role}/{area}/{date}/{cell}: {shown!r}")
            return None
        if reading.kind == "number":
            places = reading.decimals if decimals == "shown" else decimals
            value = reading.value if complement is None else complement - reading.value
            lo, hi = scaled_bounds(value, scale, places, self.max_perturbation)  # type: ignore[arg-type]
            if complement is not None and self.max_perturbation > 0:
                # a coverage is computed from the perturbed count of the vaccinated: its
                # complement (the unvaccinated) is not a published cell of its own, so a
                # shown 100 % is no exact 0
                lo, hi = max(lo - self.max_perturbation, 0.0), hi + self.max_perturbation
            return self.bound(area, date, cell, terms, lo, hi, reading.text)
        if reading.kind == "label" and count_labels:
            lo, hi = reading.lo, reading.hi
            return self.bound(
                area, date, cell, terms, lo, hi, reading.text, hidden=True, label=True
            )
        return self.bound(area, date, cell, terms, 0.0, INF, reading.text, hidden=True)

    def bound(
        self,
        area: str,
        date: str,
        cell: str,
        terms: Sequence[Term],
        lo: float,
        hi: float,
        shown: str = "",
        *,
        hidden: bool = False,
        label: bool = False,
    ) -> Observation:
        """What the role knows of ``terms``: ``lo`` ≤ their sum ≤ ``hi``. Called as is, a bound
        the role knows without a shown number (residents of an age band bound its
        unvaccinated; a cluster's first case day has a case); ``hidden``/``label`` for a
        shown cell that was hidden (and labelled "1–4")."""
        obs = Observation(
            self.route, self.role, area, date, cell, tuple(terms), lo, hi, hidden, label, shown
        )
        self.observations.append(obs)
        return obs


def dedupe(observations: Iterable[Observation]) -> list[Observation]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for obs in observations:
        if obs.key not in seen:
            seen.add(obs.key)
            out.append(obs)
    return out


# --------------------------------------------------------------------------- the model
@dataclass
class Universe:
    """Which unknowns stand for which published areas."""

    county_of: Mapping[str, str]  # every kommune → fylkesnummer
    modelled: frozenset[str]  # kommuner with unknowns of their own
    rest_counties: frozenset[str]  # counties whose other kommuner share one unknown per day
    other: bool  # kommuner outside those share one unknown per day (for the nation)

    @classmethod
    def of(cls, observations: Sequence[Observation], county_of: Mapping[str, str]) -> Universe:
        areas = {a for o in observations for a, _d, _c in o.terms}
        modelled = frozenset(a for a in areas if a in county_of)
        unknown = {
            a
            for a in areas
            if a not in county_of and a != NATION and ":" not in a  # "x:…" is opaque
        }
        if unknown:
            raise ValueError(f"unknown areas in observations: {sorted(unknown)[:5]}")
        counties = {a.split(":", 1)[1] for a in areas if a.startswith("fylke:")}
        outside = {k for k in county_of if k not in modelled}
        rest = frozenset(f for f in counties if any(county_of[k] == f for k in outside))
        other = NATION in areas and any(county_of[k] not in rest for k in outside)
        return cls(county_of, modelled, rest, other)

    def expand(self, area: str) -> list[str]:
        """The unknowns of an area: a kommune's own, a county's or the nation's modelled
        kommuner plus the rest; any other ``kind:…`` area (a cluster, an age band) is an
        opaque unknown of its own."""
        if area == NATION:
            out = sorted(self.modelled) + [f"rest:{f}" for f in sorted(self.rest_counties)]
            return out + (["rest:other"] if self.other else [])
        if area.startswith("fylke:"):
            code = area.split(":", 1)[1]
            out = sorted(k for k in self.modelled if self.county_of[k] == code)
            return out + ([f"rest:{code}"] if code in self.rest_counties else [])
        return [area]

    def linear(self, terms: Iterable[Term]) -> dict[Var, float]:
        out: dict[Var, float] = defaultdict(float)
        for area, d, coef in terms:
            for a in self.expand(area):
                out[(a, d)] += coef
        return {v: c for v, c in out.items() if c != 0}


class ModelError(AssertionError):
    """The true counts break a shown number: the model of the outputs is wrong."""


@dataclass
class Finding:
    observation: Observation
    value: float  # the pinned value (when pinned) or one feasible value
    true: float | None
    lo: float | None = None  # the feasible integer range when computed
    hi: float | None = None

    def describe(self) -> str:
        o = self.observation
        true = "?" if self.true is None else _fmt(self.true)
        return (
            f"{o.route} / {o.role} / {o.area} / {o.date} / {o.cell}: shown {o.shown!r}, "
            f"pinned to {_fmt(self.value)} (true {true})"
        )


@dataclass
class Result:
    name: str
    examined: int = 0  # hidden observations
    distinct: int = 0  # distinct linear functions among them
    pinned: list[Finding] = field(default_factory=list)
    undecided: list[Observation] = field(default_factory=list)
    false_labels: list[tuple[Observation, float | None]] = field(default_factory=list)
    observations: int = 0
    variables: int = 0
    solves: int = 0
    seconds: float = 0.0
    unparsed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        small = sum(1 for f in self.pinned if 1 <= f.value <= 4)
        zero = sum(1 for f in self.pinned if f.value == 0)
        return (
            f"ATTACK {self.name}: hidden cells examined {self.examined} "
            f"({self.distinct} distinct), pinned {len(self.pinned)} "
            f"(to 1–4: {small}, to 0: {zero}, to ≥5: {len(self.pinned) - small - zero}), "
            f"undecided {len(self.undecided)}, false 1–4 labels {len(self.false_labels)}; "
            f"{self.observations} observations, {self.variables} unknowns, "
            f"{self.solves} MILP solves, {self.seconds:.1f} s"
            + (f"; {len(self.unparsed)} texts not understood" if self.unparsed else "")
        )

    def examples(self, n: int = 8) -> list[Finding]:
        """Pinned cells to show: pinned to 1–4 first, then ≥ 5, then 0; kommune cells first;
        one per (area, date, kind) in turn."""
        ordered = sorted(
            self.pinned,
            key=lambda f: (
                0 if 1 <= f.value <= 4 else 1 if f.value >= 5 else 2,  # small counts first
                not f.observation.area[:1].isdigit(),
                f.observation.cell.split(" ")[0],
                f.observation.date,
                f.observation.cell,
            ),
        )
        seen: set[tuple[str, str, str]] = set()
        first: list[Finding] = []
        rest: list[Finding] = []
        for f in ordered:
            o = f.observation
            kind = (o.area, o.date, re.sub(r"\d{4}-\d{2}-\d{2}", "", o.cell))
            (rest if kind in seen else first).append(f)
            seen.add(kind)
        return (first + rest)[:n]

    def report(self, examples: int = 8) -> str:
        lines = [self.summary()]
        if self.pinned:
            lines.append("pinned hidden cells (route / role / area / date / cell):")
            lines += ["  " + f.describe() for f in self.examples(examples)]
            if len(self.pinned) > examples:
                lines.append(f"  … and {len(self.pinned) - examples} more")
        if self.undecided:
            lines.append("undecided (solver limit):")
            lines += ["  " + o.describe() for o in self.undecided[:examples]]
        if self.false_labels:
            lines.append("labels the true value does not satisfy:")
            lines += [
                "  " + o.describe() + f": true {_fmt(t) if t is not None else '?'}"
                for o, t in self.false_labels[:examples]
            ]
        if self.unparsed:
            lines.append("texts not understood:")
            lines += ["  " + u for u in self.unparsed[:examples]]
        return "\n".join(lines)


def _value(linear: Mapping[Var, float], truth: Mapping[Var, float]) -> float | None:
    total = 0.0
    for var, coef in linear.items():
        if var not in truth:
            return None
        total += coef * truth[var]
    return total


def _satisfied(value: float, lo: float, hi: float) -> bool:
    slack = TRUTH_TOLERANCE * max(1.0, abs(value))
    return lo - slack <= value <= hi + slack


def known_values(
    universe: Universe,
    truth: Mapping[tuple[str, str], float] | None,
    truth_observations: Sequence[Observation] = (),
) -> dict[Var, float]:
    """True values of unknowns: ``truth`` and the truth observations of one unknown."""
    known = dict(truth or {})
    for obs in truth_observations:
        linear = universe.linear(obs.terms)
        if len(linear) == 1 and obs.lo == obs.hi:
            ((var, coef),) = linear.items()
            known.setdefault(var, obs.lo / coef)
    return known


def check_truth(
    observations: Sequence[Observation],
    universe: Universe,
    truth: Mapping[tuple[str, str], float] | None,
    truth_observations: Sequence[Observation] = (),
) -> tuple[list[Observation], list[tuple[Observation, float | None]]]:
    """Put the true values into every observation.

    ``truth`` gives true values of unknowns (the daily counts of the modelled kommuner);
    ``truth_observations`` are exact numbers a full-access user reads where unknowns are not
    shown one by one (a cluster's weeks). Returns (observations kept, false labels). A shown
    number the truth breaks raises :class:`ModelError` naming it; a label the truth breaks is
    a false label and is dropped. Observations the truth does not settle alone (counties, the
    nation, clusters) are checked together: the known unknowns fixed, the truth observations
    added, the rest must be feasible.
    """
    if truth is None and not truth_observations:
        return list(observations), []
    known = known_values(universe, truth, truth_observations)
    kept: list[Observation] = []
    false: list[tuple[Observation, float | None]] = []
    aggregate: list[Observation] = []
    wrong: list[str] = []
    for obs in observations:
        linear = universe.linear(obs.terms)
        value = _value(linear, known)
        if value is None:
            aggregate.append(obs)
            continue
        if _satisfied(value, obs.lo, obs.hi):
            kept.append(obs)
        elif obs.label:
            false.append((obs, value))
        else:
            wrong.append(f"{obs.describe()}: true value {value:g}")
    if wrong:
        raise ModelError(
            f"{len(wrong)} shown numbers break the true counts (the model is wrong):\n  "
            + "\n  ".join(wrong[:10])
        )
    if aggregate:
        fixed = known
        values = [o for o in aggregate if not o.label]
        base = list(truth_observations)
        if not _feasible([*base, *values], universe, fixed):
            culprits = _minimal_infeasible(values, universe, fixed, base)
            raise ModelError(
                "numbers on counties, the nation or other aggregates cannot all hold with the "
                "truth (the model is wrong); a smallest conflicting set:\n  "
                + "\n  ".join(o.describe() for o in culprits[:10])
            )
        labels = [o for o in aggregate if o.label]
        if _feasible([*base, *values, *labels], universe, fixed):
            kept += [*values, *labels]
        else:
            kept_aggregate = list(values)
            for obs in labels:
                if _feasible([*base, *kept_aggregate, obs], universe, fixed):
                    kept_aggregate.append(obs)
                else:
                    false.append((obs, None))
            kept += kept_aggregate
    return kept, false


def _feasible(
    observations: Sequence[Observation], universe: Universe, fixed: Mapping[Var, float]
) -> bool:
    problem = _Problem.build(observations, universe)
    if problem.n == 0:
        return True
    lb = np.zeros(problem.n)
    ub = np.full(problem.n, np.inf)
    for var, i in problem.index.items():
        if var in fixed:
            lb[i] = ub[i] = fixed[var]
    status, _x = problem.solve(np.zeros(problem.n), lb=lb, ub=ub)
    return status == 0


def _minimal_infeasible(
    observations: Sequence[Observation],
    universe: Universe,
    fixed: Mapping[Var, float],
    base: Sequence[Observation] = (),
) -> list[Observation]:
    """A deletion filter: drop each observation whose removal keeps the set infeasible."""
    keep = list(observations)
    for obs in list(keep):
        trial = [o for o in keep if o is not obs]
        if not _feasible([*base, *trial], universe, fixed):
            keep = trial
    return keep


def _csr(rows: Sequence[Mapping[int, float]], n: int) -> csr_matrix:
    data: list[float] = []
    cols: list[int] = []
    ptr = [0]
    for row in rows:
        cols.extend(row.keys())
        data.extend(row.values())
        ptr.append(len(cols))
    return csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(cols, dtype=np.int64), np.asarray(ptr)),
        shape=(len(rows), n),
    )


@dataclass
class _Problem:
    index: dict[Var, int]
    rows: list[dict[int, float]]
    lo: np.ndarray
    hi: np.ndarray
    _base: csr_matrix | None = None

    @property
    def n(self) -> int:
        return len(self.index)

    @classmethod
    def build(cls, observations: Sequence[Observation], universe: Universe) -> _Problem:
        merged: dict[tuple[tuple[Var, float], ...], list[float]] = {}
        for obs in observations:
            linear = universe.linear(obs.terms)
            if not linear:
                continue
            key = tuple(sorted(linear.items()))
            bounds = merged.setdefault(key, [-INF, INF])
            bounds[0] = max(bounds[0], obs.lo)
            bounds[1] = min(bounds[1], obs.hi)
        index: dict[Var, int] = {}
        rows = []
        lo, hi = [], []
        for key, (a, b) in merged.items():
            if all(float(c).is_integer() for _v, c in key):
                # integer coefficients, integer unknowns: the row's value is an integer
                a = math.ceil(a - 1e-9) if math.isfinite(a) else a
                b = math.floor(b + 1e-9) if math.isfinite(b) else b
            rows.append({index.setdefault(v, len(index)): c for v, c in key})
            lo.append(a)
            hi.append(b)
        return cls(index, rows, np.array(lo, dtype=float), np.array(hi, dtype=float))

    def matrix(self, extra: Sequence[dict[int, float]] = ()) -> csr_matrix:
        if self._base is None:
            self._base = _csr(self.rows, self.n)
        if not extra:
            return self._base
        return vstack([self._base, _csr(extra, self.n)], format="csr")

    def solve(
        self,
        objective: np.ndarray,
        *,
        extra: Sequence[tuple[dict[int, float], float, float]] = (),
        lb: np.ndarray | None = None,
        ub: np.ndarray | None = None,
        integral: bool = True,
        time_limit: float = 60.0,
    ) -> tuple[int, np.ndarray | None]:
        """scipy's HiGHS: (status, x); status 0 optimal/feasible, 2 infeasible, 1 limit."""
        a = self.matrix([r for r, _l, _h in extra])
        lo = np.concatenate([self.lo, [low for _r, low, _h in extra]])
        hi = np.concatenate([self.hi, [h for _r, _l, h in extra]])
        res = milp(
            c=objective,
            integrality=np.ones(self.n) if integral else np.zeros(self.n),
            bounds=Bounds(
                np.zeros(self.n) if lb is None else lb,
                np.full(self.n, np.inf) if ub is None else ub,
            ),
            constraints=LinearConstraint(a, lo, hi) if a.shape[0] else (),
            options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True},
        )
        x = None if res.x is None else np.asarray(res.x)
        if res.status == 0:
            return 0, x
        if res.status == 2:
            return 2, None
        # 1 = time/node limit (x may be an incumbent); 3 unbounded; 4 other
        return (1 if res.status == 1 else res.status), x


def _components(problem: _Problem) -> list[int]:
    parent = list(range(problem.n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in problem.rows:
        cols = list(row)
        for j in cols[1:]:
            a, b = find(cols[0]), find(j)
            if a != b:
                parent[a] = b
    return [find(i) for i in range(problem.n)]


def attack(
    observations: Sequence[Observation],
    *,
    county_of: Mapping[str, str],
    truth: Mapping[tuple[str, str], float] | None = None,
    name: str = "",
    allowed: Iterable[str] = (),
    truth_observations: Sequence[Observation] = (),
    time_limit: float = 60.0,
) -> Result:
    """The feasible integer range of every hidden observation given all the observations:
    the pinned ones are found (see the module docstring). ``truth`` and
    ``truth_observations`` are for :func:`check_truth` and the report only."""
    import time

    started = time.perf_counter()
    observations = dedupe(observations)
    universe = Universe.of([*observations, *truth_observations], county_of)
    kept, false_labels = check_truth(observations, universe, truth, truth_observations)
    known = known_values(universe, truth, truth_observations)
    exact = {  # true values of sums a full-access user reads as such (a cluster's week)
        tuple(sorted(universe.linear(o.terms).items())): o.lo
        for o in truth_observations
        if o.lo == o.hi
    }
    result = Result(name=name, false_labels=false_labels, observations=len(observations))
    problem = _Problem.build(kept, universe)
    result.variables = problem.n
    # a cell of kommuner whose small numbers the role may see is no secret of the role's
    allowed = frozenset(allowed)

    def concerns(obs: Observation) -> set[str]:
        """The kommuner a cell is about: its unknowns' kommuner; for an opaque unknown
        (a cluster, an age band) the observation's area (kommuner joined by "+")."""
        areas = {a for a, _d in universe.linear(obs.terms)}
        out = {a for a in areas if ":" not in a}
        if len(out) < len(areas):
            out |= set(obs.area.split("+"))
        return out

    hidden = [o for o in observations if o.hidden and not concerns(o) <= allowed]
    result.examined = len(hidden)
    targets: dict[tuple[tuple[Var, float], ...], list[Observation]] = defaultdict(list)
    for obs in hidden:
        linear = universe.linear(obs.terms)
        if linear:
            targets[tuple(sorted(linear.items()))].append(obs)
    result.distinct = len(targets)
    if not problem.n:
        result.seconds = time.perf_counter() - started
        return result

    comp = _components(problem)
    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(comp):
        members[c].append(i)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, row in enumerate(problem.rows):
        rows_of[comp[next(iter(row))]].append(r)
    by_comp: dict[int, list[tuple[tuple[tuple[Var, float], ...], dict[int, float]]]] = defaultdict(
        list
    )

    def record_pinned(key: tuple[tuple[Var, float], ...], v: float) -> None:
        for obs in targets[key]:
            true = _value(universe.linear(obs.terms), known)
            if true is None:
                true = exact.get(key)
            result.pinned.append(Finding(obs, float(v), true, float(v), float(v)))

    # Each target is decided in its connected component. A target over several components
    # (a false label dropped, its parts not otherwise linked) is pinned only if every part
    # is: decided on the whole problem (rare).
    multi = []
    # A row of positive coefficients that is at most 0 (a window published as exactly 0)
    # makes each of its unknowns 0: a target of such unknowns only is pinned to 0 as it is.
    zero = np.zeros(problem.n, dtype=bool)
    for r, row in enumerate(problem.rows):
        if problem.hi[r] <= 1e-9 and all(c > 0 for c in row.values()):
            zero[list(row)] = True
    for key in targets:
        if any(var not in problem.index for var, _c in key):
            continue  # an unknown no other number speaks of: free, never pinned
        cols = {problem.index[var]: coef for var, coef in key}
        if all(zero[j] for j in cols):
            record_pinned(key, 0)
            continue
        roots = {comp[j] for j in cols}
        if len(roots) == 1:
            by_comp[roots.pop()].append((key, cols))
        else:
            multi.append((key, cols))

    def solve_component(sub: _Problem, local_targets: list[tuple[Any, dict[int, float]]]) -> None:
        """Decide the targets of one connected component. A pool of integer solutions
        settles every target on which two of them differ; random objectives over the
        targets still open grow the pool fast; the rest get the two feasibility problems."""
        rng = np.random.default_rng(0)
        a = _csr([cols for _k, cols in local_targets], sub.n)
        seen: list[np.ndarray] = []  # target values in each pool solution

        def add(x: np.ndarray) -> None:
            seen.append(np.round(a @ np.round(x), 6))

        def open_targets() -> np.ndarray:
            values = np.vstack(seen)
            return np.flatnonzero((values == values[0]).all(axis=0))

        status, x = sub.solve(np.zeros(sub.n), time_limit=time_limit)
        result.solves += 1
        if status != 0 or x is None:
            raise ModelError(f"{name}: the observations have no integer solution (status {status})")
        add(x)
        # bounded unknowns for the random objectives (any solution is a witness; unbounded
        # objectives would give none)
        cap = np.full(sub.n, 2.0 * float(np.max(x, initial=0.0)) + 10.0)
        for _round in range(DIVERSIFY_ROUNDS):
            still = open_targets()
            if len(still) <= 1:
                break
            weights = rng.choice([-1.0, 1.0], size=len(still))
            objective = np.asarray(a[still].T @ weights).ravel()
            status, x = sub.solve(objective, ub=cap, time_limit=min(time_limit, 10.0))
            result.solves += 1
            if x is None:
                break
            before = len(still)
            add(x)
            if before - len(open_targets()) < max(2, before // 50):
                break  # diminishing returns: decide the rest one by one
        for t in open_targets():
            key, cols = local_targets[t]
            values = {float(v[t]) for v in seen}
            if len(values) > 1:
                continue  # settled by a solution found for an earlier target
            v = round(values.pop())
            pinned = True
            for lo, hi in ((-INF, v - 1), (v + 1, INF)):
                if hi < 0 and all(c >= 0 for c in cols.values()):
                    continue  # below 0: impossible without a solver
                status, x = sub.solve(
                    np.zeros(sub.n), extra=[(cols, lo, hi)], time_limit=time_limit
                )
                result.solves += 1
                if status == 0 and x is not None:
                    add(x)
                    pinned = False
                    break
                if status != 2:
                    pinned = False
                    result.undecided += targets[key]
                    break
            if pinned:
                record_pinned(key, v)

    for root, local in by_comp.items():
        cols_global = members[root]
        local_index = {j: i for i, j in enumerate(cols_global)}
        sub = _Problem(
            {var: local_index[j] for var, j in problem.index.items() if j in local_index},
            [{local_index[j]: c for j, c in problem.rows[r].items()} for r in rows_of[root]],
            problem.lo[rows_of[root]],
            problem.hi[rows_of[root]],
        )
        solve_component(
            sub, [(key, {local_index[j]: c for j, c in cols.items()}) for key, cols in local]
        )
    if multi:
        solve_component(problem, multi)
    result.seconds = time.perf_counter() - started
    return result
