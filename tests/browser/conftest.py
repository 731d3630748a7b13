"""Fixtures of the browser suite: headless Chromium (Debian's, driven by Playwright), the
servers it visits, and a page that records every request leaving 127.0.0.1 (and blocks it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests import tools
from tests.browser.support import CHROMIUM_FLAGS, Servers, running

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

LOCAL = ("http://127.0.0.1:", "file://", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per module, fresh profile, closed after it."""
    executable = tools.chromium()
    tools.playwright()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def outside() -> list[str]:
    """Requests a page tried to send anywhere but this machine (each was blocked)."""
    return []


@pytest.fixture
def page(chromium: Browser, outside: list[str]) -> Iterator[Page]:
    """A tab in a context of its own (no cookies from another test)."""
    context = chromium.new_context(viewport={"width": 1100, "height": 760})
    context.set_default_timeout(10_000)  # a page that does not show what is expected fails soon

    def keep_local(route: Route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The mock (consent page) and the reference service, by `run_with_mock.py`; stopped by
    its PID at the end, and checked gone, with both servers."""
    tools.chromium()  # no servers for a suite that will skip
    log_path = tmp_path_factory.mktemp("servers") / "servers.log"
    with log_path.open("w", encoding="utf-8") as log:
        started = Servers.start(log)
        try:
            yield started
        finally:
            status = started.stop()
    assert status == 0, log_path.read_text(encoding="utf-8")
    assert len(started.children) == 2
    assert not [pid for pid in started.children if running(pid)]
