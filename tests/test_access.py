"""Access control as an attacker meets it: crafted requests straight to the Dash endpoints.

Every role × every page callback × own / other kommune, checked for data outside the scope,
small numbers for roles without small-number access, and audit rows for every refusal.
"""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import func, select

from dashboard.app_factory import directory
from dashboard.auth import DEMO_USERS, ROLES, map_claims, scope_for
from data import db, tracing
from data.schema import AuditLog, Cluster
from data.scope import Scope, ScopeError
from geo import reference
from tests.conftest import login
from tests.dash_http import (
    CHAIN_OUTPUTS,
    call,
    call_dependency,
    call_kommune,
    call_map,
    kommune_page_callbacks,
    values,
)

ROLE_USERS = [u for u in DEMO_USERS if u != "test-full"]
OTHER = {"0301": "4601", "1151": "0301", "5501": "0301", "4601": "0301", None: None}
STATS = {"requests": 0, "leaks": 0}


def _audit_count(action: str = "refused") -> int:
    with db.engine().connect() as conn:
        return conn.execute(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
        ).scalar_one()


def _polygons_for(kommuner: frozenset[str] | None) -> set[str]:
    polygons = reference.polygon_of(2024)
    if kommuner is not None:
        polygons = polygons[polygons["kommunenummer"].isin(kommuner)]
    return set(polygons["polygon_id"])


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\naccess matrix: {STATS['requests']} crafted requests, {STATS['leaks']} leaks")
    assert STATS["leaks"] == 0


@pytest.mark.parametrize("user_id", ROLE_USERS)
@pytest.mark.parametrize("metric", ["cases_7d", "incidence_14d"])
def test_map_returns_only_scoped_kommuner_and_no_small_numbers(app, user_id, metric) -> None:
    user = DEMO_USERS[user_id]
    scope = scope_for(user)
    client = login(app.server.test_client(), user_id)
    status, body, _ = call_map(client, metric, "2022-01-15")
    STATS["requests"] += 1
    assert status == 200
    trace = body["response"]["map"]["figure"]["data"][0]
    allowed = _polygons_for(scope.kommuner)
    outside = set(trace["locations"]) - allowed
    STATS["leaks"] += len(outside)
    assert not outside, f"{user_id} got kommuner outside the scope: {sorted(outside)[:5]}"
    if metric == "cases_7d":
        small_ok = _polygons_for(scope.small_number_kommuner) if scope.small_numbers else set()
        if scope.small_numbers and scope.small_number_kommuner is None:
            small_ok = allowed
        leaked = [
            loc
            for loc, z in zip(trace["locations"], trace["z"], strict=True)
            if z is not None and 1 <= z <= 4 and loc not in small_ok
        ]
        STATS["leaks"] += len(leaked)
        assert not leaked, f"{user_id} sees small numbers for {leaked[:5]}"


@pytest.mark.parametrize("user_id", ROLE_USERS)
def test_kommune_page_own_and_other(app, user_id) -> None:
    user = DEMO_USERS[user_id]
    scope = scope_for(user)
    client = login(app.server.test_client(), user_id)
    own = user.kommunenummer or (sorted(scope.kommuner)[0] if scope.kommuner else "0301")
    other = OTHER.get(user.kommunenummer) or ("0301" if own != "0301" else "4601")
    for code in (own, other):
        before = _audit_count()
        status, body, _ = call_kommune(client, code, "2022-01-15")
        STATS["requests"] += 1
        assert status == 200
        text = json.dumps(body)
        if scope.allows(code):
            assert body["response"]["kommune-title"]["children"].endswith(")") or "(" in text
            assert "kommune-daily" in body["response"]
        else:
            # refused: no figure, no cards, a clear message, and an audit row
            leaked = any(k in body.get("response", {}) for k in ("kommune-daily", "kommune-cards"))
            STATS["leaks"] += int(leaked)
            assert not leaked, f"{user_id} got data for {code}"
            assert "Ingen tilgang" in text
            assert _audit_count() == before + 1


def test_crafted_dropdown_value_cannot_widen_scope(app) -> None:
    """The Utsira doctor asks for every kommune's options, then for Oslo's series."""
    client = login(app.server.test_client(), "lege-utsira")
    _status, body, _ = call(
        client, outputs=[("kommune-select", "options")], inputs=[("kommune-select", "id", "x")]
    )
    STATS["requests"] += 1
    values = {o["value"] for o in body["response"]["kommune-select"]["options"]}
    expected = scope_for(DEMO_USERS["lege-utsira"]).kommuner
    assert values == set(expected or ())
    assert "0301" not in values


