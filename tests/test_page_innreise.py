"""Innreise: the funnel, data-quality flags, arrivals per day and entry rules equal independent
computations from the raw arrival and rule_version tables; the page over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import formatting
from dashboard.definitions import arrivals as texts
from dashboard.metrics import arrivals as arrival_metrics
from data import db, disclosure
from data.queries import AreaLevel
from data.queries import arrivals as arrival_queries
from data.queries import rules as rule_queries
from data.scope import Scope
from tests.dash_http import call, find, page_response, subject_outputs

OUTPUTS = subject_outputs("innreise")
FULL = Scope.full()
NO_SMALL = Scope(user_id="t", role="ks_analytiker", kommuner=None, small_numbers=False)


# --------------------------------------------------------------------------- raw helpers
def _sql(query: str, **params: Any) -> pd.DataFrame:
    with db.engine().connect() as conn:
        return pd.read_sql(text(query), conn, params=params)


def _raw_arrivals(start: dt.date, end: dt.date) -> pd.DataFrame:
    frame = _sql(
        "SELECT arrival_date, border_point, country_of_departure, kommunenummer, "
        "has_fd_number, tested_at_border, test_positive, quarantine_required, "
        "follow_up_status FROM arrival WHERE disease = 'covid19' "
        "AND arrival_date >= :start AND arrival_date <= :end",
        start=start.isoformat(),
        end=end.isoformat(),
    )
    frame["arrival_date"] = pd.to_datetime(frame["arrival_date"]).dt.date
    return frame


def _expected(raw: pd.DataFrame, end: dt.date, pending_days: int) -> dict[str, int]:
    """The funnel and quality counts, computed here without the app's code."""
    tested = raw["tested_at_border"].astype(bool)
    due = raw["arrival_date"] <= end - dt.timedelta(days=pending_days)
    status = raw["follow_up_status"]
    return {
        "registered": len(raw),
        "tested": int(tested.sum()),
        "positive": int((tested & (raw["test_positive"] == 1)).sum()),
        "quarantine_required": int(raw["quarantine_required"].astype(bool).sum()),
        "follow_up_completed": int((status == "completed").sum()),
        "follow_up_pending": int((status == "pending").sum()),
        "follow_up_lost": int((status == "lost").sum()),
        "without_fd_number": int((~raw["has_fd_number"].astype(bool)).sum()),
        "tested_no_result": int((tested & raw["test_positive"].isna()).sum()),
        "due": int(due.sum()),
        "pending_overdue": int((due & (status == "pending")).sum()),
    }


def _busy_date(kommunenummer: str, days: int) -> dt.date:
    """A window end where the kommune had tested and positive arrivals: chosen from the raw
    table, so that the comparison below compares non-trivial numbers."""
    raw = _sql(
        "SELECT arrival_date, SUM(CASE WHEN tested_at_border THEN 1 ELSE 0 END) AS t, "
        "SUM(CASE WHEN test_positive THEN 1 ELSE 0 END) AS p, "
        "COUNT(*) AS n FROM arrival WHERE disease = 'covid19' AND kommunenummer = :k "
        "GROUP BY arrival_date ORDER BY arrival_date",
        k=kommunenummer,
    )
    raw["arrival_date"] = pd.to_datetime(raw["arrival_date"])
    daily = raw.set_index("arrival_date").asfreq("D", fill_value=0)
    window = daily.rolling(days).sum()
    score = window["t"] + 10 * window["p"].clip(upper=3) + window["n"] / 1000
    return score.idxmax().date()


def _kommune_fylke() -> pd.DataFrame:
    return _sql("SELECT kommunenummer, fylkesnummer, name FROM kommune WHERE structure = 2024")


def _text(node: Any) -> str:
    """All text in a component tree, joined."""
    if isinstance(node, str):
        return node
    if isinstance(node, int | float):
        return str(node)
    if isinstance(node, list):
        return " ".join(_text(n) for n in node)
    if isinstance(node, dict):
        if "props" in node:
            return _text(node["props"].get("children", ""))
        return " ".join(_text(v) for v in node.values())
    return ""


