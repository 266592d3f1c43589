"""Klynger og utbrudd: cluster sizes against the raw case table, the across-scope view, and
the transmission-chain view (tracing permission only, every read audited)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.auth import DEMO_USERS, scope_for
from dashboard.metrics import clusters as cluster_metrics
from data import db
from data.schema import AuditLog
from tests.conftest import login
from tests.dash_http import CHAIN_OUTPUTS, KLYNGER_OUTPUTS, call, page_response, values
from tests.test_page_testing import sql

ROLE_USERS = [u for u in DEMO_USERS if u != "test-full"]


def page(client: Any, kommune: str | None, date: str | None, view: str | None = None) -> dict:
    return page_response(client, "klynger", KLYNGER_OUTPUTS, kommune, date, view=view)


def chain(client: Any, cluster_id: str) -> tuple[int, dict]:
    status, body, _ = call(
        client, outputs=CHAIN_OUTPUTS, inputs=[("klynger-chain-cluster", "value", cluster_id)]
    )
    return status, body


def audit_count(action: str) -> int:
    with db.engine().connect() as conn:
        return conn.execute(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
        ).scalar_one()


def busiest_cluster_date(kommune: str) -> dt.date:
    """A date on which the kommune has clusters with cases: the raw data decide."""
    frame = sql(
        'select coalesce(c.test_date, c.registration_date) as day from "case" c '
        "join cluster k on k.id = c.cluster_id where k.kommuner_involved like :k "
        "and k.disease = 'covid19' "
        "order by day",
        k=f"%{kommune}%",
    )
    days = pd.to_datetime(frame["day"])
    return days.iloc[int(len(days) * 0.6)].date()


def expected_clusters(kommune: str | None, date: dt.date) -> pd.DataFrame:
    clusters = sql(
        "select id, kommunenummer, kommuner_involved, first_case_date, last_case_date from cluster "
        "where disease = 'covid19'"
    )
    cases = sql(
        'select cluster_id, coalesce(test_date, registration_date) as day from "case" '
        "where cluster_id is not null and disease = 'covid19'"
    )
    cases["day"] = pd.to_datetime(cases["day"]).dt.date
    cases = cases[cases["day"] <= date]
    sizes = cases.groupby("cluster_id").agg(
        size=("day", "size"),
        growth=("day", lambda d: int((d >= date - dt.timedelta(days=6)).sum())),
        last=("day", "max"),
    )
    clusters = clusters.join(sizes, on="id", how="inner")
    first = pd.to_datetime(clusters["first_case_date"]).dt.date
    last_total = pd.to_datetime(clusters["last_case_date"]).dt.date
    keep = (first <= date) & (last_total >= date - dt.timedelta(days=42))
    if kommune:
        keep &= clusters["kommuner_involved"].str.split().map(lambda ks: kommune in ks)
    return clusters[keep].set_index("id")


@pytest.fixture(scope="module")
def bergen_date(app) -> dt.date:
    return busiest_cluster_date("4601")


def test_cluster_table_matches_raw_cases(client, bergen_date) -> None:
    response = page(client, "4601", bergen_date.isoformat())
    rows = {r["id"]: r for r in response["klynger-table"]["data"]}
    expected = expected_clusters("4601", bergen_date)
    assert rows, "the chosen date must have clusters"
    assert set(rows) == set(expected.index)
    for cluster_id, r in rows.items():
        e = expected.loc[cluster_id]
        assert r["size"] == str(int(e["size"])), cluster_id
        assert r["growth"] == str(int(e["growth"])), cluster_id
        status = "Aktiv" if (bergen_date - e["last"]).days <= 14 else "Avsluttet"
        assert r["status"] == status
        if len(e["kommuner_involved"].split()) > 1:
            assert r["kommuner"].startswith("På tvers av kommuner")
    # the epidemic curve adds up to the clusters' cases in the twelve weeks shown
    bars = response["klynger-epicurve"]["figure"]["data"]
    assert bars and all(t["type"] == "bar" for t in bars)
    cases = sql(
        'select coalesce(test_date, registration_date) as day from "case" where cluster_id in '
        "(" + ",".join(f"'{c}'" for c in rows) + ")"
    )
    days = pd.to_datetime(cases["day"]).dt.date
    first = bergen_date - dt.timedelta(weeks=12, days=bergen_date.weekday())
    assert sum(sum(values(t["y"])) for t in bars) == int(
        ((days >= first) & (days <= bergen_date)).sum()
    )
    assert "Bergen (4601)" in response["klynger-title"]["children"]


def test_across_scope_view_for_fylkeslege(app, bergen_date) -> None:
    client = login(app.server.test_client(), "fylkeslege-vestland")
    response = page(client, "4601", bergen_date.isoformat(), view="scope")
    ids = {r["id"] for r in response["klynger-table"]["data"]}
    expected = expected_clusters(None, bergen_date)
    vestland = expected[
        expected["kommuner_involved"].str.split().map(lambda ks: any(k[:2] == "46" for k in ks))
    ]
    assert ids == set(vestland.index)
    assert "alle kommuner" in response["klynger-title"]["children"]


def test_small_cluster_sizes_hidden_without_small_number_access(app, bergen_date) -> None:
    client = login(app.server.test_client(), "krise-bergen")
    response = page(client, "4601", bergen_date.isoformat())
    expected = expected_clusters("4601", bergen_date)
    for r in response["klynger-table"]["data"]:
        if 1 <= expected.loc[r["id"], "size"] <= 4:
            assert r["size"] == "1–4"
        if 1 <= expected.loc[r["id"], "growth"] <= 4:
            assert r["growth"] == "1–4"


def _bergen_cluster() -> str:
    frame = sql(
        "select cluster_id, count(*) as n from \"case\" where kommunenummer = '4601' "
        "and cluster_id is not null and "
        "disease = 'covid19' group by cluster_id order by n desc limit 1"
    )
    return str(frame["cluster_id"].iloc[0])


def test_chain_view_for_tracer_is_complete_and_audited(app) -> None:
    cluster_id = _bergen_cluster()
    client = login(app.server.test_client(), "sporer-bergen")
    before = audit_count("tracing_read")
    status, body = chain(client, cluster_id)
    assert status == 200
    figure = body["response"]["klynger-chain"]["figure"]
    members = pd.read_sql(
        f"select person_key, kommunenummer from cluster_membership where cluster_id = "
        f"'{cluster_id}' and kommunenummer = '4601'",
        db.engine("tracing"),
    )
    markers = [t for t in figure["data"] if t.get("mode") == "markers"]
    nodes = [c for t in markers for c in t["customdata"] if len(c) == 7]  # not cases elsewhere
    assert sorted(int(c[0][1:]) for c in nodes) == sorted(members["person_key"])
    assert audit_count("tracing_read") == before + 2  # members and links, one row each


@pytest.mark.parametrize("user_id", ROLE_USERS)
def test_chain_callback_refuses_every_role_without_tracing(app, user_id) -> None:
    scope = scope_for(DEMO_USERS[user_id])
    cluster_id = _bergen_cluster()
    client = login(app.server.test_client(), user_id)
    refused_before = audit_count("refused")
    reads_before = audit_count("tracing_read")
    status, body = chain(client, cluster_id)
    assert status == 200
    if scope.tracing and scope.allows("4601"):
        assert body["response"]["klynger-chain"]["figure"]["data"]
        assert audit_count("tracing_read") == reads_before + 2
    else:
        assert not body.get("response"), f"{user_id} got chain data"
        assert "tilgang" in json.dumps(body) or "utenfor" in json.dumps(body)
        assert audit_count("refused") == refused_before + 1
        assert audit_count("tracing_read") == reads_before


def test_chain_section_hidden_without_tracing(app) -> None:
    for user_id, shown in (("sporer-bergen", True), ("lege-oslo", False), ("admin", False)):
        client = login(app.server.test_client(), user_id)
        _s, body, _ = call(
            client,
            outputs=[("klynger-chain-section", "style"), ("klynger-chain-note", "children")],
            inputs=[("klynger-chain-section", "id", "klynger-chain-section")],
        )
        style = body["response"]["klynger-chain-section"]["style"]
        assert (style["display"] != "none") is shown


def test_network_layout_is_a_tidy_tree() -> None:
    members = pd.DataFrame(
        {
            "person_key": [1, 2, 3, 4, 5],
            "kommunenummer": ["4601"] * 5,
            "age_band": ["25-39"] * 5,
            "test_date": pd.to_datetime(
                ["2021-01-01", "2021-01-03", "2021-01-04", "2021-01-06", "2021-01-02"]
            ),
            "role": ["index", "member", "member", "member", "index"],
        }
    )
    links = pd.DataFrame(
        {
            "source": [1, 1, 2, 99],
            "target": [2, 3, 4, 5],  # 99 is not a visible member: link dropped
            "link_date": pd.to_datetime(["2021-01-03"] * 4),
            "setting": ["school", "household", "school", "event"],
            "confidence": ["confirmed"] * 4,
        }
    )
    nodes, edges = cluster_metrics.network_layout(members, links)
    pos = nodes.set_index("person_key")
    assert len(edges) == 3
    assert pos.loc[1, "generation"] == 0 and pos.loc[4, "generation"] == 2
    assert pos.loc[1, "infected"] == 2 and pos.loc[5, "setting"] == "index"
    assert pos.loc[2, "y"] == pos.loc[4, "y"]  # a single child sits level with its parent
    assert pos.loc[1, "y"] == (pos.loc[2, "y"] + pos.loc[3, "y"]) / 2
    assert pos["y"].nunique() == 4


def test_large_cluster_is_collapsed() -> None:
    rng = np.random.default_rng(0)
    n = cluster_metrics.MAX_NODES + 500
    members = pd.DataFrame(
        {
            "person_key": np.arange(n),
            "kommunenummer": rng.choice(["0301", "3201", "3203"], n),
            "age_band": "25-39",
            "test_date": pd.Timestamp("2021-01-01")
            + pd.to_timedelta(rng.integers(0, 40, n), unit="D"),
            "role": "member",
        }
    )
    links = pd.DataFrame({"source": np.arange(n - 1), "target": np.arange(1, n)})
    groups, edges = cluster_metrics.collapse_network(members, links)
    assert groups["cases"].sum() == n
    assert len(groups) <= 3 * 40 and edges["links"].sum() == n - 1


def test_page_renders_in_english(app, bergen_date) -> None:
    """With the language cookie the same numbers come in English: labels, statuses, settings,
    titles and the click-detail templates (the numbers are the bokmål page's)."""
    from dashboard import i18n
    from dashboard.definitions.clusters import SETTING_LABELS
    from layouts import klynger as layout

    bokmal = page(login(app.server.test_client(), "test-full"), "4601", bergen_date.isoformat())
    english_client = login(app.server.test_client(), "test-full")
    english_client.set_cookie("sb_lang", "en")
    english = page(english_client, "4601", bergen_date.isoformat())
    rows = {r["id"]: r for r in english["klynger-table"]["data"]}
    assert {r["id"]: r["size"] for r in bokmal["klynger-table"]["data"]} == {
        k: r["size"] for k, r in rows.items()
    }
    assert {r["status"] for r in rows.values()} <= {"Active", "Closed"}
    assert not {r["setting"] for r in rows.values()} & set(SETTING_LABELS.values())
    cards = str(english["klynger-cards"]["children"])
    assert "Active clusters" in cards and "Aktive klynger" not in cards
    assert "Cluster cases per week – Bergen" in str(english["klynger-epicurve"]["figure"])
    with i18n.language("en"):
        rendered = str(layout.layout(kommunenummer="4601"))
        assert layout.chain_texts()["group"] == "Municipality {0}: {1} cases"
    assert "Active and recent clusters" in rendered and "Transmission chains" in rendered
