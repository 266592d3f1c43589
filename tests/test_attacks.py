"""Issue 19: the attacks that got through, replayed over HTTP against the app with its real
database (the Flask test client drives the whole WSGI stack: security hooks, Dash dispatch,
data layer). Each test is one numbered attack of the issue; every one was answered wrongly by
the app before the fix (a leak, a live link in a PDF, an open redirect, a live session after
logout, a neighbour's full page, a 500).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import delete, func, insert, select
from werkzeug.serving import make_server

from dashboard.auth import DEMO_USERS, scope_for
from data import db, queries, rules
from data.load import bump_data_version
from data.schema import AuditLog, Cluster, RuleVersion
from data.scope import Scope
from data.tracing_schema import ClusterMembership, TransmissionLink
from tests.browser_helpers import free_port
from tests.conftest import login
from tests.dash_http import CHAIN_OUTPUTS, KLYNGER_OUTPUTS, call, call_audit, call_kommune
from tests.test_access import _cluster_with_members_in

NEIGHBOUR_CLUSTER = "K-ATTACK-5536"  # a cluster in Tromsø's neighbour Malangen-area kommune
COOKIE = "situasjonsbilde_session"


def _audit_rows(after_id: int, action: str | None = None) -> list[Any]:
    q = select(AuditLog).where(AuditLog.id > after_id).order_by(AuditLog.id)
    if action:
        q = q.where(AuditLog.action == action)
    with db.engine().connect() as conn:
        return list(conn.execute(q).all())


def _last_audit_id() -> int:
    with db.engine().connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(AuditLog.id), 0))).scalar_one())


def _data_date() -> dt.date:
    return queries.dataset_info(scope=Scope.full())["data_date"]


@pytest.fixture(scope="module")
def neighbour_cluster(app) -> Iterator[str]:
    """A cluster entirely in one of Tromsø's neighbours (5536), with members and links in the
    tracing store: the kind of cluster `lege-tromso` read in attack 1."""
    day = _data_date()
    with db.engine().begin() as conn:
        conn.execute(
            insert(Cluster).values(
                id=NEIGHBOUR_CLUSTER,
                disease="covid19",
                structure=2024,
                kommunenummer="5536",
                setting="household",
                first_case_date=day - dt.timedelta(days=5),
                last_case_date=day,
                size=3,
                status="active",
                kommuner_involved="5536",
            )
        )
    with db.engine("tracing").begin() as conn:
        for key in (990001, 990002, 990003):
            conn.execute(
                insert(ClusterMembership).values(
                    cluster_id=NEIGHBOUR_CLUSTER,
                    person_key=key,
                    disease="covid19",
                    kommunenummer="5536",
                    age_band="20-29",
                    test_date=day,
                    role="member",
                )
            )
        conn.execute(
            insert(TransmissionLink).values(
                cluster_id=NEIGHBOUR_CLUSTER,
                source_person_key=990001,
                target_person_key=990002,
                link_date=day,
                setting="household",
                confidence="confirmed",
            )
        )
    yield NEIGHBOUR_CLUSTER
    with db.engine("tracing").begin() as conn:
        conn.execute(
            delete(TransmissionLink).where(TransmissionLink.cluster_id == NEIGHBOUR_CLUSTER)
        )
        conn.execute(
            delete(ClusterMembership).where(ClusterMembership.cluster_id == NEIGHBOUR_CLUSTER)
        )
    with db.engine().begin() as conn:
        conn.execute(delete(Cluster).where(Cluster.id == NEIGHBOUR_CLUSTER))


# ---------------------------------------------------------------------------------------------
# 1. Tracing data of neighbour kommuner
# ---------------------------------------------------------------------------------------------


def test_1_tracing_covers_the_own_kommune_only(app, neighbour_cluster) -> None:
    client = login(app.server.test_client(), "lege-tromso")
    start = _last_audit_id()
    status, body, _ = call(
        client,
        outputs=CHAIN_OUTPUTS,
        inputs=[("klynger-chain-cluster", "value", neighbour_cluster)],
    )
    assert status == 200
    assert not body.get("response"), "lege-tromso read the chains of a neighbour's cluster"
    assert not _audit_rows(start, "tracing_read")
    refused = _audit_rows(start, "refused")
    assert len(refused) == 1
    assert refused[0].kommunenummer == "5536"  # the data's kommune
    assert refused[0].reader_kommunenummer == "5501"  # the reader's kommune


def test_1_own_tracing_read_is_audited_with_both_kommuner(app) -> None:
    own = _cluster_with_members_in("5501")
    client = login(app.server.test_client(), "lege-tromso")
    start = _last_audit_id()
    status, body, _ = call(
        client, outputs=CHAIN_OUTPUTS, inputs=[("klynger-chain-cluster", "value", own)]
    )
    assert status == 200 and body["response"]["klynger-chain"]["figure"]["data"]
    reads = _audit_rows(start, "tracing_read")
    assert len(reads) == 2
    assert {r.reader_kommunenummer for r in reads} == {"5501"}
    assert all(r.kommunenummer for r in reads)


# ---------------------------------------------------------------------------------------------
# 2. Markup injection into the PDF (and formula injection into CSV/Excel)
# ---------------------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    '<a href="https://evil.example/phish">klikk her</a><font size="20" color="red">STOR</font>',
    "<script>alert(1)</script> og <font size=",
    '=HYPERLINK("https://evil.example","klikk") & <b>uavsluttet',
]


@pytest.fixture()
def hostile_rules(app) -> Iterator[dt.date]:
    """Local rules for Oslo with hostile texts, recorded by Oslo's kommuneoverlege (as the
    attacker did), in force from the data date: the Morgenbrief of that day lists them."""
    day = _data_date()
    oslo = scope_for(DEMO_USERS["lege-oslo"])
    ids = []
    for n, text in enumerate(HOSTILE_TEXTS):
        recorded = rules.record_rule_version(
            scope=oslo,
            rule_key=f"angrep-{n}",
            category="other",
            scope_level="kommune",
            scope_code="0301",
            parameters={},
            text_nb=text,
            authority="Oslo kommune",
            source_url=None,
            valid_from=day,
        )
        ids.append(recorded.id)
    yield day
    with db.engine().begin() as conn:
        conn.execute(delete(RuleVersion).where(RuleVersion.id.in_(ids)))
        bump_data_version(conn)


def test_2_rule_text_reaches_the_pdf_as_text(app, hostile_rules) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    response = client.get(f"/morgenbrief/0301/pdf?dato={hostile_rules.isoformat()}")
    assert response.status_code == 200, response.status_code
    assert (
        b"/URI" not in response.data
        and b"evil.example/phish" not in response.data.split(b"stream")[0]
    )
    reader = PdfReader(io.BytesIO(response.data))
    for page in reader.pages:
        assert "/Annots" not in page, "a live link in the Morgenbrief"
    text = " ".join(reader.pages[0].extract_text().split())
    assert "klikk her" in text  # shown as the text it is


def test_2_only_para_builds_pdf_paragraphs() -> None:
    """ReportLab's Paragraph reads markup: it is reached through dashboard.pdf.para only,
    which escapes every plain string (and survives markup it cannot read)."""
    from pathlib import Path

    from markupsafe import Markup
    from reportlab.lib.styles import getSampleStyleSheet

    from dashboard.pdf import para

    root = Path(__file__).resolve().parent.parent
    for package in ("dashboard", "callbacks", "layouts", "data"):
        for path in (root / package).rglob("*.py"):
            if path.name == "pdf.py" and package == "dashboard":
                continue
            assert "Paragraph(" not in path.read_text(encoding="utf-8"), path
    style = getSampleStyleSheet()["Normal"]
    assert "&lt;a href" in para('<a href="https://evil.example">x</a>', style).text
    assert para(Markup("<b>ok</b> <font"), style).getPlainText().strip().startswith("ok")


def test_2_formula_injection_is_neutralised() -> None:
    from dashboard.formatting import spreadsheet_safe

    for text in ("=1+1", "+1+cmd", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "-2-2"):
        assert spreadsheet_safe(text).startswith("'"), text
    assert spreadsheet_safe("Oslo") == "Oslo"
    assert spreadsheet_safe("-12.5") == "-12.5"  # a number stays a number
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


# ---------------------------------------------------------------------------------------------
# 3. Open redirect
# ---------------------------------------------------------------------------------------------

REDIRECT_ATTACKS = [
    "/%09/evil.example",
    "/%0d/evil.example",
    "/%0a/evil.example",
    "/\\evil.example",
    "/%5cevil.example",
    "//evil.example",
    "https://evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "%2f%2fevil.example",
    "/ /evil.example",
]


@pytest.mark.parametrize("target", REDIRECT_ATTACKS)
@pytest.mark.parametrize(
    "route", ["/sprak/nb?neste=", "/login/demo/admin?next=", "/login?next=", "/sprak/en?neste="]
)
def test_3_redirect_targets_stay_on_this_site(anonymous_client, route, target) -> None:
    response = anonymous_client.get(route + target)
    assert response.status_code in (200, 302), response.status_code
    location = response.headers.get("Location", "")
    # what a browser does with the header: drops tabs and newlines, reads \ as /
    browser = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    assert not browser.startswith("//") and "://" not in browser, location
    assert "evil" not in location.lower() or location.startswith("/login"), location
    if response.status_code == 200:
        assert b"evil.example" not in response.data.replace(b"evil.example/phish", b"")


# ---------------------------------------------------------------------------------------------
# 4. Logout ends the session
# ---------------------------------------------------------------------------------------------


def test_4_a_copied_cookie_dies_with_logout(app) -> None:
    client = login(app.server.test_client(), "admin")
    assert client.get("/admin/revisjon").status_code == 200
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    client.get("/logout")
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    response = thief.get("/admin/revisjon")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    status, _body, _ = call_audit(thief, None)
    assert status == 401


def test_4_the_cookie_holds_only_an_id(app) -> None:
    client = login(app.server.test_client(), "admin")
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    value = cookie.value
    assert "." not in value and len(value) <= 64  # no signed payload, an opaque id
    assert "admin" not in value


def test_4_admin_can_end_another_session(app) -> None:
    victim = login(app.server.test_client(), "lege-oslo")
    assert victim.get("/kommune/0301").status_code == 200
    end = {
        "outputs": [("audit-end-result", "children")],
        "inputs": [("audit-end-sessions", "n_clicks", 1)],
        "state": [("audit-user", "value", "lege-oslo")],
    }
    # only an administrator may end another user's sessions
    other = login(app.server.test_client(), "ks-analytiker")
    status, body, _ = call(other, **end)  # type: ignore[arg-type]
    assert status == 200 and "audit-end-result" not in body.get("response", {})
    assert victim.get("/kommune/0301").status_code == 200
    admin = login(app.server.test_client(), "admin")
    status, body, _ = call(admin, **end)  # type: ignore[arg-type]
    assert status == 200 and "lege-oslo" in json.dumps(body["response"])
    response = victim.get("/kommune/0301")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert admin.get("/admin/revisjon").status_code == 200  # the admin's own session lives


def test_4_role_change_at_the_provider_ends_older_sessions(app) -> None:
    from data import sessions

    client = login(app.server.test_client(), "lege-oslo")
    with client.session_transaction() as session:
        session["oidc_user"] = {"id": "lege-oslo", "roles": ["kommuneoverlege"]}
    ended = sessions.end_stale_sessions(
        "lege-oslo", key="oidc_user", current={"id": "lege-oslo", "roles": ["kriseledelse"]}
    )
    assert ended >= 1
    assert client.get("/kommune/0301").status_code == 302


# ---------------------------------------------------------------------------------------------
# 5. Neighbours only as the aggregated comparison
# ---------------------------------------------------------------------------------------------


def test_5_no_full_neighbour_pages_exports_reports_or_pdfs(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    for path in (
        "/rapport/3201/2022-W02.csv",
        "/rapport/3201/2022-W02.pdf",
        "/morgenbrief/3201/pdf",
    ):
        assert client.get(path).status_code == 403, path
    status, body, _ = call_kommune(client, "3201")
    assert status == 200 and not body.get("response"), "Bærum's Kommune page for lege-oslo"
    status, options, _ = call(
        client, outputs=[("kommune-select", "options")], inputs=[("kommune-select", "id", "x")]
    )
    assert [o["value"] for o in options["response"]["kommune-select"]["options"]] == ["0301"]


def test_5_neighbours_stay_on_the_own_page_as_comparison(app) -> None:
    from dashboard.briefing import neighbour_table

    table = neighbour_table(
        scope=scope_for(DEMO_USERS["lege-oslo"]), kommunenummer="0301", date=_data_date()
    )
    assert "3201" in set(table["kommunenummer"])  # Bærum beside Oslo, protected


def test_5_cross_border_clusters_name_no_kommune_outside_the_scope(app) -> None:
    with db.engine().connect() as conn:
        day = conn.execute(
            select(Cluster.last_case_date).where(
                Cluster.kommuner_involved.like("%0301 %"), Cluster.id != NEIGHBOUR_CLUSTER
            )
        ).first()
    assert day is not None, "the tiny demo has clusters crossing Oslo's border"
    client = login(app.server.test_client(), "lege-oslo")
    status, body, _ = call(
        client,
        outputs=KLYNGER_OUTPUTS,
        inputs=[
            ("klynger-select", "value", "0301"),
            ("klynger-date", "date", day[0].isoformat()),
            ("klynger-view", "value", "kommune"),
        ],
    )
    assert status == 200
    rows = body["response"]["klynger-table"]["data"]
    crossing = [r for r in rows if "," in r["kommuner"] or "annen kommune" in r["kommuner"]]
    assert crossing, rows[:5]
    for row in crossing:
        assert "annen kommune" in row["kommuner"], row
        for code in ("3201", "3205", "3305", "3203", "3207", "3222"):
            assert code not in row["kommuner"], row


# ---------------------------------------------------------------------------------------------
# 6. HTTP 500s
# ---------------------------------------------------------------------------------------------


def _body(output: str, inputs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")
    ]
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [],
        "state": [],
        **extra,
    }


def test_6_wrong_typed_kommune_values_are_handled(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    deps = client.get("/_dash-dependencies").get_json()
    pages = [
        d
        for d in deps
        if not d.get("clientside_function")
        and any(i["property"] == "value" and i["id"].endswith("-select") for i in d["inputs"])
        and any(i["property"] == "date" for i in d["inputs"])
    ]
    assert len(pages) >= 10
    failures = []
    for dep in pages:
        for bad in (["0301"], {"a": 1}, 301, 3.5, True, "x" * 100_000):
            inputs = [
                {
                    "id": i["id"],
                    "property": i["property"],
                    "value": bad if i["id"].endswith("-select") else None,
                }
                for i in dep["inputs"]
            ]
            body = _body(dep["output"], inputs)
            body["state"] = [{**s, "value": None} for s in dep["state"]]
            status = client.post("/_dash-update-component", json=body).status_code
            if status >= 500:
                failures.append((dep["output"], repr(bad)[:20], status))
    assert not failures, failures


MALFORMED_BODIES: list[bytes] = [
    b"null",
    b"[]",
    b"[1,2,3]",
    b'"text"',
    b"{}",
    b'{"output": "map.figure"}',
    b'{"output": "map.figure", "inputs": {}}',
    b'{"output": 5, "outputs": [], "inputs": []}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    json.dumps(
        {
            "output": "map.figure",
            "outputs": {"id": "map", "property": "figure"},
            "inputs": [],
            "state": [{"id": "x", "property": "y", "value": i} for i in range(60_000)],
        }
    ).encode(),
    b"{not json",
]


@pytest.mark.parametrize("n", range(len(MALFORMED_BODIES)))
def test_6_malformed_callback_bodies_get_400(app, n) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    response = client.post(
        "/_dash-update-component",
        data=MALFORMED_BODIES[n],
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize(
    "path",
    [
        "/geo/kommuner-99999999999999999999999.geojson",
        "/geo/kommuner--1.geojson",
        "/_dash-component-suites/dash/..%2f..%2fsettings.py",
        "/_dash-component-suites/nonexistent/x.js",
        "/_dash-component-suites/dash/dcc/nonexistent.v1_2_3m1.js",
        "/_dash-component-suites/dash/dcc/async-graph.js",
        "/_dash-component-suites/dash/%00.js",
        "/_dash-component-suites/plotly/package_data/plotly.min.js",
        "/_dash-component-suites/dash_bootstrap_components/_components/nope.js",
        "/_dash-component-suites/dash/deps/polyfill@7.v4_0_0m1.js",
        "/kommune/%00",
        "/kommune/" + "9" * 5000,
        "/?kommune=%ff%fe&dato=9999-99-99",
        "/admin/revisjon?%0d%0a=1",
    ],
)
def test_6_odd_urls_are_not_500(app, path) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    assert client.get(path).status_code < 500, path


def test_6_unknown_cluster_for_a_tracer_is_handled(app) -> None:
    client = login(app.server.test_client(), "lege-tromso")
    for value in ("K9999-99999", ["K2021-00001"], {"id": 1}, 7):
        status, _body, _ = call(
            client, outputs=CHAIN_OUTPUTS, inputs=[("klynger-chain-cluster", "value", value)]
        )
        assert status in (200, 204, 400), (value, status)


@pytest.fixture(scope="module")
def oidc_down_app(settings):
    from dashboard.app_factory import create_app

    port = free_port()  # nobody listens there: the provider is down
    down = settings.model_copy(
        update={
            "auth_mode": "oidc",
            "oidc_server_metadata_url": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
            "oidc_client_id": "situasjonsbilde-test",
            "oidc_role_mapping": json.dumps({"roles": {}}),
            "session_cookie_secure": False,
        }
    )
    return create_app(down)


def test_6_oidc_provider_down_and_bad_state(oidc_down_app) -> None:
    client = oidc_down_app.server.test_client()
    response = client.get("/login/oidc")
    assert response.status_code < 500, response.status_code
    response = client.get("/auth/callback?code=x&state=not-ours")
    assert response.status_code < 500, response.status_code
    response = client.get("/auth/callback?error=access_denied")
    assert response.status_code < 500, response.status_code


# ---------------------------------------------------------------------------------------------
# 7. Smaller items
# ---------------------------------------------------------------------------------------------


def test_7_audit_rows_are_bounded_and_one_refusal_is_one_row(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    start = _last_audit_id()
    huge = "4601" + "x" * 1_000_000
    call_kommune(client, huge)
    sporer = login(app.server.test_client(), "sporer-bergen")  # no export right: refused
    assert sporer.get(f"/rapport/{huge[:100_000]}/2022-W02.csv").status_code in (403, 404)
    assert sporer.get(f"/morgenbrief/{huge[:100_000]}/pdf").status_code in (403, 404)
    rows = _audit_rows(start)
    assert rows
    for row in rows:
        assert len(json.dumps(row.detail)) < 4000
        assert row.kommunenummer is None or len(row.kommunenummer) == 4
    start = _last_audit_id()
    status, body, _ = call_kommune(client, "4601")
    assert status == 200 and not body.get("response")
    assert len(_audit_rows(start, "refused")) == 1


def test_7_admin_sees_no_hidden_cluster_size_in_the_audit_log(app) -> None:
    own = _cluster_with_members_in("5501")
    tracer = login(app.server.test_client(), "lege-tromso")
    call(tracer, outputs=CHAIN_OUTPUTS, inputs=[("klynger-chain-cluster", "value", own)])
    admin = login(app.server.test_client(), "admin")
    status, body, _ = call_audit(admin, "tracing_read")
    assert status == 200
    rows = body["response"]["audit-table"]["data"]
    assert rows
    assert not any('"rows"' in json.dumps(r) or "rows:" in json.dumps(r) for r in rows)


def test_7_admin_cannot_download_a_morgenbrief_pdf(app) -> None:
    admin = login(app.server.test_client(), "admin")
    assert admin.get("/morgenbrief/0301/pdf").status_code == 403
    assert admin.get("/oversikt/eksport.csv").status_code == 403


def test_7_exports_are_not_stored_by_caches(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    for path in ("/oversikt/eksport.csv", "/rapport/0301/2022-W02.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_7_cross_origin_posts_are_refused(app) -> None:
    client = login(app.server.test_client(), "admin")
    body = _body(
        "..audit-table.data...audit-alert.children..",
        [
            {"id": "audit-action", "property": "value", "value": None},
            {"id": "audit-user", "property": "value", "value": None},
            {"id": "audit-kommune", "property": "value", "value": None},
            {"id": "audit-since", "property": "date", "value": None},
        ],
    )
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}):
        response = client.post("/_dash-update-component", json=body, headers=header)
        assert response.status_code == 403, header
    same = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert same.status_code == 200
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403


def test_7_no_server_version_header(app) -> None:
    from dashboard.security import QuietRequestHandler

    port = free_port()
    server = make_server("127.0.0.1", port, app.server, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert response.status_code == 200
        header = response.headers.get("Server", "")
        assert "Werkzeug" not in header and "Python" not in header, header
    finally:
        server.shutdown()


def test_7_login_page_shows_only_known_error_codes(anonymous_client) -> None:
    page = anonymous_client.get("/login?feil=Ring+support+p%C3%A5+99999999")
    assert page.status_code == 200 and b"99999999" not in page.data
    known = anonymous_client.get("/login?feil=ingen-rolle")
    assert b"alert-danger" in known.data