# --------------------------------------------------------------------------- data layer
@pytest.mark.parametrize("kommunenummer", ["0301", "3209"])
def test_funnel_counts_equal_raw_arrivals(app, kommunenummer: str) -> None:
    days = 28
    end = _busy_date(kommunenummer, days)
    start, _ = arrival_metrics.window(end, days)
    raw = _raw_arrivals(start, end)
    expected = _expected(raw[raw["kommunenummer"] == kommunenummer], end, texts.PENDING_DAYS)
    assert expected["registered"] > 0 and expected["tested"] > 0  # a real comparison

    got = arrival_queries.arrival_window(
        scope=FULL,
        level="kommune",
        code=kommunenummer,
        start=start,
        end=end,
        pending_days=texts.PENDING_DAYS,
    ).iloc[0]
    for column, value in expected.items():
        assert int(got[column]) == value, column

    # the funnel as shown: counts and shares on the stated bases
    funnel = arrival_metrics.funnel(got.to_dict()).set_index("stage")
    assert list(funnel.index) == list(arrival_metrics.FUNNEL_STAGES)
    assert funnel.at["registered", "count"] == expected["registered"]
    assert funnel.at["tested", "share"] == pytest.approx(
        expected["tested"] / expected["registered"]
    )
    assert funnel.at["positive", "share"] == pytest.approx(
        expected["positive"] / expected["tested"]
    )
    assert funnel.at["follow_up_completed", "share"] == pytest.approx(
        expected["follow_up_completed"] / expected["registered"]
    )
    quality = arrival_metrics.quality(got.to_dict()).set_index("flag")
    assert quality.at["without_fd_number", "share"] == pytest.approx(
        expected["without_fd_number"] / expected["registered"]
    )


def test_county_and_nation_windows_equal_raw(app) -> None:
    end = _busy_date("0301", 14)
    start, _ = arrival_metrics.window(end, 14)
    raw = _raw_arrivals(start, end).merge(_kommune_fylke(), on="kommunenummer")
    areas: list[tuple[AreaLevel, str | None, pd.DataFrame]] = [
        ("fylke", "32", raw[raw["fylkesnummer"] == "32"]),
        ("nation", None, raw),
    ]
    for level, code, rows in areas:
        expected = _expected(rows, end, texts.PENDING_DAYS)
        got = arrival_queries.arrival_window(
            scope=FULL, level=level, code=code, start=start, end=end, pending_days=7
        ).iloc[0]
        assert expected["registered"] > 0
        for column in ("registered", "tested", "positive", "without_fd_number", "due"):
            assert int(got[column]) == expected[column], (level, column)


@pytest.mark.parametrize("by", ["border_point", "country_of_departure"])
def test_arrivals_per_day_equal_raw(app, by: arrival_queries.Dimension) -> None:
    end = _busy_date("0301", 28)
    start = end - dt.timedelta(days=texts.DAILY_DAYS - 1)
    raw = _raw_arrivals(start, end)
    raw = raw[raw["kommunenummer"] == "0301"]
    got = arrival_queries.arrivals_daily(
        scope=FULL, kommunenummer="0301", start=start, end=end, by=by, top=3
    )
    assert len(got["date"].unique()) == texts.DAILY_DAYS  # every day, zeros included
    # per day, the categories (top 3 + "Andre") add up to all arrivals of the day
    per_day = got.groupby(got["date"].dt.date)["arrivals"].sum()
    expected_day = raw.groupby("arrival_date").size()
    for day, value in per_day.items():
        assert value == expected_day.get(day, 0), day
    # the kept categories are the three largest, each with its raw count
    totals = raw.groupby(by).size().sort_values(ascending=False, kind="stable")
    kept = [c for c in got["category"].unique() if c != arrival_queries.OTHERS]
    assert kept == list(totals.index[:3])
    for category in kept:
        assert got.loc[got["category"] == category, "arrivals"].sum() == totals[category]


