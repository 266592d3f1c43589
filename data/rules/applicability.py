"""What applies where and when: the versions visible to a scope, the one in force in a kommune
on a day (the most local level wins), changes between days, upcoming changes, timelines."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from sqlalchemy import select

from data import db
from data.cache import cached
from data.certificate_rules import LEVEL_RANK
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE, RULE_CATEGORIES
from data.queries.frames import read_frame
from data.rules.catalogue import FAR_FUTURE, is_oxcgrt
from data.schema import Kommune, RuleVersion
from data.scope import Scope

ScopeLevel = Literal["national", "county", "kommune"]

VERSION_COLUMNS = [
    "id",
    "rule_key",
    "category",
    "scope_level",
    "scope_code",
    "parameters",
    "text_nb",
    "authority",
    "source_url",
    "valid_from",
    "valid_to",
    "recorded_at",
    "recorded_by",
    "supersedes_id",
]
IN_FORCE_COLUMNS = [*VERSION_COLUMNS, "overrides_id", "overrides_scope_level"]
SIDE_COLUMNS = [
    "id",
    "scope_level",
    "scope_code",
    "text_nb",
    "parameters",
    "valid_from",
    "valid_to",
]
CHANGE_COLUMNS = [
    "effective_date",
    "rule_key",
    "category",
    "change",  # added | ended | changed
    *[f"{c}_before" for c in SIDE_COLUMNS],
    *[f"{c}_after" for c in SIDE_COLUMNS],
    "changed_parameters",
    "authority",
    "source_url",
]


# --------------------------------------------------------------------------- reading


@cached()
def _all_versions(*, disease: str) -> pd.DataFrame:
    """Every stored version (internal: the public reads below apply the scope)."""
    r = RuleVersion
    q = select(*(getattr(r, c) for c in VERSION_COLUMNS)).where(r.disease == disease)
    out = read_frame(q.order_by(r.id), VERSION_COLUMNS)
    for c in ("valid_from", "valid_to", "recorded_at"):
        out[c] = pd.to_datetime(out[c])
    out["supersedes_id"] = out["supersedes_id"].astype("Int64")
    out["parameters"] = [p if isinstance(p, dict) else {} for p in out["parameters"]]
    return out


@cached()
def _kommune_fylke(*, kommunenummer: str) -> str:
    with db.engine().connect() as conn:
        fylke = conn.execute(
            select(Kommune.fylkesnummer).where(
                Kommune.structure == CURRENT_STRUCTURE, Kommune.kommunenummer == kommunenummer
            )
        ).scalar_one_or_none()
    if fylke is None:
        raise LookupError(f"Fant ingen kommune med nummer {kommunenummer}")
    return str(fylke)


def _place(scope: Scope, kommunenummer: str | None) -> tuple[str | None, str | None]:
    """(kommune, fylke) after the scope check; (None, None) for the national rules only."""
    if kommunenummer is None:
        return None, None
    scope.restrict([kommunenummer])
    return kommunenummer, _kommune_fylke(kommunenummer=kommunenummer)


def _visible(scope: Scope, versions: pd.DataFrame) -> pd.DataFrame:
    """National and county versions for everyone; local ones for the kommuner in scope."""
    if scope.kommuner is None:
        return versions
    local = versions["scope_level"] == "kommune"
    return versions[~local | versions["scope_code"].isin(scope.kommuner)]


def _applicable(versions: pd.DataFrame, kommune: str | None, fylke: str | None) -> pd.DataFrame:
    level, code = versions["scope_level"], versions["scope_code"]
    mask = level == "national"
    if kommune is not None:
        mask |= ((level == "county") & (code == fylke)) | ((level == "kommune") & (code == kommune))
    return versions[mask]


def _day(value: Any) -> dt.date:
    if value is None or pd.isna(value):
        return FAR_FUTURE
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


@dataclass
class _Version:
    row: dict[str, Any]
    start: dt.date
    end: dt.date
    rank: int
    recorded: Any

    @property
    def content(self) -> tuple[Any, ...]:
        r = self.row
        params = json.dumps(r["parameters"], sort_keys=True, default=str)
        return (r["scope_level"], r["scope_code"], r["text_nb"], params)


def _by_key(versions: pd.DataFrame) -> dict[str, list[_Version]]:
    out: dict[str, list[_Version]] = {}
    for row in versions.to_dict("records"):
        v = _Version(
            row=row,
            start=_day(row["valid_from"]),
            end=_day(row["valid_to"]),
            rank=LEVEL_RANK.get(row["scope_level"], 0),
            recorded=row["recorded_at"],
        )
        out.setdefault(row["rule_key"], []).append(v)
    return out


def _best(candidates: Iterable[_Version]) -> _Version | None:
    return max(
        candidates,
        key=lambda v: (v.rank, v.start, v.recorded, v.row["id"]),
        default=None,
    )


def _winner(versions: list[_Version], day: dt.date, below: int | None = None) -> _Version | None:
    """The version of one rule that applies on ``day`` (below a level rank, if given)."""
    return _best(
        v for v in versions if v.start <= day <= v.end and (below is None or v.rank < below)
    )


def _in_force_rows(keys: dict[str, list[_Version]], day: dt.date) -> list[dict[str, Any]]:
    rows = []
    for versions in keys.values():
        win = _winner(versions, day)
        if win is None:
            continue
        row = dict(win.row)
        overridden = _winner(versions, day, below=win.rank) if win.rank > 0 else None
        row["overrides_id"] = overridden.row["id"] if overridden else None
        row["overrides_scope_level"] = overridden.row["scope_level"] if overridden else None
        rows.append(row)
    return rows


def _sorted(frame: pd.DataFrame, *extra: str) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(RULE_CATEGORIES)}
    rank = frame["category"].map(order).fillna(len(order))
    out = frame.assign(_order=rank).sort_values(["_order", *extra, "rule_key"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _in_force_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=IN_FORCE_COLUMNS)
    out["overrides_id"] = out["overrides_id"].astype("Int64")
    out["supersedes_id"] = out["supersedes_id"].astype("Int64")
    return _sorted(out)


def _side(version: _Version | None, suffix: str) -> dict[str, Any]:
    if version is None:
        return {f"{c}_{suffix}": None for c in SIDE_COLUMNS}
    return {f"{c}_{suffix}": version.row[c] for c in SIDE_COLUMNS}


def _changed_parameters(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    names = sorted(set(before) | set(after))
    return [n for n in names if before.get(n, "∅") != after.get(n, "∅")]


def _change(
    key: str, when: dt.date | None, before: _Version | None, after: _Version | None
) -> dict[str, Any] | None:
    if before is None and after is None:
        return None
    if before is not None and after is not None and before.content == after.content:
        return None
    kind = "added" if before is None else "ended" if after is None else "changed"
    main = after or before
    assert main is not None
    params_before = before.row["parameters"] if before else {}
    params_after = after.row["parameters"] if after else {}
    return {
        "effective_date": pd.Timestamp(when) if when else pd.NaT,
        "rule_key": key,
        "category": main.row["category"],
        "change": kind,
        **_side(before, "before"),
        **_side(after, "after"),
        "changed_parameters": _changed_parameters(params_before, params_after),
        "authority": main.row["authority"],
        "source_url": main.row["source_url"],
    }


def _changes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    out["effective_date"] = pd.to_datetime(out["effective_date"])
    for c in ("id_before", "id_after"):
        out[c] = out[c].astype("Int64")
    return _sorted(out, "effective_date") if len(out) else out


def _changes_between(
    keys: dict[str, list[_Version]], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Every change in what applies, effective on a day in [start, end]."""
    rows = []
    for key, versions in keys.items():
        points = {v.start for v in versions} | {
            v.end + dt.timedelta(days=1) for v in versions if v.end < FAR_FUTURE
        }
        for day in sorted(p for p in points if start <= p <= end):
            before = _winner(versions, day - dt.timedelta(days=1))
            after = _winner(versions, day)
            change = _change(key, day, before, after)
            if change is not None:
                rows.append(change)
    return rows


