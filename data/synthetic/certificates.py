"""Certificate periods derived from doses, recoveries and negative tests under the certificate
rule version in force (see :mod:`data.certificate_rules`, which the dashboard also uses to
re-derive the periods when a certificate rule version is recorded: one derivation, not two)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.certificate_rules import (
    CertificatePeriods,
    Events,
    certificate_rule_days,
    derive_certificates,
)
from data.codes import CERTIFICATE_BASES
from data.synthetic._common import (
    N_DAYS,
    NO_DAY,
    base_columns,
    categorical,
    dates_column,
    day_of_epoch,
)
from data.synthetic.cases import Cases
from data.synthetic.geography import Geography
from data.synthetic.population import Population
from data.synthetic.rules import RuleTimeline
from data.synthetic.testing import TestEvents
from data.synthetic.vaccination import Doses

Certificates = CertificatePeriods  # person keys, kommune index, epoch days


def build_certificates(
    geo: Geography,
    pop: Population,
    doses: Doses,
    cases: Cases,
    tests: TestEvents,
    rules: RuleTimeline,
    keys: np.ndarray,
) -> Certificates:
    """Certificate periods of the demo data; ``keys`` are the pseudonymous person keys."""
    epoch = day_of_epoch()
    rule_days = certificate_rule_days(
        rules.table,
        first=epoch,
        last=epoch + N_DAYS - 1,
        kommuner=geo.codes,
        fylker=[str(f) for f in geo.fylke],
    )
    given = [np.flatnonzero(doses.dates[:, col] != NO_DAY) for col in range(4)]
    person = np.concatenate(given)
    dose = np.concatenate([np.full(len(g), col + 1, np.int8) for col, g in enumerate(given)])
    vaccinations = Events(
        person=keys[person],
        kommune=pop.person_kommune[person].astype(np.int64),
        day=doses.dates[person, dose - 1].astype(np.int64) + epoch,
        dose=dose,
    )
    recoveries = Events(
        person=keys[cases.person],
        kommune=cases.kommune.astype(np.int64),
        day=cases.test_day.astype(np.int64) + epoch,
    )
    tested = Events(
        person=keys[tests.person],
        kommune=tests.kommune.astype(np.int64),
        day=tests.day.astype(np.int64) + epoch,
        antigen=tests.antigen,
        age=tests.age.astype(np.int64),
        positive=tests.positive,
    )
    return derive_certificates(rule_days, vaccinations=vaccinations, cases=recoveries, tests=tested)


def certificate_table(cert: Certificates, codes: tuple[str, ...]) -> pd.DataFrame:
    n = len(cert.person)
    epoch = day_of_epoch()
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(cert.kommune, codes),
            "person_key": cert.person,
            "basis": categorical(cert.basis, CERTIFICATE_BASES),
            "valid_from": dates_column(cert.valid_from - epoch),
            "valid_to": dates_column(cert.valid_to - epoch),
            "rule_version_id": cert.rule_version.astype(np.int32),
        }
    )