def test_small_numbers_hidden_in_kommune_series_for_crisis_team(app) -> None:
    client = login(app.server.test_client(), "krise-bergen")
    _status, body, _ = call_kommune(client, "4601", "2022-01-15")
    STATS["requests"] += 1
    bars = values(body["response"]["kommune-daily"]["figure"]["data"][0]["y"])
    small = [
        v
        for v in bars
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and 1 <= v <= 4
    ]
    STATS["leaks"] += len(small)
    assert not small


@pytest.mark.parametrize("user_id", ROLE_USERS)
def test_tracing_store_only_with_tracing_permission(settings, app, user_id) -> None:
    scope = scope_for(DEMO_USERS[user_id])
    with db.engine().connect() as conn:
        clusters = conn.execute(select(Cluster.id, Cluster.kommunenummer)).all()
    own = [c for c in clusters if scope.kommuner is None or c.kommunenummer in scope.kommuner]
    target = own[0].id if own else clusters[0].id
    before_reads = _audit_count("tracing_read")
    before_refused = _audit_count()
    STATS["requests"] += 1
    if scope.tracing and own:
        members = tracing.cluster_members(scope=scope, cluster_id=target)
        assert len(members) > 0
        assert set(members.columns) == {
            "person_key",
            "kommunenummer",
            "age_band",
            "test_date",
            "role",
        }
        assert _audit_count("tracing_read") == before_reads + 1
    else:
        with pytest.raises(ScopeError):
            tracing.cluster_members(scope=scope, cluster_id=target)
        assert _audit_count() == before_refused + 1


def test_tracing_refuses_clusters_outside_own_kommuner(app) -> None:
    scope = scope_for(DEMO_USERS["sporer-bergen"])
    with db.engine().connect() as conn:
        foreign = conn.execute(
            select(Cluster.id).where(Cluster.kommuner_involved.not_like("%4601%")).limit(1)
        ).scalar_one()
    with pytest.raises(ScopeError):
        tracing.transmission_links(scope=scope, cluster_id=foreign)


def test_every_route_needs_a_session(anonymous_client) -> None:
    for path in ("/", "/kommune/0301", "/admin/revisjon", "/geo/kommuner-2020.geojson"):
        response = anonymous_client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert anonymous_client.get(path).status_code == 401, path
    status, body, _ = call_map(anonymous_client, "cases_7d")
    assert status == 401 and body == {}
    assert anonymous_client.get("/login").status_code == 200
    assert anonymous_client.get("/assets/app.css").status_code == 200


def test_demo_login_form_needs_csrf_token(anonymous_client) -> None:
    response = anonymous_client.post("/login/demo", data={"user_id": "admin"})
    assert response.status_code == 400
    assert anonymous_client.get("/").status_code == 302  # still not logged in


def test_open_redirect_is_refused(anonymous_client) -> None:
    response = anonymous_client.get("/login/demo/admin?next=https://evil.example/")
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_security_headers(client) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    cookie = login(client.application.test_client(), "admin")
    del cookie


def test_audit_page_admin_only(app) -> None:
    outputs = [("audit-table", "data"), ("audit-alert", "children")]
    inputs = [
        ("audit-action", "value", "refused"),
        ("audit-user", "value", None),
        ("audit-kommune", "value", None),
        ("audit-since", "date", None),
    ]
    admin = login(app.server.test_client(), "admin")
    status, body, _ = call(admin, outputs=outputs, inputs=inputs)
    assert status == 200
    rows = body["response"]["audit-table"]["data"]
    assert rows and all(r["action"] == "refused" for r in rows)
    ks = login(app.server.test_client(), "ks-analytiker")
    status, body, _ = call(ks, outputs=outputs, inputs=inputs)
    STATS["requests"] += 1
    assert "audit-table" not in body.get("response", {})
    assert "revisjonsloggen" in json.dumps(body)


