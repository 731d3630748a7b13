"""Programs from outside Python that some suites need (Chromium, Redocly's CLI, wrk): found, or
the test is skipped with the reason and what installs it. In CI (`CI` set) a missing program
fails the test instead, so a suite never passes there by skipping: tox installs them
(`scripts/npm_tools`, `scripts/system_packages`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM_ENV = "SPIKE_CHROMIUM"


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def chromium() -> str:
    """Chromium's executable: `$SPIKE_CHROMIUM`, else `chromium` on PATH (Debian's package;
    GitHub's Ubuntu runners link theirs there too)."""
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium")
    if found and Path(found).is_file():
        return found
    _missing(
        "Chromium is not installed: `apt-get install chromium` (Debian/Ubuntu), or set "
        f"{CHROMIUM_ENV}; `python3 scripts/tox -e py` installs it when run as root"
    )


def redocly() -> str:
    """Redocly's CLI as tox installs it (`$SPIKE_REDOCLY`), else `redocly` on PATH."""
    from spike_kit.docs.redocly import BINARY_ENV

    found = os.environ.get(BINARY_ENV) or shutil.which("redocly")
    if found and Path(found).is_file():
        return found
    _missing(
        f"Redocly's CLI is not installed: `python3 scripts/tox -e py` (or `-e docs`) installs "
        f"it from npm, or set {BINARY_ENV}"
    )


def playwright() -> None:
    """Playwright's Python package (the kit's `browser` extra)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ModuleNotFoundError:
        _missing("Playwright is not installed: pip install '.[browser]' (tox -e py has it)")


def wrk() -> str:
    """wrk, the load generator of the mock-vs-Prism benchmark (Debian's `wrk`)."""
    found = shutil.which("wrk")
    if found:
        return found
    _missing(
        "wrk is not installed: `apt-get install wrk`; `python3 scripts/tox -e py` installs it "
        "when run as root"
    )
