"""Redocly's CLI (`@redocly/cli` 1.x from npm) as the renderer, and the page it makes offline.

Why 1.x: its `build-docs` draws Redoc 2, which puts the whole reference on one page (every
operation, schema and section in one scroll, as a static reference should be). Redocly CLI
2.x draws Redoc 3, one page per tag behind client-side routing, with an attribution logo
always fetched from Redocly's CDN.

Offline: 1.x's page loads Redoc's script from Redocly's CDN when it is viewed. The same
script ships inside the npm install (`redoc/bundles/redoc.standalone.js`, the version the CLI
pins), so it is put into the page instead, after checking that the versions agree. Our
template (`template.hbs`, the CLI's own with two changes) leaves out Google's fonts and adds
a Content-Security-Policy that lets the page fetch nothing at all, which also stops Redoc's
sidebar logo (an image from its CDN, hidden when it cannot load).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen

PACKAGE = "@redocly/cli"
MAJOR = 1
"""The CLI major version the template and the offline step are written for."""
BINARY_ENV = "SPIKE_REDOCLY"
"""The `redocly` executable (tox sets it to the shared npm install, see tox.ini)."""
TEMPLATE = Path(__file__).with_name("template.hbs")
QUIET_ENV = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
"""No usage data sent to Redocly, no update check: the build works on a closed network."""
TIMEOUT_SECONDS = 120.0
_CDN_SCRIPT = re.compile(
    r'<script src="https://cdn\.redoc(?:ly\.com|\.ly)/redoc/v(?P<version>[^/"]+)/bundles/'
    r'redoc\.standalone\.js"></script>'
)
_REMOTE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
)


class RendererError(Exception):
    """The renderer is missing or is not the one the kit can use (a sentence says which)."""


class RenderError(Exception):
    """The renderer ran but the page could not be made (its output says why)."""


@frozen
class Redocly:
    """One install of Redocly's CLI: the executable, its version, and the Redoc script it
    ships."""

    binary: Path
    version: str
    redoc_script: Path
    redoc_version: str


def _read_version(package_json: Path) -> str | None:
    try:
        version = json.loads(package_json.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


def _package_dir(start: Path, name: str) -> Path | None:
    """`node_modules/<name>` as Node would find it from `start` (upward)."""
    for folder in start.parents:
        candidate = folder / "node_modules" / name
        if (candidate / "package.json").is_file():
            return candidate
    return None


def find_redocly(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Redocly:
    """The renderer: `explicit`, else `$SPIKE_REDOCLY`, else `redocly` on PATH."""
    env = os.environ if environ is None else environ
    named = explicit or env.get(BINARY_ENV) or shutil.which("redocly")
    install = f"install {PACKAGE}@{MAJOR}.x (`python3 scripts/tox -e docs` does, from npm)"
    if not named:
        raise RendererError(f"Redocly's CLI was not found: {install}, or set {BINARY_ENV}")
    binary = Path(named)
    if not binary.is_file():
        raise RendererError(f"{binary} does not exist: {install}")
    real = binary.resolve()
    cli = _package_dir(real, PACKAGE)
    version = _read_version(cli / "package.json") if cli else None
    if version is None or cli is None:
        raise RendererError(f"{binary} is not part of an npm install of {PACKAGE}: {install}")
    if version.split(".")[0] != str(MAJOR):
        raise RendererError(
            f"{binary} is {PACKAGE} {version}; the kit's page is built with {MAJOR}.x "
            f"(2.x draws one page per tag and fetches from Redocly's CDN): {install}"
        )
    redoc = _package_dir(cli / "package.json", "redoc")
    redoc_version = _read_version(redoc / "package.json") if redoc else None
    script = redoc / "bundles" / "redoc.standalone.js" if redoc else None
    if redoc_version is None or script is None or not script.is_file():
        raise RendererError(f"{PACKAGE} {version} at {binary} has no Redoc bundle: {install}")
    return Redocly(binary, version, script, redoc_version)


def build_page(redocly: Redocly, spec: Path, out: Path, title: str) -> None:
    """Run `redocly build-docs` on `spec` (a prepared copy) into `out`, then make it offline."""
    spec, out = spec.resolve(), out.resolve()  # the renderer runs in the spec's folder
    command = [
        str(redocly.binary),
        "build-docs",
        str(spec),
        "--output",
        str(out),
        "--template",
        str(TEMPLATE),
        "--title",
        title,
        "--theme.openapi.hideDownloadButton",
    ]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, **QUIET_ENV},
            cwd=spec.parent,  # no redocly.yaml of the caller's folder changes the page
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"redocly build-docs took over {TIMEOUT_SECONDS:.0f} s") from None
    if result.returncode != 0 or not out.is_file():
        said = (result.stderr or result.stdout).strip()
        raise RenderError(f"redocly build-docs exited {result.returncode}: {said[-2000:]}")
    page = out.read_text(encoding="utf-8")
    out.write_text(offline(page, redocly), encoding="utf-8")


def offline(page: str, redocly: Redocly) -> str:
    """The page with Redoc's script from the npm install in place of the CDN's, checked to
    load nothing from elsewhere."""
    tags = list(_CDN_SCRIPT.finditer(page))
    if len(tags) != 1:
        raise RenderError(
            f"expected one Redoc script tag from the CDN in {PACKAGE} {redocly.version}'s "
            f"page, found {len(tags)}: the renderer changed, so the page cannot be made offline"
        )
    (tag,) = tags
    if tag["version"] != redocly.redoc_version:
        raise RenderError(
            f"the page asks for Redoc {tag['version']} but the install has "
            f"{redocly.redoc_version}: reinstall {PACKAGE}"
        )
    script = redocly.redoc_script.read_text(encoding="utf-8").replace("</script", "<\\/script")
    inlined = f"{page[: tag.start()]}<script>{script}</script>{page[tag.end() :]}"
    remote = sorted({found.group(0) for found in _REMOTE.finditer(inlined)})
    if remote:
        raise RenderError(f"the page would still fetch from elsewhere: {', '.join(remote)}")
    return inlined