def test_roles_match_the_access_matrix() -> None:
    oslo = scope_for(DEMO_USERS["lege-oslo"])
    # own kommune at kommune level; the neighbours only as the aggregated comparison
    assert oslo.kommuner == frozenset({"0301"})
    assert oslo.comparison_kommuner is not None and "3201" in oslo.comparison_kommuner
    assert oslo.comparison_for("0301").allows("3201") and not oslo.allows("3201")
    assert oslo.small_number_kommuner == frozenset({"0301"}) and not oslo.tracing
    assert not oslo.tracing_kommuner
    krise = scope_for(DEMO_USERS["krise-bergen"])
    assert krise.kommuner == frozenset({"4601"}) and not krise.small_numbers
    sporer = scope_for(DEMO_USERS["sporer-bergen"])
    assert sporer.tracing and sporer.small_number_kommuner == frozenset({"4601"})
    fylke = scope_for(DEMO_USERS["fylkeslege-vestland"])
    assert fylke.kommuner and all(k.startswith("46") for k in fylke.kommuner)
    ks = scope_for(DEMO_USERS["ks-analytiker"])
    assert ks.kommuner is None and not ks.small_numbers and not ks.tracing
    admin = scope_for(DEMO_USERS["admin"])
    assert admin.audit and not admin.small_numbers
    combined = scope_for(DEMO_USERS["lege-tromso"])  # roles combine
    assert combined.tracing and "5501" in combined.small_number_kommuner
    # each permission keeps its own area: tracing covers the own kommune only
    assert combined.tracing_kommuner == frozenset({"5501"})
    assert combined.comparison_kommuner and len(combined.comparison_kommuner) > 1
    assert set(ROLES) >= {
        "kommuneoverlege",
        "kriseledelse",
        "smittesporer",
        "fylkeslege",
        "ks_analytiker",
        "admin",
    }


def test_oidc_claims_mapping() -> None:
    mapping = json.dumps(
        {
            "role_claim": "helseid://claims/roles",
            "kommune_claim": "kommune",
            "roles": {"kommunelege": "kommuneoverlege", "sporing": "smittesporer"},
        }
    )
    user = map_claims(
        {
            "sub": "abc",
            "name": "X",
            "helseid://claims/roles": ["kommunelege", "sporing", "x"],
            "kommune": "301",
            "pid": "01010112345",
        },
        mapping_json=mapping,
    )
    assert user.roles == ("kommuneoverlege", "smittesporer")
    assert user.kommunenummer == "0301" and user.id == "oidc:abc"
    assert "01010112345" not in json.dumps(user.claims) + user.id  # no national ID kept
    with pytest.raises(PermissionError):
        map_claims({"sub": "abc", "helseid://claims/roles": ["x"]}, mapping_json=mapping)


def test_scope_restrict_refuses_instead_of_narrowing() -> None:
    scope = Scope(user_id="u", role="r", kommuner=frozenset({"0301"}))
    with pytest.raises(ScopeError):
        scope.restrict(["0301", "4601"])
    assert scope.restrict(None) == ["0301"]


@pytest.mark.parametrize("user_id", ROLE_USERS)
def test_every_kommune_page_refuses_other_kommuner(app, user_id) -> None:
    user = DEMO_USERS[user_id]
    scope = scope_for(user)
    client = login(app.server.test_client(), user_id)
    deps = [d for d in kommune_page_callbacks(client) if d.get("clientside_function") is None]
    assert deps, "no kommune page callbacks found"
    own = user.kommunenummer or "0301"
    other = "0301" if own != "0301" else "4601"
    for dep in deps:
        for code in (own, other):
            if not scope.allows(code) and code == own:
                continue
            before = _audit_count()
            status, body = call_dependency(client, dep, kommune=code, date="2022-01-15")
            STATS["requests"] += 1
            assert status == 200, (dep["output"], status)
            if scope.allows(code):
                assert body.get("response"), (dep["output"], code)
            else:
                leaked = bool(body.get("response"))
                STATS["leaks"] += int(leaked)
                assert not leaked, f"{user_id} got {dep['output']} for {code}"
                assert "Ingen tilgang" in json.dumps(body)
                assert _audit_count() >= before + 1


def _cluster_with_members_in(kommune: str) -> str:
    with db.engine("tracing").connect() as conn:
        from sqlalchemy import text

        return conn.execute(
            text(
                "select cluster_id from cluster_membership where kommunenummer = :k "
                "group by cluster_id order by count(*) desc limit 1"
            ),
            {"k": kommune},
        ).scalar_one()


