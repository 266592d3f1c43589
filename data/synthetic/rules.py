"""The rules timeline: versioned national and local rules, and what they mean for the epidemic.

The table follows the broad lines of the Norwegian COVID-19 rules 2020–2023 (simplified, not a
legal record). The epidemic, the testing volume, the border and the certificates read their
parameters from these versions, so that the demo data move with the rules shown in the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.synthetic._common import DISEASE, N_DAYS, day_of
from data.synthetic.rules_local import local_rules
from data.synthetic.rules_national import RuleSpec, national_rules


def rule_specs() -> list[RuleSpec]:
    return [*national_rules(), *local_rules()]


def rule_table() -> pd.DataFrame:
    """The ``rule_version`` table: ids 1..n in recording order, valid_to the day before the
    next version of the same rule and scope, supersedes_id pointing to that previous version."""
    specs = sorted(
        rule_specs(),
        key=lambda s: (s.valid_from, s.category, s.rule_key, s.scope_code or ""),
    )
    rows: list[dict[str, Any]] = []
    last: dict[tuple[str, str, str | None], int] = {}
    for i, spec in enumerate(specs, start=1):
        scope = (spec.rule_key, spec.scope_level, spec.scope_code)
        previous = last.get(scope)
        start = dt.date.fromisoformat(spec.valid_from)
        if previous is not None:
            rows[previous - 1]["valid_to"] = start - dt.timedelta(days=1)
        last[scope] = i
        recorded = dt.datetime.combine(
            start - dt.timedelta(days=1 + i % 3), dt.time(9 + i % 8, 15 * (i % 4))
        )
        rows.append(
            {
                "id": i,
                "disease": DISEASE,
                "rule_key": spec.rule_key,
                "category": spec.category,
                "scope_level": spec.scope_level,
                "scope_code": spec.scope_code,
                "parameters": dict(spec.parameters),
                "text_nb": spec.text_nb,
                "authority": spec.authority,
                "source_url": spec.source_url,
                "valid_from": start,
                "valid_to": dt.date.fromisoformat(spec.ends) if spec.ends else None,
                "recorded_at": recorded,
                "recorded_by": "demo",
                "supersedes_id": previous,
            }
        )
    df = pd.DataFrame(rows)
    df["id"] = df["id"].astype(np.int32)
    df["supersedes_id"] = df["supersedes_id"].astype("Int32")
    df["valid_from"] = pd.to_datetime(df["valid_from"]).astype("datetime64[ns]")
    df["valid_to"] = pd.to_datetime(df["valid_to"]).astype("datetime64[ns]")
    df["recorded_at"] = pd.to_datetime(df["recorded_at"]).astype("datetime64[ns]")
    return df


@dataclass
class RuleTimeline:
    """Per-day lookups of the national rules (index = day index 0 … N_DAYS-1)."""

    table: pd.DataFrame
    version_by_key: dict[str, np.ndarray] = field(default_factory=dict)  # day → row position or -1

    def __post_init__(self) -> None:
        self._parameters: list[dict[str, Any]] = self.table["parameters"].tolist()

    def params(self, rule_key: str, day: int) -> dict[str, Any] | None:
        pos = self.version_by_key[rule_key][int(np.clip(day, 0, N_DAYS - 1))]
        return None if pos < 0 else self._parameters[pos]

    def param_series(self, rule_key: str, name: str, default: Any = None) -> list[Any]:
        """One parameter's value on every day (default where no version is in force)."""
        positions = self.version_by_key[rule_key]
        return [default if p < 0 else self._parameters[p].get(name, default) for p in positions]

    def id_series(self, rule_key: str) -> np.ndarray:
        positions = self.version_by_key[rule_key]
        ids = self.table["id"].to_numpy()
        return np.where(positions >= 0, ids[np.maximum(positions, 0)], -1)

    def local_versions(self) -> pd.DataFrame:
        return self.table[self.table["scope_level"] != "national"]