def test_small_numbers_are_withheld_and_not_recoverable_from_the_total(app) -> None:
    codes = _kommune_fylke()["kommunenummer"].tolist()
    end = _busy_date("0301", 14)
    start, _ = arrival_metrics.window(end, 14)
    hidden_somewhere = False
    for code in codes[::12]:
        row = arrival_queries.arrival_window(
            scope=NO_SMALL, level="kommune", code=code, start=start, end=end
        ).iloc[0]
        values = pd.to_numeric(row[arrival_queries.WINDOW_COUNTS], errors="coerce")
        assert not values.between(1, 4).any(), code  # no small count leaves the data layer
        flags = [bool(row[f"{p}_suppressed"]) for p in arrival_queries.FOLLOW_UP_PARTS]
        if not row["registered_suppressed"] and sum(flags) == 1:
            # completed + pending + lost = registered: each carries its own perturbation, so
            # the total less the visible parts leaves the hidden part more than one value
            parts = arrival_queries.FOLLOW_UP_PARTS
            shown = [p for p, f in zip(parts, flags, strict=True) if not f]
            rest = row["registered"] - sum(row[p] for p in shown)
            slack = disclosure.MAX_PERTURBATION * len(parts)
            feasible = set(range(int(rest) - slack, int(rest) + slack + 1)) & {1, 2, 3, 4}
            assert len(feasible) > 1, code
        hidden_somewhere |= bool(row[[f"{c}_suppressed" for c in values.index]].any())
    assert hidden_somewhere  # the check above had something to check


def test_entry_rules_in_force_follow_the_rule_table(app) -> None:
    rules = _sql(
        "SELECT id, text_nb, valid_from, valid_to, scope_level, scope_code FROM rule_version "
        "WHERE category = 'entry' AND disease = 'covid19'"
    )
    rules["valid_from"] = pd.to_datetime(rules["valid_from"]).dt.date
    rules["valid_to"] = pd.to_datetime(rules["valid_to"]).dt.date
    assert len(rules) >= 3
    for version in rules.itertuples():
        for day in (version.valid_from, version.valid_from - dt.timedelta(days=1)):
            ends = rules["valid_to"].where(rules["valid_to"].notna(), dt.date(9999, 1, 1))
            in_force = rules[(rules["valid_from"] <= day) & (ends >= day)]
            got = rule_queries.rules_in_force(
                scope=FULL,
                kommunenummer="3209",
                date=day,
                category="entry",
            )
            assert sorted(got["id"]) == sorted(in_force["id"]), day
        assert version.id in set(
            rule_queries.rules_in_force(
                scope=FULL,
                kommunenummer="3209",
                date=version.valid_from,
                category="entry",
            )["id"]
        )


def test_local_rule_replaces_national_for_its_kommune_only(app) -> None:
    # The gatherings category has Oslo-only versions: Oslo sees its own, Bergen does not.
    day = dt.date(2020, 11, 15)
    oslo = rule_queries.rules_in_force(
        scope=FULL, kommunenummer="0301", date=day, category="gatherings"
    )
    bergen = rule_queries.rules_in_force(
        scope=FULL, kommunenummer="4601", date=day, category="gatherings"
    )
    assert "kommune" in set(oslo["scope_level"])
    assert set(oslo.loc[oslo["scope_level"] == "kommune", "scope_code"]) == {"0301"}
    assert not (bergen["scope_code"] == "0301").any()
    assert oslo["rule_key"].is_unique and bergen["rule_key"].is_unique


# --------------------------------------------------------------------------- over HTTP
def _page(client: Any, kommunenummer: str, date: str | None, window: int = 14) -> dict:
    return page_response(client, "innreise", OUTPUTS, kommunenummer, date, window=window)


