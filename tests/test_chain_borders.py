"""Chains keep their cross-border links (issue 20, item 4): a tracer sees the links between
the own kommune's cases and cases elsewhere, the other end as an anonymous "tilfelle i annen
kommune" node (kommune only), and how many members lie outside the own area. Nothing about an
out-of-scope person (key, date, age, role, where infected) leaves the data layer."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest

from dashboard import auth
from dashboard.app_factory import directory
from dashboard.auth import scope_for
from data import db, tracing
from tests.conftest import login
from tests.dash_http import CHAIN_OUTPUTS, call


def _raw(query: str) -> pd.DataFrame:
    return pd.read_sql(query, db.engine("tracing"))


@pytest.fixture(scope="module")
def crossing(app) -> Iterator[dict]:
    """A tracer of the kommune with the most links across its border, and the cluster where
    it has the most of them."""
    links = _raw(
        "select l.cluster_id, l.source_person_key as source, l.target_person_key as target, "
        "s.kommunenummer as source_kommune, t.kommunenummer as target_kommune "
        "from transmission_link l "
        "join cluster_membership s on s.cluster_id = l.cluster_id "
        "and s.person_key = l.source_person_key "
        "join cluster_membership t on t.cluster_id = l.cluster_id "
        "and t.person_key = l.target_person_key"
    )
    across = links[links["source_kommune"] != links["target_kommune"]]
    assert len(across), "the tiny demo has links across kommune borders"
    ends = pd.concat([across["source_kommune"], across["target_kommune"]])
    own_kommune = str(ends.value_counts().index[0])
    cross = across[
        (across["source_kommune"] == own_kommune) | (across["target_kommune"] == own_kommune)
    ]
    cluster_id = str(cross["cluster_id"].value_counts().index[0])
    members = _raw(
        f"select person_key, kommunenummer, age_band, test_date, role from cluster_membership "
        f"where cluster_id = '{cluster_id}'"
    )
    user = auth.User(
        f"test-sporer-{own_kommune}",
        "Test: smittesporer",
        ("smittesporer",),
        kommunenummer=own_kommune,
        fylkesnummer=own_kommune[:2],
        demo=True,
    )
    directory(app).demo_users[user.id] = user
    yield {
        "user": user,
        "own": own_kommune,
        "cluster_id": cluster_id,
        "links": links[links["cluster_id"] == cluster_id],
        "cross": cross[cross["cluster_id"] == cluster_id],
        "members": members,
        "outside_keys": set(members.loc[members["kommunenummer"] != own_kommune, "person_key"]),
        "own_keys": set(members.loc[members["kommunenummer"] == own_kommune, "person_key"]),
    }
    del directory(app).demo_users[user.id]


def test_cross_border_links_come_back_with_anonymous_ends(crossing) -> None:
    scope = scope_for(crossing["user"])
    members = tracing.cluster_members(scope=scope, cluster_id=crossing["cluster_id"])
    links = tracing.transmission_links(scope=scope, cluster_id=crossing["cluster_id"])
    assert set(members["person_key"]) == crossing["own_keys"]
    assert members.attrs["members_total"] == len(crossing["members"])
    assert members.attrs["members_outside"] == len(crossing["outside_keys"])
    # every link touching an own case is returned, crossing ones included
    touching = crossing["links"][
        crossing["links"]["source"].isin(crossing["own_keys"])
        | crossing["links"]["target"].isin(crossing["own_keys"])
    ]
    assert len(links) == len(touching)
    crossing_rows = links[(links["source"] < 0) | (links["target"] < 0)]
    assert len(crossing_rows) == len(crossing["cross"]) > 0
    outside = links.attrs["outside"]
    assert set(outside["node"]) == set(crossing_rows["source"].clip(upper=0)) - {0} | set(
        crossing_rows["target"].clip(upper=0)
    ) - {0}
    expected_kommuner = set(crossing["cross"]["source_kommune"]) | set(
        crossing["cross"]["target_kommune"]
    )
    assert set(outside["kommunenummer"]) <= expected_kommuner - {crossing["own"]}
    assert crossing_rows["link_date"].isna().all()


def test_no_out_of_scope_person_key_or_attribute_is_returned(crossing) -> None:
    scope = scope_for(crossing["user"])
    members = tracing.cluster_members(scope=scope, cluster_id=crossing["cluster_id"])
    links = tracing.transmission_links(scope=scope, cluster_id=crossing["cluster_id"])
    returned = set(members["person_key"]) | set(links["source"]) | set(links["target"])
    returned |= set(links.attrs["outside"]["node"])
    assert not returned & crossing["outside_keys"]
    assert returned - crossing["own_keys"] == set(links.attrs["outside"]["node"])
    assert (links.attrs["outside"]["node"] < 0).all()
    assert list(links.attrs["outside"].columns) == ["node", "kommunenummer"]
    assert set(members["kommunenummer"]) == {crossing["own"]}
    # where an outside person was infected is that person's detail
    into_outside = links[links["target"] < 0]
    assert into_outside["setting"].isna().all() and into_outside["confidence"].isna().all()


def test_chain_view_draws_links_to_cases_elsewhere(app, crossing) -> None:
    client = login(app.server.test_client(), crossing["user"].id)
    status, body, _ = call(
        client,
        outputs=CHAIN_OUTPUTS,
        inputs=[("klynger-chain-cluster", "value", crossing["cluster_id"])],
    )
    assert status == 200
    response = body["response"]
    data = response["klynger-chain"]["figure"]["data"]
    others = [t for t in data if t.get("name") == "Tilfelle i annen kommune"]
    assert len(others) == 1
    names = {c[0] for c in others[0]["customdata"]}
    assert all(len(c) == 1 for c in others[0]["customdata"])  # the kommune, nothing else
    assert names and not names & {crossing["own"]}
    # own cases: exactly the own kommune's members, none relabelled as index because its infector
    # lives elsewhere
    own = [c for t in data if t.get("mode") == "markers" for c in t["customdata"] if len(c) == 7]
    assert sorted(int(c[0][1:]) for c in own) == sorted(crossing["own_keys"])
    infected_from_outside = set(
        crossing["cross"].loc[crossing["cross"]["target_kommune"] == crossing["own"], "target"]
    )
    index_trace = [t for t in data if t.get("name") == "Indekstilfelle"]
    index_keys = {int(c[0][1:]) for t in index_trace for c in t["customdata"]}
    assert not index_keys & infected_from_outside
    # the links to them are drawn: one line segment per link (x0, x1, None)
    lines = next(t for t in data if t.get("mode") == "lines")
    assert len(lines["x"]) == 3 * len(
        crossing["links"][
            crossing["links"]["source"].isin(crossing["own_keys"])
            | crossing["links"]["target"].isin(crossing["own_keys"])
        ].drop_duplicates("target")
    )
    detail = json.dumps(response["klynger-chain-detail"], ensure_ascii=False)
    outside = len(crossing["outside_keys"])
    assert f"{outside} av {len(crossing['members'])} medlemmer er utenfor ditt område" in detail
    # no outside person's key anywhere in what the browser got
    text = json.dumps(response)
    assert not any(f'"#{k}"' in text for k in crossing["outside_keys"])
