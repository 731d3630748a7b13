"""`spike-mock --consent page`: the provider's consent as a page a person answers, over the wire.

One real mock on 127.0.0.1 serves the page to the whole module (each test opens flows of its
own), and httpx plays the browser; the browser suite in tests/browser clicks through the same
page in Chromium.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.types import UNSET, Unset

from spike_kit.mock import MockSettings
from spike_kit.mock.cli import build_parser, settings_from
from spike_kit.mock.pytest_plugin import MockHandle
from spike_kit.mock.server import MockServer

BACK = "http://127.0.0.1:9/done?keep=1"
FORM = {"content-type": "application/x-www-form-urlencoded"}


class Browser:
    """The user's browser, played by httpx against one mock (redirects not followed, to see
    them), and the application asking that mock for consent URLs as user-7."""

    def __init__(self, mock: MockHandle, http: httpx.Client) -> None:
        self.http = http
        self.app: AuthenticatedClient = mock.client(mock.token_for("user-7"))

    def consent_url(
        self,
        slug: str = "garmin",
        *,
        headers: dict[str, str] | None = None,
        state: str | Unset = UNSET,
        provider_user_id: str | Unset = UNSET,
    ) -> str:
        """The consent URL init_url hands out, to come back to BACK."""
        client = self.app.with_headers(headers) if headers else self.app
        found = init_url.sync(
            slug, client=client, redirect_uri=BACK, state=state, provider_user_id=provider_user_id
        )
        return found.path

    def get(self, url: str, **params: str) -> httpx.Response:
        return self.http.get(url, params=params)

    def answer(self, url: str, decision: str, **headers: str) -> httpx.Response:
        return self.http.post(url, content=f"decision={decision}", headers={**FORM, **headers})


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    settings = MockSettings(consent="page")
    with MockServer(settings) as server, httpx.Client() as http:
        mock = MockHandle(settings, server.base_url, server.app.state.mock.issuer.issue)
        try:
            yield Browser(mock, http)
        finally:
            mock.close()


def _back(response: httpx.Response) -> dict[str, list[str]]:
    """The query the browser is sent back with (a 303: the answer was a POST)."""
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == BACK.split("?")[0]
    return parse_qs(location.query)


@pytest.fixture
def spike_mock_settings() -> MockSettings:
    """What a service's own tests write to get the page from the kit's fixtures."""
    return MockSettings(consent="page")


def test_the_kits_fixtures_serve_the_page(spike_mock_server: MockHandle) -> None:
    with httpx.Client() as http:
        browser = Browser(spike_mock_server, http)
        url = browser.consent_url("polar")
        assert "Allow access to your Polar data?" in browser.get(url).text
        assert _back(browser.answer(url, "allow"))["provider_slug"] == ["polar"]


def test_the_page_names_the_provider_and_offers_allow_and_deny(browser: Browser) -> None:
    page = browser.get(browser.consent_url("freestyle_libre"))
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Allow access to your FreeStyle Libre data?" in page.text  # x-spike-providers' name
    assert '<form method="post"' in page.text
    assert 'name="decision" value="allow"' in page.text
    assert 'name="decision" value="deny"' in page.text
    assert "<script" not in page.text  # works without JavaScript
    assert "user-7" in page.text
    assert "http://127.0.0.1:9/done" in page.text
    assert "keep=1" not in page.text  # where the user goes back, not the query it carries


def test_everything_shown_is_escaped(browser: Browser) -> None:
    hostile = "<script>alert(1)</script>\"'&x@example.com"
    page = browser.get(browser.consent_url("ultrahuman", provider_user_id=hostile))
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert html.escape(hostile) in page.text


def test_the_page_may_not_be_framed_cached_or_leak_its_url(browser: Browser) -> None:
    page = browser.get(browser.consent_url())
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_allow_leads_back_with_the_contracts_query(browser: Browser) -> None:
    """IntegrationRedirectBack: user_id, provider_slug and state, no error on success."""
    url = browser.consent_url(state="s 1&2")
    assert _back(browser.answer(url, "allow")) == {
        "keep": ["1"],
        "user_id": ["user-7"],
        "provider_slug": ["garmin"],
        "state": ["s 1&2"],
    }


def test_deny_leads_back_with_access_denied(browser: Browser) -> None:
    """IntegrationRedirectBack: `error` present when the integration failed."""
    url = browser.consent_url("oura", state="s-9")
    assert _back(browser.answer(url, "deny")) == {
        "keep": ["1"],
        "user_id": ["user-7"],
        "provider_slug": ["oura"],
        "state": ["s-9"],
        "error": ["access_denied"],
    }


def test_allow_keeps_an_outcome_the_test_asked_for(browser: Browser) -> None:
    """X-Spike-Mock-Consent still decides what the provider answers after Allow."""
    url = browser.consent_url(headers={"X-Spike-Mock-Consent": "server_error"})
    assert _back(browser.answer(url, "allow"))["error"] == ["server_error"]


def test_viewing_the_page_does_not_use_the_code_but_an_answer_does(browser: Browser) -> None:
    url = browser.consent_url()
    for _ in range(3):  # reloads, and a GET carrying a decision, change nothing
        assert browser.get(url, decision="allow").status_code == 200
    assert browser.answer(url, "allow").status_code == 303
    replayed = browser.answer(url, "deny")
    assert replayed.status_code == 410
    assert "This consent request was already answered" in replayed.text
    assert replayed.headers["content-type"] == "text/html; charset=utf-8"
    assert "location" not in replayed.headers
    again = browser.get(url)
    assert again.status_code == 410
    assert "<form" not in again.text


def test_an_unknown_code_is_a_clear_page(browser: Browser) -> None:
    url = browser.consent_url()
    forged = url[:-6] + ("111111" if url.endswith("000000") else "000000")
    for response in (browser.get(forged), browser.answer(forged, "allow")):
        assert response.status_code == 404
        assert "Unknown consent link" in response.text
    other_provider = url.replace("/providers/garmin/", "/providers/oura/")
    assert browser.get(other_provider).status_code == 404
    assert browser.answer(other_provider, "allow").status_code == 404
    assert browser.answer(url, "allow").status_code == 303  # the real code is still open


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
def test_an_answer_from_another_site_is_refused_and_leaves_the_code_open(
    browser: Browser, headers: dict[str, str]
) -> None:
    url = browser.consent_url()
    refused = browser.answer(url, "allow", **headers)
    assert refused.status_code == 403
    assert "did not come from this consent page" in refused.text
    assert "location" not in refused.headers
    assert browser.get(url).status_code == 200
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": f"http://{urlsplit(url).netloc}"}
    assert browser.answer(url, "allow", **same_origin).status_code == 303


def test_an_origin_naming_this_host_is_accepted(browser: Browser) -> None:
    url = browser.consent_url()
    assert browser.answer(url, "deny", Origin=f"http://{urlsplit(url).netloc}").status_code == 303


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ("decision=allow", {"content-type": "application/json"}, 415),
        ("decision=maybe", FORM, 400),
        ("decision=allow&decision=deny", FORM, 400),
        ("", FORM, 400),
        ("decision=allow&" + "x=1&" * 600, FORM, 413),
    ],
)
def test_an_answer_the_mock_cannot_read_is_refused_and_leaves_the_code_open(
    browser: Browser, body: str, headers: dict[str, str], status: int
) -> None:
    url = browser.consent_url()
    assert browser.http.post(url, content=body, headers=headers).status_code == status
    assert browser.answer(url, "allow").status_code == 303


def test_the_default_stays_the_redirect_at_once() -> None:
    assert MockSettings().consent == "redirect"
    assert settings_from(build_parser().parse_args([])).consent == "redirect"
    assert settings_from(build_parser().parse_args(["--consent", "page"])).consent == "page"
    with pytest.raises(ValueError, match="consent must be one of redirect, page"):
        MockSettings(consent="popup")