@pytest.mark.parametrize(
    ("kommunenummer", "name"),
    [
        ("3209", "Ullensaker"),
        ("5605", "Sør-Varanger"),
        ("0301", "Oslo"),
        ("1151", "Utsira"),
    ],
)
def test_page_renders_with_raw_numbers(client, kommunenummer: str, name: str) -> None:
    end = _busy_date("0301", 14)
    response = _page(client, kommunenummer, end.isoformat())
    assert response["innreise-title"]["children"].startswith(f"Innreise – {name} ({kommunenummer})")
    assert response["innreise-alert"]["children"] is None
    raw = _raw_arrivals(*arrival_metrics.window(end, 14))
    expected = _expected(raw[raw["kommunenummer"] == kommunenummer], end, texts.PENDING_DAYS)
    card = _text(find(response["innreise-cards"], "innreise-card-registered"))
    assert formatting.number(expected["registered"]) in card
    funnel = response["innreise-funnel"]["figure"]["data"][0]
    assert funnel["type"] == "funnel"
    assert [int(v) for v in funnel["x"]] == [expected[s] for s in arrival_metrics.FUNNEL_STAGES]
    compare = _text(response["innreise-compare"])
    assert "Hele landet" in compare and "(fylke)" in compare
    source = response["innreise-source"]["children"]
    assert "Data per" in source and "demodata" in source.lower()
    assert f"Vist til og med {formatting.date_short(end)}" in source
    assert "Innreiseregler i kraft" in _text(response["innreise-rules"])


def test_page_defaults_to_data_date_and_shows_the_rule_in_force(client) -> None:
    response = _page(client, "5605", None)
    data_date = _sql("SELECT value FROM dataset_meta WHERE key = 'data_date'")["value"][0]
    assert response["innreise-date"]["date"] == data_date
    # the rule version text in force on a date in the hotel-quarantine period
    day = dt.date(2021, 3, 1)
    rules = _sql(
        "SELECT text_nb FROM rule_version WHERE category = 'entry' AND valid_from <= :d "
        "AND (valid_to IS NULL OR valid_to >= :d)",
        d=day.isoformat(),
    )
    assert len(rules) == 1
    response = _page(client, "5605", day.isoformat())
    assert rules["text_nb"][0] in _text(response["innreise-rules"])


def test_window_changes_the_counts(client) -> None:
    end = _busy_date("0301", 28)
    counts = []
    for days in (7, 28):
        response = _page(client, "0301", end.isoformat(), window=days)
        raw = _raw_arrivals(*arrival_metrics.window(end, days))
        expected = _expected(raw[raw["kommunenummer"] == "0301"], end, texts.PENDING_DAYS)
        funnel = response["innreise-funnel"]["figure"]["data"][0]
        assert int(funnel["x"][0]) == expected["registered"]
        counts.append(expected["registered"])
    assert counts[0] < counts[1]


def test_kommune_outside_scope_is_refused_in_norwegian(app) -> None:
    from tests.conftest import login

    client = login(app.server.test_client(), "lege-utsira")
    for outputs, inputs in (
        (
            OUTPUTS,
            [
                ("innreise-select", "value", "0301"),
                ("innreise-date", "date", None),
                ("innreise-window", "value", 14),
            ],
        ),
        (
            [("sertifikat-compare", "children"), ("sertifikat-over-time", "figure")],
            [("sertifikat-select", "value", "0301"), ("sertifikat-date", "date", "2022-01-15")],
        ),
    ):
        status, body, _ = call(client, outputs=outputs, inputs=inputs)
        assert status == 200
        assert not body.get("response")  # nothing of the page is sent
        assert "Ingen tilgang til kommune 0301" in json.dumps(body, ensure_ascii=False)
    # the own kommune is served
    response = _page(client, "1151", None)
    assert response["innreise-title"]["children"].startswith("Innreise – Utsira")


