"""Checks across files: findings that no single file shows."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from data.codes import CURRENT_STRUCTURE
from data.importers.base import Flag, crosswalk_split
from data.importers.derive.common import (
    TOTAL_AGE,
)
from data.schema import (
    ReportedSeries,
)


def cross_checks(conn: Connection, cw: pd.DataFrame, facts: pd.DataFrame) -> list[Flag]:
    flags: list[Flag] = []
    totals = dict(
        conn.execute(
            select(
                ReportedSeries.area_level + ":" + ReportedSeries.period,
                func.sum(ReportedSeries.value),
            )
            .where(ReportedSeries.measure == "cases_by_regdate")
            .group_by(ReportedSeries.area_level, ReportedSeries.period)
        ).all()
    )
    nation, kommune = totals.get("nation:day"), totals.get("kommune:day")
    if nation and kommune and nation > kommune:
        flags.append(
            Flag(
                "cases_outside_kommuner",
                measure="cases_by_regdate",
                rows_affected=0,
                detail={
                    "nation": int(nation),
                    "sum_kommuner": int(kommune),
                    "difference": int(nation - kommune),
                    "share": round(float(nation - kommune) / float(nation), 4),
                },
            )
        )
    weekly, daily = totals.get("kommune:week"), totals.get("kommune:day")
    if weekly is not None and daily is not None:
        by_week = _weekly_mismatch(facts)
        if by_week:
            flags.append(
                Flag(
                    "weekly_daily_mismatch",
                    severity="warning",
                    measure="cases_by_regdate",
                    rows_affected=len(by_week),
                    detail={"examples": by_week[:10]},
                )
            )
    if (facts["structure"] != CURRENT_STRUCTURE).any():
        renumbered = cw[(cw["old"] != cw["new"]) & (cw["weight"] == 1)]
        flags.append(
            Flag(
                "codes_renumbered",
                rows_affected=len(renumbered),
                detail={
                    "from": 2020,
                    "to": CURRENT_STRUCTURE,
                    "examples": renumbered.head(5).astype(str).to_dict("records"),
                },
            )
        )
        flags += crosswalk_split(cw)
    return flags


def _weekly_mismatch(facts: pd.DataFrame) -> list[dict[str, Any]]:
    cases = facts[facts["measure"].eq("cases_by_regdate") & facts["age_band"].eq(TOTAL_AGE)]
    daily = cases[cases["period"] == "day"]
    week_end = daily["date"] + pd.to_timedelta(6 - daily["date"].dt.day_of_week, unit="D")
    summed = daily.groupby([daily["code"], week_end])["value"].sum()
    weekly = cases[cases["period"] == "week"].set_index(["code", "date"])["value"]
    # sparse rows: a week or day without a row inside the span is a published zero
    both = pd.concat([summed.rename("daily"), weekly.rename("weekly")], axis=1).fillna(0)
    bad = both[(both["daily"] - both["weekly"]).abs() > 0.5]
    out: list[dict[str, Any]] = [
        {"kommune": c, "week_end": d.date().isoformat(), "daily": r.daily, "weekly": r.weekly}
        for (c, d), r in bad.head(10).iterrows()
    ]
    if len(bad):
        out.append({"count": len(bad)})
    return out
