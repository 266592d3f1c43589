"""What a page's first load costs the browser (issue 22): Dash's renderer asks for
``@babel/polyfill`` (core-js for browsers of 2015) only for the global ``regeneratorRuntime``;
the page loads that runtime alone, before the scripts that use it."""

from __future__ import annotations

import re

import pytest

from dashboard import vendor
from dashboard.settings import load_settings


def test_the_page_loads_the_regenerator_runtime_instead_of_the_polyfill(client) -> None:  # type: ignore[no-untyped-def]
    if not (load_settings().assets_dir / "vendor" / vendor.REGENERATOR_FILE).exists():
        pytest.skip("set-up (situasjonsbilde geo) has not fetched regenerator-runtime")
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))
    assert not [s for s in scripts if "polyfill" in s], scripts
    runtime = [n for n, s in enumerate(scripts) if vendor.REGENERATOR_FILE in s]
    users = [n for n, s in enumerate(scripts) if "_dash-component-suites" in s]
    assert runtime and users and runtime[0] < min(users), scripts
    served = client.get(scripts[runtime[0]])
    assert served.status_code == 200
    assert b"regeneratorRuntime = runtime" in served.get_data()
