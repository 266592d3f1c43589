"""National policy indicators in the Oxford COVID-19 Government Response Tracker layout.

One row per date, one column per indicator (``c8_internationaltravel``), its ``*_flag``
(1 = general/national, 0 = targeted) and the indices. Each indicator's daily levels become
``rule_version`` rows: one version per run of equal (level, flag), ``valid_from`` its first day
and ``valid_to`` its last (inclusive). Rule versions are never overwritten: a later file adds a
version only where it differs, with ``supersedes_id`` pointing to the version it replaces; the
version in force on a day is the one valid then with the latest ``recorded_at``. The indices
(stringency etc.) are stored as national ``reported_series``. Trailing dates with no values
(OxCGRT stopped recording on 2022-12-31) are skipped and flagged, not rejected.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from data.codes import DEFAULT_DISEASE
from data.importers.base import (
    NATION_CODE,
    Flag,
    Parsed,
    SourceFile,
    as_date,
    date_span,
    long_series,
    read_checked,
)
from data.schema import RuleVersion

SOURCE = "oxcgrt"
SOURCE_LABEL = "Oxford COVID-19 Government Response Tracker (legacy), CC BY 4.0"
AUTHORITY = "OxCGRT (Blavatnik School of Government, University of Oxford)"
SOURCE_URL = "https://doi.org/10.1038/s41562-021-01079-8"
RECORDED_BY = "import:oxcgrt"

# column → (code, max level, category, Norwegian label)
INDICATORS: dict[str, tuple[str, int, str, str]] = {
    "c1_school_closing": ("C1", 3, "schools", "Stenging av skoler"),
    "c2_workplace_closing": ("C2", 3, "other", "Stenging av arbeidsplasser"),
    "c3_cancel_public_events": ("C3", 2, "gatherings", "Avlysning av offentlige arrangementer"),
    "c4_restrictions_on_gatherings": ("C4", 4, "gatherings", "Begrensning av samlinger"),
    "c5_close_public_transport": ("C5", 2, "other", "Stenging av kollektivtransport"),
    "c6_stay_at_home_requirements": ("C6", 3, "other", "Krav om å holde seg hjemme"),
    "c7_movementrestrictions": ("C7", 2, "other", "Begrensning av reiser innenlands"),
    "c8_internationaltravel": ("C8", 4, "entry", "Kontroll av internasjonale reiser"),
    "e1_income_support": ("E1", 2, "other", "Inntektsstøtte"),
    "e2_debtrelief": ("E2", 2, "other", "Gjeldslette"),
    "h1_public_information_campaigns": ("H1", 2, "other", "Offentlige informasjonskampanjer"),
    "h2_testing_policy": ("H2", 3, "testing", "Testpolitikk"),
    "h3_contact_tracing": ("H3", 2, "other", "Smittesporing"),
    "h6_facial_coverings": ("H6", 4, "other", "Munnbind"),
    "h7_vaccination_policy": ("H7", 5, "other", "Vaksinasjonspolitikk"),
    "h8_protection_of_elderly_people": ("H8", 3, "other", "Beskyttelse av eldre"),
}
FLAG_COLUMN = {col: f"{col.split('_')[0]}_flag" for col in INDICATORS}
INDICES = (
    "stringency_index",
    "containment_health_index",
    "government_response_index",
    "economic_support_index",
)
LEVEL_TEXT = {
    "C8": {
        0: "ingen tiltak",
        1: "screening av ankomster",
        2: "karantene for ankomster fra enkelte områder",
        3: "innreiseforbud fra enkelte områder",
        4: "full grensestenging",
    },
}


def detect(columns: list[str]) -> bool:
    cols = set(columns)
    return "date" in cols and len(cols & set(INDICATORS)) >= 3


def level_text(code: str, level: int, max_level: int) -> str:
    specific = LEVEL_TEXT.get(code, {}).get(level)
    if specific:
        return specific
    return "ingen tiltak" if level == 0 else f"nivå {level} av {max_level}"


def parse(src: SourceFile) -> Parsed:
    table, v = read_checked(src, detect)
    frame, rejects = table.frame, v.rejects
    dates = v.date("date")
    present = [c for c in INDICATORS if c in frame.columns]
    levels = {c: v.number(c, lo=0, hi=INDICATORS[c][1]) for c in present}
    for c, vals in levels.items():
        v.reject(~np.isnan(vals) & (vals != np.round(vals)), c, "not_an_integer")
    general = {
        c: v.number(FLAG_COLUMN[c], lo=0, hi=1) for c in present if FLAG_COLUMN[c] in frame.columns
    }
    indices = {c: v.number(c, lo=0, hi=100) for c in INDICES if c in frame.columns}
    # Rows after the last recorded value (OxCGRT stopped) are not data: skip them.
    any_value = np.zeros(len(frame), dtype=bool)
    for vals in [*levels.values(), *indices.values()]:
        any_value |= ~np.isnan(vals)
    last_recorded = dates[any_value & ~v.bad].max() if (any_value & ~v.bad).any() else None
    trailing = (
        (dates > last_recorded).to_numpy() & ~any_value
        if last_recorded is not None
        else np.zeros(len(frame), dtype=bool)
    )
    skip = trailing & ~v.bad
    v.bad |= trailing
    v.duplicates([dates.to_numpy()], "date")
    keep = v.good

    runs = _runs(dates, levels, general, keep)
    flags: list[Flag] = []
    if skip.any():
        flags.append(
            Flag(
                "recording_stopped",
                rows_affected=int(skip.sum()),
                date=as_date(last_recorded),
                detail={"last_recorded": as_date(last_recorded)},
            )
        )
    ignored = [c for c in ("confirmed_cases", "confirmed_deaths") if c in frame.columns]
    if ignored:
        flags.append(Flag("ignored_columns", detail={"columns": ignored, "why": "JHU, ikke FHI"}))
    series = long_series(
        keys={"date": dates.to_numpy()}, measures=indices, lines=table.lines, keep=keep
    )
    good_dates = dates[keep]
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset="oxcgrt:NOR",
        structure=None,
        rows_skipped=int(skip.sum()),
        facts={"reported_series": series},
        flags=flags,
        **date_span(good_dates),
        detail={"indicators": len(present), "versions": len(runs)},
        extra={
            "runs": runs,
            "constants": {
                "source": SOURCE,
                "structure": 2020,
                "area_level": "nation",
                "area_code": NATION_CODE,
                "period": "day",
                "age_band": "total",
                "sex": "T",
            },
        },
    )


def _runs(
    dates: pd.Series,
    levels: dict[str, np.ndarray],
    general: dict[str, np.ndarray],
    keep: np.ndarray,
) -> list[dict[str, Any]]:
    """Versions per indicator: runs of equal (level, flag) over consecutive days."""
    runs: list[dict[str, Any]] = []
    for column, vals in levels.items():
        code, max_level, category, label = INDICATORS[column]
        ok = keep & ~np.isnan(vals)
        if not ok.any():
            continue
        flag = general.get(column, np.full(len(vals), np.nan))
        frame = pd.DataFrame(
            {"date": dates[ok].to_numpy(), "level": vals[ok], "flag": flag[ok]}
        ).sort_values("date")
        flag_key = frame["flag"].fillna(-1)
        new_run = (
            frame["level"].ne(frame["level"].shift())
            | flag_key.ne(flag_key.shift())
            | frame["date"].diff().dt.days.ne(1)
        )
        frame["run"] = new_run.cumsum()
        for _, run in frame.groupby("run", sort=True):
            level = int(run["level"].iloc[0])
            flag_value = run["flag"].iloc[0]
            is_general = None if np.isnan(flag_value) else bool(flag_value == 1)
            scope_text = (
                "" if is_general is None else (" (nasjonalt)" if is_general else " (målrettet)")
            )
            runs.append(
                {
                    "rule_key": f"oxcgrt.{column}",
                    "category": category,
                    "parameters": {
                        "indicator": code,
                        "level": level,
                        "max_level": max_level,
                        "general": is_general,
                    },
                    "text_nb": (
                        f"{label}: {level_text(code, level, max_level)}{scope_text}. "
                        f"OxCGRT {code} = {level} av {max_level}."
                    ),
                    "valid_from": run["date"].iloc[0].date(),
                    "valid_to": run["date"].iloc[-1].date(),
                }
            )
    return runs


def store_rules(conn: Connection, parsed: Parsed, run_id: int, file: str) -> int:
    """Add the versions that are new; keep every existing version (never overwrite)."""
    recorded = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    existing = pd.DataFrame(
        conn.execute(
            select(
                RuleVersion.id,
                RuleVersion.rule_key,
                RuleVersion.valid_from,
                RuleVersion.valid_to,
                RuleVersion.parameters,
                RuleVersion.recorded_at,
            ).where(RuleVersion.recorded_by == RECORDED_BY)
        ).all(),
        columns=["id", "rule_key", "valid_from", "valid_to", "parameters", "recorded_at"],
    )
    same = {
        (r.rule_key, r.valid_from, r.valid_to, _canon(r.parameters)) for r in existing.itertuples()
    }
    added = 0
    previous: dict[str, int] = {}
    for run in sorted(parsed.extra["runs"], key=lambda r: (r["rule_key"], r["valid_from"])):
        key = (run["rule_key"], run["valid_from"], run["valid_to"], _canon(run["parameters"]))
        if key in same:
            continue
        supersedes = _superseded(existing, run) or previous.get(run["rule_key"])
        result = conn.execute(
            insert(RuleVersion).values(
                disease=DEFAULT_DISEASE,
                scope_level="national",
                scope_code=None,
                authority=AUTHORITY,
                source_url=SOURCE_URL,
                recorded_at=recorded,
                recorded_by=RECORDED_BY,
                supersedes_id=supersedes,
                **run,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        previous[run["rule_key"]] = int(pk[0])
        added += 1
    parsed.detail["rule_versions_added"] = added
    return added


def _canon(params: Any) -> str:
    import json

    return json.dumps(params, sort_keys=True)


def _superseded(existing: pd.DataFrame, run: dict[str, Any]) -> int | None:
    """The latest recorded existing version of the rule that overlaps the new one."""
    if existing.empty:
        return None
    rows = existing[
        (existing["rule_key"] == run["rule_key"])
        & (existing["valid_from"] <= run["valid_to"])
        & (existing["valid_to"].isna() | (existing["valid_to"] >= run["valid_from"]))
    ]
    if rows.empty:
        return None
    return int(rows.sort_values(["recorded_at", "id"]).iloc[-1]["id"])


def remove_rules(conn: Connection, run_id: int) -> None:
    """Rule versions are never deleted when a newer file supersedes this one."""
    del conn, run_id


__all__ = ["detect", "parse", "remove_rules", "store_rules"]