@pytest.mark.parametrize("user_id", ROLE_USERS)
@pytest.mark.parametrize("kommune", ["4601", "5501", "0301"])
def test_chain_callback_only_with_tracing_permission_and_audited(app, user_id, kommune) -> None:
    """The transmission-chain callback, posted directly: refused (and audited) for every role
    without tracing permission or outside its kommuner; two audited reads otherwise."""
    scope = scope_for(DEMO_USERS[user_id])
    cluster_id = _cluster_with_members_in(kommune)
    client = login(app.server.test_client(), user_id)
    refused, reads = _audit_count(), _audit_count("tracing_read")
    status, body, _ = call(
        client, outputs=CHAIN_OUTPUTS, inputs=[("klynger-chain-cluster", "value", cluster_id)]
    )
    STATS["requests"] += 1
    assert status == 200
    if scope.tracing and scope.allows(kommune):
        figure = body["response"]["klynger-chain"]["figure"]
        assert figure["data"]
        assert _audit_count("tracing_read") == reads + 2  # members and links
    else:
        leaked = bool(body.get("response"))
        STATS["leaks"] += int(leaked)
        assert not leaked, f"{user_id} got the chains of {cluster_id}"
        assert _audit_count() == refused + 1
        assert _audit_count("tracing_read") == reads


# ---------------------------------------------------------------------------------------------
# Tracing per permission, for every role alone and every pair of roles (issue 19): the tracing
# area is the own kommune of the smittesporer role, whatever dashboard area another role adds.
# ---------------------------------------------------------------------------------------------

REAL_ROLES = [r for r in ROLES if r != "test_full"]
COMBINED_ROLES = [(r,) for r in REAL_ROLES] + [
    (a, b) for i, a in enumerate(REAL_ROLES) for b in REAL_ROLES[i + 1 :]
]


def _tracing_targets() -> dict[str, str]:
    """A cluster with members in Oslo, one only in Oslo's neighbours, one far away."""
    from sqlalchemy import text

    neighbours = set(reference.neighbours(2024).query("kommunenummer == '0301'")["neighbour"])
    with db.engine().connect() as conn:
        rows = conn.execute(
            text("select id, kommuner_involved from cluster where disease = 'covid19'")
        ).all()
    involved = {r.id: set(str(r.kommuner_involved).split()) for r in rows}
    near = [c for c, ks in involved.items() if "0301" not in ks and ks & neighbours]
    far = [c for c, ks in involved.items() if not ks & (neighbours | {"0301"})]
    assert near and far, "the tiny demo has clusters next to Oslo and far from it"
    return {"own": _cluster_with_members_in("0301"), "neighbour": near[0], "far": far[0]}


@pytest.mark.parametrize("roles", COMBINED_ROLES, ids="+".join)
def test_tracing_per_permission_for_every_combined_role(app, roles) -> None:
    from dashboard import auth

    user = auth.User(
        f"test-combined-{'-'.join(roles)}",
        "Test: kombinert rolle",
        roles,
        kommunenummer="0301",
        fylkesnummer="03",
        demo=True,
    )
    scope = scope_for(user)
    tracer = "smittesporer" in roles
    assert scope.tracing == tracer
    assert scope.tracing_kommuner == (frozenset({"0301"}) if tracer else frozenset())
    users = directory(app).demo_users
    users[user.id] = user
    try:
        client = login(app.server.test_client(), user.id)
        for where, cluster_id in _tracing_targets().items():
            allowed = tracer and where == "own"
            refused, reads = _audit_count(), _audit_count("tracing_read")
            status, body, _ = call(
                client,
                outputs=CHAIN_OUTPUTS,
                inputs=[("klynger-chain-cluster", "value", cluster_id)],
            )
            STATS["requests"] += 1
            assert status == 200, (roles, where, status)
            if allowed:
                figure = body["response"]["klynger-chain"]["figure"]
                assert figure["data"], (roles, where)
                assert _audit_count("tracing_read") == reads + 2
                members = tracing.cluster_members(scope=scope, cluster_id=cluster_id)
                assert set(members["kommunenummer"]) == {"0301"}  # no member outside
            else:
                leaked = bool(body.get("response"))
                STATS["leaks"] += int(leaked)
                assert not leaked, f"{roles} read the chains of the {where} cluster {cluster_id}"
                assert _audit_count() == refused + 1  # one refusal, one row
                assert _audit_count("tracing_read") == reads
    finally:
        del users[user.id]
