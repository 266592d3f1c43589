"""A later first day for a scale that shrinks time instead of people.

The epidemic, the persons and their vaccinations are always generated from the start of the
period (immunity and coverage on the first shown day depend on them); the event tables then keep
what happened from the scale's first day. Vaccinations stay whole, so coverage on any shown day
counts every earlier dose; clusters that began before the first day go, with their tracing rows,
and cases of theirs that remain are no longer marked as members.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

# table → the date column that decides whether a row lies in the window
EVENT_DATES = {
    "test_event": "sample_date",
    "case": "test_date",
    "arrival": "arrival_date",
    "hospital_admission": "admission_date",
    "cluster": "first_case_date",
}


def trim_to(
    tables: dict[str, pd.DataFrame], tracing: dict[str, pd.DataFrame], first_day: dt.date
) -> None:
    """Drop the event rows before ``first_day`` (in place)."""
    start = pd.Timestamp(first_day)
    for name, column in EVENT_DATES.items():
        frame = tables[name]
        tables[name] = frame[frame[column] >= start].reset_index(drop=True)
    certificate = tables["certificate"]
    tables["certificate"] = certificate[
        certificate["valid_to"].isna() | (certificate["valid_to"] >= start)
    ].reset_index(drop=True)
    kept = set(tables["cluster"]["id"])
    case = tables["case"]
    cluster_id = case["cluster_id"]
    case["cluster_id"] = cluster_id.where(cluster_id.isin(kept))
    for name, frame in tracing.items():
        tracing[name] = frame[frame["cluster_id"].isin(kept)].reset_index(drop=True)


def rules_known_on(table: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The rule versions recorded by the end of ``day`` (the data date): later decisions were
    not known then. A version whose end came from a successor that is dropped is open-ended
    again."""
    known = pd.to_datetime(table["recorded_at"]) < pd.Timestamp(day) + pd.Timedelta(days=1)
    out = table[known].copy()
    superseded_later = out["id"].isin(set(table.loc[~known, "supersedes_id"].dropna()))
    out.loc[superseded_later, "valid_to"] = pd.NaT
    return out.reset_index(drop=True)
