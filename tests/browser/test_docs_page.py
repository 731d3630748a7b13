"""The contract's page (`spike-kit docs`) in headless Chromium: it loads from a file, with
every operation, the redirect back and any webhooks on it, and fetches nothing from
elsewhere. Screenshots in reports/browser/."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from tests import tools

tools.playwright()

from playwright.sync_api import ConsoleMessage, Locator, Page, expect  # noqa: E402

from spike_kit.docs import cli  # noqa: E402
from spike_kit.docs.reference import REDIRECT_BACK_TITLE  # noqa: E402
from spike_kit.spec import iter_operations, load_file  # noqa: E402
from tests.browser.support import screenshot_path  # noqa: E402
from tests.support import REPO  # noqa: E402

SPEC = load_file(REPO.spec).document


@pytest.fixture(scope="module")
def docs_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "index.html"
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["--out", str(out), "--redocly", tools.redocly()]) == 0
    return out


def test_every_operation_and_the_redirect_back_are_on_the_page(
    page: Page, docs_page: Path, outside: list[str]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _keep_error(message, errors))
    page.goto(docs_page.as_uri())
    expect(page.get_by_role("heading", name=SPEC["info"]["title"])).to_be_visible()
    page.screenshot(path=screenshot_path("10-docs"))

    operations = [operation for _, _, operation in iter_operations(SPEC)]
    webhooks = [
        operation
        for item in (SPEC.get("webhooks") or {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    for operation in [*operations, *webhooks]:
        heading = _heading(page, operation["summary"])
        heading.scroll_into_view_if_needed()
        expect(heading).to_be_visible()
    _heading(page, operations[-1]["summary"]).scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("11-docs-operation"))

    section = _heading(page, REDIRECT_BACK_TITLE)
    section.scroll_into_view_if_needed()
    expect(section).to_be_visible()
    for field in SPEC["components"]["schemas"]["IntegrationRedirectBack"]["properties"]:
        expect(page.locator(".property-name", has_text=field).first).to_be_attached()
    page.screenshot(path=screenshot_path("12-docs-redirect-back"))

    assert outside == []  # the page asked for nothing beyond its own file
    assert errors == []


def _heading(page: Page, text: str) -> Locator:
    """A section's heading in the page's middle column (Redoc's `h2`, whose link anchor
    makes it a poor accessible name)."""
    return page.locator("h2", has_text=text).first


def _keep_error(message: ConsoleMessage, errors: list[str]) -> None:
    """Console errors, but for the one the page's own policy causes by design: Redoc's
    sidebar logo, an image from Redocly's CDN, blocked so that nothing is fetched."""
    if message.type == "error" and "violates the following Content Security Policy" not in (
        message.text
    ):
        errors.append(message.text)
