"""The generator's entry point: runs the steps in order and assembles the tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from data.synthetic import arrivals as arrivals_mod
from data.synthetic import cases as cases_mod
from data.synthetic import certificates as certificates_mod
from data.synthetic import clusters as clusters_mod
from data.synthetic import diseases as diseases_mod
from data.synthetic import hospital as hospital_mod
from data.synthetic import testing as testing_mod
from data.synthetic import vaccination as vaccination_mod
from data.synthetic._common import PERIOD_END, PERIOD_START, SCALES, Scale, person_keys, rng_for
from data.synthetic.epidemic import simulate
from data.synthetic.geography import load_geography
from data.synthetic.ili import ili_table
from data.synthetic.pathogen import build_pathogen, origin_kommune
from data.synthetic.population import build_population, population_table
from data.synthetic.rules import rule_table, timeline
from data.synthetic.window import rules_known_on, trim_to

GENERATOR_VERSION = "situasjonsbilde.synthetic 3"


@dataclass
class SyntheticDataset:
    tables: dict[str, pd.DataFrame]
    tracing: dict[str, pd.DataFrame]
    meta: dict[str, str] = field(default_factory=dict)


def generate(
    scale: str | Scale = "small",
    seed: int = 42,
    progress: bool = True,
    diseases: tuple[str, ...] | None = None,
) -> SyntheticDataset:
    """Generate the synthetic demo data set for one scale and seed (deterministic).

    ``diseases``: the diseases beside covid-19 to add (default: influensa, rsv and ukjent);
    each has random streams of its own, so covid-19's rows do not depend on them."""
    others = ("influensa", "rsv", "ukjent") if diseases is None else diseases
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"Unknown scale {scale!r}; expected one of {sorted(SCALES)}")
        scale = SCALES[scale]
    seed = int(seed)
    frac = scale.population_fraction
    state: dict[str, Any] = {}  # intermediate results, freed when no longer needed
    tables: dict[str, pd.DataFrame] = {}
    tracing: dict[str, pd.DataFrame] = {}

    def geography() -> None:
        state["geo"] = load_geography()

    def population() -> None:
        pop = build_population(state["geo"], frac, rng_for(seed, "population"))
        state["pop"] = pop
        tables["population"] = population_table(pop, state["geo"])

    def rules() -> None:
        table = rule_table()
        state["rules"] = timeline(table)
        tables["rule_version"] = rules_known_on(table, scale.period_end)

    def vaccination() -> None:
        pop = state["pop"]
        doses = vaccination_mod.vaccinate(pop, rng_for(seed, "vaccination"))
        state["doses"] = doses
        state["coverage"] = vaccination_mod.coverage_by_cell(pop, doses)

    def epidemic() -> None:
        state["epi"] = simulate(
            state["geo"], state["pop"], state["rules"], state["coverage"], rng_for(seed, "epidemic")
        )
        del state["coverage"]

    def arrivals() -> None:
        rng = rng_for(seed, "arrivals")
        arr = arrivals_mod.generate_arrivals(
            state["geo"], state["pop"], state["rules"], scale.target_arrivals * frac, rng
        )
        state["arrivals"] = arr
        state["imported"] = arrivals_mod.imported_cases(arr, state["pop"], rng)
        pop = state["pop"]
        state["keys"] = person_keys(np.arange(pop.n_persons + arr.n_visitors), seed)

    def cases() -> None:
        state["cases"] = cases_mod.build_cases(
            state["geo"],
            state["pop"],
            state["epi"],
            state["imported"],
            frac,
            scale.target_cases,
            rng_for(seed, "cases"),
        )

    def clusters() -> None:
        state["clusters"] = clusters_mod.build_clusters(
            state["cases"], state["geo"], frac, rng_for(seed, "clusters")
        )

    def tests() -> None:
        state["tests"] = testing_mod.build_tests(
            state["geo"],
            state["pop"],
            state["cases"],
            state["rules"],
            frac,
            scale.target_tests,
            rng_for(seed, "tests"),
        )

    def hospital() -> None:
        state["admissions"] = hospital_mod.build_admissions(
            state["cases"],
            state["doses"],
            state["pop"].n_persons,
            state["epi"].omicron,
            rng_for(seed, "hospital"),
        )

    def certificates() -> None:
        state["certificates"] = certificates_mod.build_certificates(
            state["geo"],
            state["pop"],
            state["doses"],
            state["cases"],
            state["tests"],
            state["rules"],
            state["keys"],
        )

    def other_diseases() -> None:
        geo, pop = state["geo"], state["pop"]
        state["origin"] = geo.codes[origin_kommune(geo, pop, seed)]
        state["diseases"] = [
            diseases_mod.build_seasonal(d, geo, pop, frac, seed)
            for code, d in diseases_mod.SEASONAL.items()
            if code in others
        ]
        if "ukjent" in others:
            state["diseases"].append(build_pathogen(geo, pop, frac, seed))

    def assemble() -> None:
        codes = state["geo"].codes
        keys = state["keys"]
        cs = state["cases"]
        cl = state["clusters"]
        tables["test_event"] = testing_mod.test_table(state["tests"], keys, codes)
        del state["tests"]
        tables["case"] = cases_mod.case_table(cs, keys, codes, cl.ids)
        tables["vaccination"] = vaccination_mod.vaccination_table(
            state["pop"], state["doses"], keys, codes
        )
        tables["certificate"] = certificates_mod.certificate_table(state["certificates"], codes)
        tables["arrival"] = arrivals_mod.arrival_table(state["arrivals"], keys, codes)
        tables["hospital_admission"] = hospital_mod.admission_table(
            state["admissions"], cs, keys, codes
        )
        cluster, membership, links = clusters_mod.cluster_tables(cl, cs, keys, codes)
        tables["cluster"] = cluster
        tables["ili_consultation"] = ili_table(state["pop"], codes, scale, seed)
        tracing["cluster_membership"] = membership
        tracing["transmission_link"] = links
        # influenza, RSV and the new pathogen after covid-19's rows (whose ids stay as they were)
        for rows in state.pop("diseases"):
            more, more_tracing = diseases_mod.disease_frames(rows, keys, codes)
            diseases_mod.append(tables, more)
            diseases_mod.append(tracing, more_tracing)
        if scale.period_start > PERIOD_START:
            trim_to(tables, tracing, scale.period_start)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("kommuner", geography),
        ("befolkning", population),
        ("regler", rules),
        ("vaksinasjon", vaccination),
        ("epidemi", epidemic),
        ("innreise", arrivals),
        ("tilfeller", cases),
        ("utbrudd", clusters),
        ("tester", tests),
        ("sykehus", hospital),
        ("sertifikater", certificates),
        ("influensa, RSV, ukjent", other_diseases),
        ("tabeller", assemble),
    ]
    with tqdm(
        total=len(steps),
        desc=f"Syntetiske data ({scale.name})",
        unit="steg",
        disable=not progress,
        file=sys.stderr,
    ) as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            step()
            bar.update(1)

    order = [
        "population",
        "test_event",
        "case",
        "vaccination",
        "certificate",
        "arrival",
        "hospital_admission",
        "cluster",
        "rule_version",
        "ili_consultation",
    ]
    meta = {
        "data_date": PERIOD_END.isoformat(),
        "new_pathogen_kommune": state["origin"],
        "period_start": scale.period_start.isoformat(),
        "period_end": scale.period_end.isoformat(),
        "seed": str(seed),
        "scale": scale.name,
        "population_fraction": repr(frac),
        "generated_by": GENERATOR_VERSION,
    }
    return SyntheticDataset({name: tables[name] for name in order}, tracing, meta)
