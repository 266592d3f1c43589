"""Developer tool: refit the monthly behaviour values of :class:`EpidemicParams`.

The epidemic's transmission comes from variants, season, rules and immunity; what is left
(voluntary behaviour) is one multiplier per month, fitted here month by month so that the
national curve of detected cases follows the rough shape of Norway's registered cases. Run it
after changing other epidemic parameters and paste the printed tuple into ``EpidemicParams``::

    python -m data.synthetic.calibration
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from data.synthetic import epidemic as ep
from data.synthetic._common import rng_for
from data.synthetic.geography import load_geography
from data.synthetic.population import build_population
from data.synthetic.rules import rule_table, timeline
from data.synthetic.vaccination import coverage_by_cell, vaccinate

# Registered cases per month in thousands, March 2020 … February 2023 (rounded, approximate).
MONTHLY_CASES_THOUSANDS = np.array(
    [4.5, 3.0, 0.4, 0.3, 0.3, 1.5, 2.5, 4.5, 12.5, 12.0, 12.5, 6.5,
     21, 15, 12, 7, 6, 25, 35, 17, 60, 135, 270, 480,
     230, 40, 12, 17, 35, 12, 8, 14, 9, 11, 5, 3]
)  # fmt: skip
TOTAL_CASES = 1_500_000
TEST_DELAY_DAYS = 6  # infection → test date, roughly


def fit_behaviour(seed: int = 42, smoothness: float = 0.5) -> tuple[float, ...]:
    geo = load_geography()
    pop = build_population(geo, 0.05, rng_for(seed, "population"))
    coverage = coverage_by_cell(pop, vaccinate(pop, rng_for(seed, "vaccination")))
    rules = timeline(rule_table())
    params = dataclasses.replace(ep.EpidemicParams(), behaviour=(1.0,) * 37)
    sim = ep.Simulation(geo, pop, rules, coverage, rng_for(seed, "epidemic"), params)
    target = MONTHLY_CASES_THOUSANDS * TOTAL_CASES / MONTHLY_CASES_THOUSANDS.sum()
    starts = [*ep.month_steps(sim.days), len(sim.days)]
    values = list(params.behaviour)
    sim.run(starts[1])
    for month in range(1, len(starts) - 1):
        saved = _save(sim)
        days = sim.days[starts[month] : starts[month + 1]] - TEST_DELAY_DAYS
        best: tuple[float, float] | None = None
        for candidate in values[month - 1] * np.exp(np.linspace(-1.5, 1.5, 31)):
            _restore(sim, saved)
            values[month] = float(candidate)
            sim.behaviour = ep.behaviour_curve(sim.days, tuple(values))
            sim.run(starts[month + 1])
            detected = sum(
                float((sim.record[:, :, d - ep.RECORD_FROM] @ sim.detect[:, max(d, 0)]).sum())
                for d in days
                if d >= ep.RECORD_FROM
            )
            loss = (np.log(detected + 200) - np.log(target[month - 1] + 200)) ** 2
            loss += smoothness * np.log(candidate / values[month - 1]) ** 2
            if best is None or loss < best[0]:
                best = (loss, float(candidate))
        assert best is not None
        _restore(sim, saved)
        values[month] = best[1]
        sim.behaviour = ep.behaviour_curve(sim.days, tuple(values))
        sim.run(starts[month + 1])
    return tuple(round(v, 3) for v in values)


def _save(sim: ep.Simulation) -> dict:
    return {
        "arrays": {k: getattr(sim, k).copy() for k in ("s", "e", "i", "r", "noise", "recent")},
        "rng": copy.deepcopy(sim.rng.bit_generator.state),
        "step": sim.next_step,
    }


def _restore(sim: ep.Simulation, saved: dict) -> None:
    for k, v in saved["arrays"].items():
        setattr(sim, k, v.copy())
    sim.rng.bit_generator.state = copy.deepcopy(saved["rng"])
    sim.next_step = saved["step"]


if __name__ == "__main__":
    print(fit_behaviour())