# --------------------------------------------------------------------------- pure metrics
def test_funnel_shares_are_withheld_with_their_counts() -> None:
    counts = {c: 10 for c in arrival_queries.WINDOW_COUNTS}
    counts.update(registered=40, tested=20, positive=float("nan"), positive_suppressed=True)
    funnel = arrival_metrics.funnel(counts).set_index("stage")
    assert funnel.at["tested", "share"] == pytest.approx(0.5)
    assert funnel.at["quarantine_required", "share"] == pytest.approx(0.25)
    assert pd.isna(funnel.at["positive", "share"]) and funnel.at["positive", "share_suppressed"]
    counts.update(registered=float("nan"), registered_suppressed=True)
    table = arrival_metrics.comparison([("k", counts)]).set_index("measure")
    on_registered = [m for m, b in arrival_metrics.FUNNEL_BASE.items() if b == "registered"]
    on_registered += [m for m, b in arrival_metrics.QUALITY_FLAGS.items() if b == "registered"]
    assert table.loc[[m for m in on_registered if m != "registered"], "k_suppressed"].all()
    assert table.at["pending_overdue", "k"] == pytest.approx(1.0)  # own base: due
    assert not table.at["tested_no_result", "k_suppressed"]  # base: tested


def test_three_areas_from_one_read_equal_the_single_reads(app) -> None:
    end = _busy_date("3209", 14)
    start, _ = arrival_metrics.window(end, 14)
    both = arrival_queries.arrival_windows(
        scope=FULL, kommunenummer="3209", fylkesnummer="32", start=start, end=end
    ).set_index("area")
    for area, level, code in (("kommune", "kommune", "3209"), ("fylke", "fylke", "32")):
        single = arrival_queries.arrival_window(
            scope=FULL, level=level, code=code, start=start, end=end
        ).iloc[0]
        for column in arrival_queries.WINDOW_COUNTS:
            assert both.at[area, column] == single[column], (area, column)
    assert both.at["nation", "registered"] >= both.at["fylke", "registered"] > 0


def test_page_for_a_kommune_without_arrivals(client) -> None:
    day = dt.date(2020, 5, 1)  # border closed: few arrivals anywhere
    start = day - dt.timedelta(days=texts.DAILY_DAYS - 1)
    raw = _raw_arrivals(start, day)
    codes = _kommune_fylke()["kommunenummer"]
    quiet = codes[~codes.isin(raw["kommunenummer"])].iloc[0]
    response = _page(client, quiet, day.isoformat())
    assert response["innreise-alert"]["children"] is None
    funnel = response["innreise-funnel"]["figure"]["data"][0]
    assert [int(v) for v in funnel["x"]] == [0] * len(arrival_metrics.FUNNEL_STAGES)
    notes = json.dumps(response["innreise-by-border"]["figure"]["layout"], ensure_ascii=False)
    assert "Ingen ankomster" in notes


def test_page_renders_in_english(client) -> None:
    client.set_cookie("sb_lang", "en")
    end = _busy_date("0301", 14)
    response = _page(client, "0301", end.isoformat())
    cards = _text(response["innreise-cards"])
    assert "Registered arrivals" in cards and "Last 14 days" in cards
    assert "Registrerte" not in cards
    funnel = response["innreise-funnel"]["figure"]
    assert funnel["layout"]["separators"] == ".,"
    assert funnel["data"][0]["y"][0].startswith("Registered<br>")
    assert funnel["layout"]["title"]["text"].startswith("Follow-up funnel, arrivals ")
    assert "Norway" in _text(response["innreise-compare"])
    assert "Entry rules in force" in _text(response["innreise-rules"])


def test_definition_texts_name_the_constants() -> None:
    """The texts carry the numbers as literals (a msgid is fixed text): keep them in step."""
    from callbacks.subjects.innreise import MEASURE_LABELS

    assert f"minst {texts.PENDING_DAYS} dager siden" in texts.QUALITY.definition
    assert f"etter {texts.PENDING_DAYS} dager" in texts.QUALITY_LABELS["pending_overdue"]
    assert f"etter {texts.PENDING_DAYS} dager" in MEASURE_LABELS["pending_overdue"]
    assert f"siste {texts.DAILY_DAYS // 7} ukene" in texts.ARRIVALS_DAILY.definition
