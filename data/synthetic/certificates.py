"""Certificate periods derived from doses, recoveries and negative tests, each under the
certificate rule version in force when it starts (validity read from that version)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import CERTIFICATE_BASES
from data.synthetic._common import N_DAYS, NO_DAY, base_columns, categorical, dates_column
from data.synthetic.cases import Cases
from data.synthetic.population import Population
from data.synthetic.rules import RuleTimeline
from data.synthetic.testing import TestEvents
from data.synthetic.vaccination import Doses

RULE_KEY = "koronasertifikat"
VACCINATED, RECOVERED, TESTED = (
    CERTIFICATE_BASES.index(b) for b in ("vaccinated", "recovered", "tested")
)


@dataclass
class Certificates:
    person: np.ndarray
    kommune: np.ndarray
    basis: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    rule_version: np.ndarray


def _param(rules: RuleTimeline, name: str) -> np.ndarray:
    values = rules.param_series(RULE_KEY, name, None)
    return np.array(
        [-1 if v is None else int(v) for v in values]  # booleans become 0/1
    )


def build_certificates(
    pop: Population,
    doses: Doses,
    cases: Cases,
    tests: TestEvents,
    rules: RuleTimeline,
    rng: np.random.Generator,
) -> Certificates:
    version = rules.id_series(RULE_KEY)  # rule_version id in force per day, -1 before
    in_force = np.flatnonzero(version >= 0)
    first_day = int(in_force[0])
    p = {
        name: _param(rules, name)
        for name in (
            "vaccinated_delay_days",
            "vaccinated_valid_days",
            "booster_valid_days",
            "recovered_delay_days",
            "recovered_valid_days",
            "tested_pcr_valid_hours",
            "tested_antigen_valid_hours",
            "tested_issued",
        )
    }
    parts: list[tuple[np.ndarray, ...]] = []

    def add(person, kommune, basis, start_event, delay_key, valid_key):
        """Certificates that start ``delay`` days after the event (or when certificates were
        introduced) and end ``valid`` days after the event, under the version in force at start."""
        event = start_event.astype(np.int64)
        provisional = np.clip(np.maximum(event + 7, first_day), 0, N_DAYS - 1)
        delay = p[delay_key][provisional] if delay_key else np.zeros(len(event), dtype=np.int64)
        start = np.maximum(event + delay, first_day)
        ok = start < N_DAYS
        start_c = np.clip(start, 0, N_DAYS - 1)
        valid = p[valid_key][start_c]
        end = event + valid
        ok &= (version[start_c] >= 0) & (end > start) & (valid > 0)
        rows = np.flatnonzero(ok)
        parts.append(
            (
                person[rows],
                kommune[rows],
                np.full(len(rows), basis, np.int8),
                start[rows],
                end[rows],
                version[start_c[rows]],
            )
        )

    persons = np.arange(pop.n_persons)
    for col, valid_key in ((1, "vaccinated_valid_days"), (2, "booster_valid_days")):
        given = np.flatnonzero(doses.dates[:, col] != NO_DAY)
        add(
            persons[given],
            pop.person_kommune[given],
            VACCINATED,
            doses.dates[given, col],
            "vaccinated_delay_days",
            valid_key,
        )
    add(
        cases.person,
        cases.kommune,
        RECOVERED,
        cases.test_day,
        "recovered_delay_days",
        "recovered_valid_days",
    )

    # Tested: a share of negative tests in the period when test certificates were issued.
    issued = p["tested_issued"] == 1
    day = tests.day.astype(np.int64)
    candidate = ~tests.positive & issued[np.clip(day, 0, N_DAYS - 1)] & (tests.age >= 3)
    rows = np.flatnonzero(candidate)
    rows = rows[rng.random(len(rows)) < np.where(tests.age[rows] <= 5, 0.16, 0.08)]
    hours = np.where(
        tests.antigen[rows],
        p["tested_antigen_valid_hours"][day[rows]],
        p["tested_pcr_valid_hours"][day[rows]],
    )
    end = day[rows] + np.ceil(hours / 24.0).astype(np.int64)
    parts.append(
        (
            tests.person[rows],
            tests.kommune[rows],
            np.full(len(rows), TESTED, np.int8),
            day[rows],
            end,
            version[day[rows]],
        )
    )

    fields = [np.concatenate([part[i] for part in parts]) for i in range(6)]
    order = np.lexsort((fields[1], fields[3]))
    person, kommune, basis, start, end, rule = (f[order] for f in fields)
    return Certificates(person, kommune.astype(np.int16), basis, start, end, rule.astype(np.int32))


def certificate_table(cert: Certificates, keys: np.ndarray, codes: tuple[str, ...]) -> pd.DataFrame:
    n = len(cert.person)
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(cert.kommune, codes),
            "person_key": keys[cert.person],
            "basis": categorical(cert.basis, CERTIFICATE_BASES),
            "valid_from": dates_column(cert.valid_from),
            "valid_to": dates_column(cert.valid_to),
            "rule_version_id": cert.rule_version,
        }
    )
