"""A person connects providers through the reference service, in headless Chromium: the
"Connect" button, the mock's consent page, Allow or Deny, and the outcome page, which shows
Spike's webhook confirming the connection (after a reload); then the back button and a
replayed link, refused. Each step is a screenshot in reports/browser/."""

from __future__ import annotations

import time

from tests import tools

tools.playwright()

from playwright.sync_api import Locator, Page, Request, expect  # noqa: E402

from tests.browser.support import Servers, screenshot_path  # noqa: E402

CONFIRMED_WITHIN = 10.0
"""The mock delivers its webhook at Allow; the page may have been drawn before it came in."""


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=screenshot_path(name))


def _reload_until_visible(page: Page, wanted: Locator) -> None:
    """Reload, as a person would, until `wanted` shows (within `CONFIRMED_WITHIN`)."""
    deadline = time.monotonic() + CONFIRMED_WITHIN
    while not wanted.is_visible():
        assert time.monotonic() < deadline, f"not shown within {CONFIRMED_WITHIN:g} s: {wanted}"
        time.sleep(0.2)
        page.reload()


def _sign_in(page: Page, servers: Servers, user: str) -> None:
    page.goto(f"{servers.service_url}/")
    page.get_by_label("Your user id").fill(user)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your devices")).to_be_visible()


def test_allow_connects_garmin_and_the_way_back_works_once(
    page: Page, servers: Servers, outside: list[str]
) -> None:
    page.goto(f"{servers.service_url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _shot(page, "01-sign-in")

    _sign_in(page, servers, "alice")
    expect(page.get_by_text("Signed in as alice")).to_be_visible()
    _shot(page, "02-devices")

    callbacks: list[str] = []
    page.on("request", lambda request: _keep_callback(request, callbacks))
    page.get_by_role("button", name="Connect Garmin").click()
    expect(page.get_by_role("heading", name="Allow access to your Garmin data?")).to_be_visible()
    assert page.url.startswith(f"{servers.mock_url}/providers/garmin/integration/init/ic/")
    expect(page.get_by_text("alice", exact=True)).to_be_visible()
    _shot(page, "03-consent-garmin")

    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Garmin is connected")).to_be_visible()
    assert page.url == f"{servers.service_url}/outcome"
    _shot(page, "04-connected")
    _reload_until_visible(page, page.get_by_text("Confirmed by Spike"))
    assert page.url == f"{servers.service_url}/outcome"
    expect(page.get_by_role("heading", name="Garmin is connected")).to_be_visible()
    _shot(page, "04b-connected-confirmed-by-spike")

    page.go_back()  # to the consent page: its code was used by Allow
    expect(page.get_by_role("heading", name="already answered")).to_be_visible()
    expect(page.get_by_role("button", name="Allow")).to_have_count(0)
    _shot(page, "05-back-to-consent-refused")

    (callback,) = callbacks
    page.goto(callback)  # the redirect back, replayed
    expect(page.get_by_role("heading", name="This connection link cannot be used")).to_be_visible()
    expect(page.get_by_text("This link was already used")).to_be_visible()
    _shot(page, "06-replayed-callback-refused")

    page.get_by_role("link", name="Back to your devices").click()
    garmin = page.get_by_role("listitem").filter(has_text="Garmin")
    expect(garmin.get_by_text("Connected")).to_be_visible()
    expect(garmin.get_by_text("Confirmed by Spike")).to_be_visible()
    expect(page.get_by_role("button", name="Connect Garmin")).to_have_count(0)
    _shot(page, "07-devices-garmin-connected")
    assert outside == []


def test_deny_leaves_oura_unconnected(page: Page, servers: Servers, outside: list[str]) -> None:
    _sign_in(page, servers, "bob")
    page.get_by_role("button", name="Connect Oura").click()
    expect(page.get_by_role("heading", name="Allow access to your Oura data?")).to_be_visible()
    _shot(page, "08-consent-oura")

    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", name="Oura was not connected")).to_be_visible()
    expect(page.get_by_text("You chose not to share your Oura data")).to_be_visible()
    _shot(page, "09-oura-declined")

    page.get_by_role("link", name="Back to your devices").click()
    expect(page.get_by_role("button", name="Connect Oura")).to_be_visible()
    assert outside == []


def _keep_callback(request: Request, callbacks: list[str]) -> None:
    if "/spike/callback?" in request.url:
        callbacks.append(request.url)
