"""OpenID Connect login end to end against a small local provider (HelseID and ID-porten speak
the same protocol): discovery, authorization code with PKCE, a signed ID token, claims → roles.
"""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from authlib.jose import JsonWebKey, jwt
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

from tests.browser_helpers import free_port

CLIENT_ID = "situasjonsbilde-test"
CLIENT_SECRET = "test-secret"  # a test value for a provider that lives only in this test


class FakeProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.codes: dict[str, dict] = {}
        self.claims = {
            "sub": "pseudonym-123",
            "name": "Test Testesen",
            "pid": "01010112345",  # ID-porten sends a national ID: it must never be kept
            "roles": ["helseid:kommunelege"],
            "kommunenummer": "301",
        }
        app = Flask("fake-oidc")

        @app.get("/.well-known/openid-configuration")
        def discovery():  # type: ignore[no-untyped-def]
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                response_types_supported=["code"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
            )

        @app.get("/jwks")
        def jwks():  # type: ignore[no-untyped-def]
            return jsonify(keys=[self.key.as_dict(is_private=False)])

        @app.get("/authorize")
        def authorize():  # type: ignore[no-untyped-def]
            args = request.args
            assert args["client_id"] == CLIENT_ID and args["code_challenge_method"] == "S256"
            code = f"code-{len(self.codes)}"
            self.codes[code] = {"nonce": args.get("nonce")}
            query = urlencode({"code": code, "state": args["state"]})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():  # type: ignore[no-untyped-def]
            code = request.form["code"]
            assert request.form.get("code_verifier"), "PKCE verifier missing"
            now = int(time.time())
            claims = {
                **self.claims,
                "iss": self.issuer,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": self.codes[code]["nonce"],
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key).decode()
            return jsonify(
                access_token="at", token_type="Bearer", expires_in=300, id_token=id_token
            )

        self.server = make_server("127.0.0.1", self.port, app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def provider():
    with FakeProvider() as p:
        yield p


@pytest.fixture(scope="module")
def oidc_app(settings, provider):
    from dashboard.app_factory import create_app

    oidc_settings = settings.model_copy(
        update={
            "auth_mode": "oidc",
            "oidc_server_metadata_url": f"{provider.issuer}/.well-known/openid-configuration",
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": __import__("pydantic").SecretStr(CLIENT_SECRET),
            "oidc_role_mapping": json.dumps(
                {
                    "role_claim": "roles",
                    "kommune_claim": "kommunenummer",
                    "roles": {"helseid:kommunelege": "kommuneoverlege"},
                }
            ),
            "session_cookie_secure": False,  # the test client speaks plain HTTP
        }
    )
    return create_app(oidc_settings)


def test_oidc_login_maps_claims_to_role_and_scope(oidc_app, provider) -> None:
    client = oidc_app.server.test_client()
    assert client.get("/_dash-layout").status_code == 401
    start = client.get("/login/oidc?next=/kommune/0301")
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    assert authorize_url.startswith(f"{provider.issuer}/authorize")
    # the browser follows the redirect to the provider, which sends it back with a code
    back = requests.get(authorize_url, allow_redirects=False, timeout=10)
    callback = urlparse(back.headers["Location"])
    assert callback.path == "/auth/callback"
    done = client.get(f"/auth/callback?{callback.query}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/kommune/0301")

    assert client.get("/_dash-layout").status_code == 200
    with client.session_transaction() as session:
        stored = session["oidc_user"]
    assert stored["roles"] == ["kommuneoverlege"] and stored["kommunenummer"] == "0301"
    assert stored["id"] == "oidc:pseudonym-123"
    assert "01010112345" not in json.dumps(stored)  # no national identity number kept
    # the scope follows the mapped role: Oslo (its neighbours only as comparison), not Bergen
    options = client.post(
        "/_dash-update-component",
        json={
            "output": "kommune-select.options",
            "outputs": {"id": "kommune-select", "property": "options"},
            "inputs": [{"id": "kommune-select", "property": "id", "value": "x"}],
            "changedPropIds": [],
            "state": [],
        },
    ).get_json()
    codes = {o["value"] for o in options["response"]["kommune-select"]["options"]}
    assert "0301" in codes and "4601" not in codes


def test_unknown_role_is_refused(oidc_app, provider) -> None:
    provider.claims["roles"] = ["helseid:unknown"]
    try:
        client = oidc_app.server.test_client()
        start = client.get("/login/oidc")
        back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
        done = client.get(f"/auth/callback?{urlparse(back.headers['Location']).query}")
        assert "/login" in done.headers["Location"]
        assert "rolle" in parse_qs(urlparse(done.headers["Location"]).query)["feil"][0]
        assert client.get("/_dash-layout").status_code == 401
    finally:
        provider.claims["roles"] = ["helseid:kommunelege"]


def test_demo_login_does_not_exist_in_oidc_mode(oidc_app) -> None:
    client = oidc_app.server.test_client()
    client.get("/login/demo/admin")
    assert client.get("/_dash-layout").status_code == 401
    assert b"HelseID" in client.get("/login").data