def _keys_for(
    scope: Scope, kommunenummer: str | None, disease: str, category: str | None = None
) -> dict[str, list[_Version]]:
    kommune, fylke = _place(scope, kommunenummer)
    return _versions_by_key(kommune=kommune, fylke=fylke, disease=disease, category=category)


@cached()
def _versions_by_key(
    *, kommune: str | None, fylke: str | None, disease: str, category: str | None
) -> dict[str, list[_Version]]:
    """The versions that apply in a place, by rule (internal, after the scope check: the same
    for every caller, so the brief's changed and upcoming rules share one build)."""
    versions = _applicable(_all_versions(disease=disease), kommune, fylke)
    if category is not None:
        versions = versions[versions["category"] == category]
    return _by_key(versions)


@cached()
def rules_in_force(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    category: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """What was in force on ``date`` in a kommune: national, county and the kommune's own
    versions, one row per rule, the most local version where a rule has several (with
    ``kommunenummer=None``: the national rules only).

    Columns: id, rule_key, category, scope_level, scope_code, parameters (dict), text_nb,
    authority, source_url, valid_from, valid_to (NaT = open), recorded_at, recorded_by,
    supersedes_id, overrides_id / overrides_scope_level (the version a local one replaces
    for this kommune). Sorted by category (in :data:`data.codes.RULE_CATEGORIES` order).
    """
    keys = _keys_for(scope, kommunenummer, disease, category)
    return _in_force_frame(_in_force_rows(keys, date))


@cached()
def rules_diff(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date_from: dt.date,
    date_to: dt.date,
    category: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """What changed between two dates: the rules in force on ``date_from`` against those in
    force on ``date_to``, per rule. Unchanged rules are left out.

    Columns (:data:`CHANGE_COLUMNS`): effective_date (NaT here), rule_key, category, change
    (added | ended | changed), id / scope_level / scope_code / text_nb / parameters /
    valid_from / valid_to with suffix _before and _after, changed_parameters (names),
    authority, source_url.
    """
    keys = _keys_for(scope, kommunenummer, disease, category)
    rows = []
    for key, versions in keys.items():
        change = _change(key, None, _winner(versions, date_from), _winner(versions, date_to))
        if change is not None:
            rows.append(change)
    return _changes_frame(rows)


@cached()
def rules_changed(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Rules that changed since the previous day: in force on ``date`` against the day
    before (new versions, lifted rules, changed parameters or text). Columns as
    :func:`rules_diff`, with ``effective_date`` = ``date``."""
    keys = _keys_for(scope, kommunenummer, disease)
    return _changes_frame(_changes_between(keys, date, date))


@cached()
def rules_upcoming(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Changes that take effect within ``days`` days after ``date`` (``date`` excluded), in
    date order. Columns as :func:`rules_diff`, with the ``effective_date`` of each change."""
    keys = _keys_for(scope, kommunenummer, disease)
    start = date + dt.timedelta(days=1)
    rows = _changes_between(keys, start, date + dt.timedelta(days=max(int(days), 0)))
    out = _changes_frame(rows)
    return out.sort_values(["effective_date"], kind="stable").reset_index(drop=True)


@cached()
def rules_timeline(
    *,
    scope: Scope,
    kommunenummer: str | None,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Every change in what applied in the kommune between ``start`` and ``end``, per category
    (the timeline of the Regler page). Columns as :func:`rules_diff`."""
    keys = _keys_for(scope, kommunenummer, disease)
    return _changes_frame(_changes_between(keys, start, end))


@cached()
def rule_versions(
    *,
    scope: Scope,
    rule_key: str | None = None,
    scope_level: str | None = None,
    scope_code: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Stored versions (newest first), optionally of one rule and scope. Local versions of
    kommuner outside the caller's scope are left out. Columns: :data:`VERSION_COLUMNS`."""
    versions = _visible(scope, _all_versions(disease=disease))
    if rule_key is not None:
        versions = versions[versions["rule_key"] == rule_key]
    if scope_level is not None:
        versions = versions[versions["scope_level"] == scope_level]
        if scope_level != "national":
            versions = versions[versions["scope_code"] == scope_code]
    return versions.sort_values(["valid_from", "id"], ascending=False).reset_index(drop=True)


@cached()
def rule_keys(*, scope: Scope, disease: str = DEFAULT_DISEASE) -> pd.DataFrame:
    """One row per rule: rule_key, category, latest text_nb, versions, from_oxcgrt (bool)."""
    versions = _visible(scope, _all_versions(disease=disease))
    latest = versions.sort_values(["valid_from", "id"]).groupby("rule_key").tail(1)
    counts = versions.groupby("rule_key").size().rename("versions")
    out = latest[["rule_key", "category", "text_nb", "authority"]].merge(
        counts, left_on="rule_key", right_index=True
    )
    out["from_oxcgrt"] = out["authority"].map(is_oxcgrt)
    return _sorted(out.drop(columns="authority"))
