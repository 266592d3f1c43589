"""What is global by nature in the test process (the default data layer and Dash's page
registry) comes back at the end of every module, also after a module fixture that forgets to
give it back; what a session fixture installs stays for the later modules. Checked by running
a small test session of its own, with this project's conftest, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

CONFTEST = """
from tests.conftest import *  # noqa: F403
from tests.conftest import _global_by_nature, _global_by_nature_per_module  # noqa: F401
from tests.conftest import pytest_configure  # noqa: F401
"""

PRELUDE = """
import dash
import pytest

from data import db


def layer(name):
    return db.DataLayer(
        database_url=f"sqlite:///{name}-main.sqlite",
        tracing_database_url=f"sqlite:///{name}-tracing.sqlite",
    )
"""

MODULES = {
    # a session fixture first used in the second test of a module: its layer stays
    "test_a_session.py": """
@pytest.fixture(scope="session")
def session_layer():
    return db.install(layer("session"))


def test_before_the_session_fixture():
    assert db.default() is None


def test_with_the_session_fixture(session_layer):
    assert db.default() is session_layer
""",
    # a module fixture that installs a layer of its own and adds a page, and gives back neither
    "test_b_forgets.py": """
@pytest.fixture(scope="module")
def forgetful():
    dash.page_registry["forgotten.page"] = {"path": "/forgotten"}
    return db.install(layer("module"))


def test_reads_its_own_layer(forgetful):
    assert db.default() is forgetful
    assert "forgotten.page" in dash.page_registry
""",
    "test_c_later.py": """
def test_a_later_module_reads_the_session_default():
    assert db.default().url() == "sqlite:///session-main.sqlite"


def test_a_later_module_has_the_pages_registered_before():
    assert "forgotten.page" not in dash.page_registry
""",
}


def test_a_module_fixture_that_forgets_leaves_later_modules_the_session_default(
    tmp_path: Path,
) -> None:
    # laid out as this project is: the conftest in the tests' folder below the root, so that
    # the session's fixtures belong to a node above the conftest's folder
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "conftest.py").write_text(CONFTEST)
    for name, body in MODULES.items():
        (folder / name).write_text(PRELUDE + textwrap.dedent(body))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "suite"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout, result.stdout[-3000:]