def timeline(table: pd.DataFrame) -> RuleTimeline:
    out = RuleTimeline(table)
    national = table[table["scope_level"] == "national"]
    for key, group in national.groupby("rule_key", sort=True):
        positions = np.full(N_DAYS, -1, dtype=np.int32)
        for pos, row in zip(group.index, group.itertuples(index=False), strict=True):
            start = max(day_of(row.valid_from.date()), 0)
            end = (
                N_DAYS - 1
                if pd.isna(row.valid_to)
                else min(day_of(row.valid_to.date()), N_DAYS - 1)
            )
            if start <= end:
                positions[start : end + 1] = pos
        out.version_by_key[str(key)] = positions
    return out


# ------------------------------------------------------------------ what the rules do to contacts
def _gathering_factor(params: dict[str, Any]) -> float:
    indoor = params.get("max_indoor_public")
    if indoor is None:
        factor = 1.0
    elif indoor == 0:
        factor = 0.55
    else:
        factor = float(
            np.interp(
                np.log10(indoor), [1, 1.7, 2, 2.3, 3, 3.2], [0.66, 0.72, 0.77, 0.82, 0.9, 0.93]
            )
        )
    private = params.get("max_private_guests")
    if private is not None and private <= 5:
        factor *= 0.95
    home = params.get("home_office")
    if home == "required":
        factor *= 0.92
    elif home == "recommended":
        factor *= 0.97
    return factor


SCHOOL_FACTOR = {"closed": 0.5, "red": 0.75, "yellow": 0.9, "green": 1.0, "none": 1.0}
# How strongly each age band feels school measures (children fully, parents a little).
SCHOOL_EXPOSURE = np.array([1.0, 1.0, 1.0, 0.4, 0.25, 0.25, 0.2, 0.05, 0, 0, 0, 0])


def contact_factors(rules: RuleTimeline) -> tuple[np.ndarray, np.ndarray]:
    """National contact multiplier per day, and the school factor per day (applied by age)."""
    days = N_DAYS
    factor = np.ones(days)
    for d in range(days):
        params = rules.params("arrangementer", d)
        factor[d] *= _gathering_factor(params) if params else 1.0
    for d, days_iso in enumerate(rules.param_series("isolasjon", "isolation_days", None)):
        factor[d] *= {None: 0.98, 4: 0.95, 5: 0.94, 7: 0.92, 10: 0.9}.get(days_iso, 0.9)
    for d, qd in enumerate(rules.param_series("smittekarantene", "quarantine_days", None)):
        test_out = (rules.params("smittekarantene", d) or {}).get("test_out", False)
        factor[d] *= 1.0 if qd is None else (0.95 if test_out else 0.9)
    for d, mask in enumerate(rules.param_series("munnbind", "face_masks", None)):
        factor[d] *= {None: 1.0, "public_transport_rush": 0.99}.get(mask, 0.97)
    school = np.array(
        [
            SCHOOL_FACTOR.get(level, 1.0)
            for level in rules.param_series("trafikklys_skole", "level", "none")
        ]
    )
    return factor, school


def local_contact_factors(
    rules: RuleTimeline, codes: tuple[str, ...], fylke: np.ndarray
) -> np.ndarray:
    """K × days multiplier of the local (kommune and county) rules."""
    out = np.ones((len(codes), N_DAYS))
    pos = {c: i for i, c in enumerate(codes)}
    for row in rules.local_versions().itertuples(index=False):
        start = max(day_of(row.valid_from.date()), 0)
        end = N_DAYS - 1 if pd.isna(row.valid_to) else min(day_of(row.valid_to.date()), N_DAYS - 1)
        if start > end:
            continue
        effect = float(row.parameters.get("contact_factor", 1.0))
        if row.scope_level == "kommune" and row.scope_code in pos:
            out[pos[row.scope_code], start : end + 1] *= effect
        elif row.scope_level == "county":
            out[fylke == row.scope_code, start : end + 1] *= effect
    return out


ASCERTAINMENT = {"priority": 0.14, "all_symptomatic": 0.55, "self_test": 0.42, "when_needed": 0.07}
TEST_PROPENSITY = {
    "priority": 0.0008,
    "all_symptomatic": 0.0032,
    "self_test": 0.0012,
    "when_needed": 0.00022,
}


def smooth(values: np.ndarray, window: int = 7) -> np.ndarray:
    """Trailing moving average: policy changes take effect over about a week."""
    kernel = np.ones(window) / window
    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return np.convolve(padded, kernel, mode="valid")
