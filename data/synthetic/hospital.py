"""Hospital admissions among cases: risk rising steeply with age, lower after vaccination and
with omicron; ICU for about a fifth of admissions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS
from data.synthetic._common import N_DAYS, NO_DAY, base_columns, categorical, dates_column
from data.synthetic.cases import Cases
from data.synthetic.vaccination import Doses

# Chance of admission per registered case, unvaccinated, before omicron.
ADMISSION_RISK = np.array(
    [0.004, 0.002, 0.003, 0.004, 0.007, 0.013, 0.022, 0.045, 0.11, 0.19, 0.26, 0.30]
)
ICU_SHARE = np.array([0.08, 0.08, 0.1, 0.12, 0.15, 0.18, 0.22, 0.26, 0.27, 0.22, 0.14, 0.07])
# Protection against admission by doses received (0 … 4), before and with omicron.
VACCINE_PROTECTION = np.array([0.0, 0.5, 0.8, 0.9, 0.9])
VACCINE_PROTECTION_OMICRON = np.array([0.0, 0.3, 0.5, 0.7, 0.8])


@dataclass
class Admissions:
    case_rows: np.ndarray
    admission_day: np.ndarray
    discharge_day: np.ndarray  # -1 = still admitted
    icu: np.ndarray


def build_admissions(
    cases: Cases, doses: Doses, n_residents: int, omicron: np.ndarray, rng: np.random.Generator
) -> Admissions:
    n = len(cases)
    resident = cases.person < n_residents
    person = np.minimum(cases.person, n_residents - 1)
    before = doses.dates[person].astype(np.int64) + 14 <= cases.test_day.astype(np.int64)[:, None]
    before &= doses.dates[person] != NO_DAY
    n_doses = np.where(resident, before.sum(axis=1), 0)
    om = omicron[cases.test_day]
    protection = VACCINE_PROTECTION[n_doses] * (1 - om) + VACCINE_PROTECTION_OMICRON[n_doses] * om
    risk = ADMISSION_RISK[cases.age] * (1.0 - 0.5 * om) * (1.0 - protection)
    admitted = rng.random(n) < risk
    rows = np.flatnonzero(admitted)
    lag = rng.choice(9, size=len(rows), p=[0.06, 0.12, 0.14, 0.15, 0.14, 0.12, 0.1, 0.09, 0.08])
    admission = cases.test_day[rows].astype(np.int64) + lag
    return admissions_of(cases, rows, admission, ICU_SHARE[cases.age] * 0.8, (8.0, 3.5), rng)


def admissions_of(
    cases: Cases,
    rows: np.ndarray,
    admission: np.ndarray,
    icu_share: np.ndarray,
    stay_scale: tuple[float, float],
    rng: np.random.Generator,
) -> Admissions:
    """The admissions of the cases at ``rows`` on the days ``admission`` (those within the
    period): each to intensive care with its case's ``icu_share``, staying a gamma-distributed
    number of days (scale ``stay_scale`` in intensive care, elsewhere); ordered by day and
    kommune."""
    inside = admission < N_DAYS
    rows, admission = rows[inside], admission[inside]
    icu = rng.random(len(rows)) < icu_share[rows]
    stay = 1 + np.round(rng.gamma(2.0, np.where(icu, *stay_scale))).astype(np.int64)
    discharge = admission + stay
    discharge = np.where(discharge > N_DAYS - 1, -1, discharge)
    order = np.lexsort((cases.kommune[rows], admission))
    return Admissions(rows[order], admission[order], discharge[order], icu[order])


def admission_table(
    adm: Admissions, cases: Cases, keys: np.ndarray, codes: tuple[str, ...]
) -> pd.DataFrame:
    n = len(adm.case_rows)
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(cases.kommune[adm.case_rows], codes),
            "admission_date": dates_column(adm.admission_day),
            "discharge_date": dates_column(np.maximum(adm.discharge_day, 0), adm.discharge_day < 0),
            "age_band": categorical(cases.age[adm.case_rows], AGE_BANDS),
            "icu": adm.icu,
            "person_key": keys[cases.person[adm.case_rows]],
        }
    )
