"""Over the wire: `spike-mock --webhook-url` in its own process, a consent flow played with
the generated client and a browser's GET, and the README's handler behind a real server.

The process boundary matters here: the command line's options, the delivery thread of a
served mock, and the ledger read over HTTP as a test in another process would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from spike_api_client import AuthenticatedClient, Client, exchange_token
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, DEFAULT_STATIC_TOKEN
from tests.webhooks.support import KEY, readme_receiver, serve

AUTH = {"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"}


def _connect(base_url: str, user: str, provider: str) -> None:
    """The service asks for the consent URL; the user's browser opens it (Spike redirects)."""
    with Client(base_url=base_url) as anonymous:
        token = exchange_token(
            anonymous,
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=user,
            hmac_key=DEFAULT_HMAC_KEY,
        )
    with AuthenticatedClient(base_url=base_url, token=token, redirect_hosts=["127.0.0.1:*"]) as c:
        found = init_url.sync(provider, client=c)
    with httpx.Client(follow_redirects=False) as browser:
        assert browser.get(found.path).status_code == 302


def _ledger(base_url: str) -> list[dict[str, Any]]:
    root = base_url.rsplit("/v3", 1)[0]
    with httpx.Client() as client:
        answer = client.get(f"{root}/_mock/webhooks?wait=20", headers=AUTH, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["pending"] == 0
    deliveries: list[dict[str, Any]] = answer.json()["deliveries"]
    return deliveries


def _mock(url: str) -> MockProcess:
    return MockProcess("--webhook-url", url, "--webhook-key", KEY, "--webhook-time-scale", "0.001")


def test_a_consent_flow_reaches_the_readme_receiver_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`webhooks.spikeEvents`: one verified `provider_integration_created` for that user and
    provider, after the consent redirect."""
    readme = readme_receiver(monkeypatch)
    with serve(readme["receive_spike_webhook"]) as url, _mock(url) as mock:
        _connect(mock.base_url, "user-42", "garmin")
        (delivery,) = _ledger(mock.base_url)
    assert readme["CONNECTED"] == {"user-42": {"garmin"}}
    assert readme["WELCOMES"] == [("user-42", "garmin")]
    assert [a["status"] for a in delivery["attempts"]] == [200]


def test_a_receiver_that_answers_500_twice_gets_the_event_on_the_third_attempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`x-spike-delivery`: anything but 200 is retried, after 5 s then 2 min (scaled here)."""
    readme = readme_receiver(monkeypatch)
    answers: list[int] = []

    def down_twice(body: bytes, headers: Mapping[str, str]) -> int:
        status = 500 if len(answers) < 2 else readme["receive_spike_webhook"](body, headers)
        answers.append(status)
        return int(status)

    with serve(down_twice) as url, _mock(url) as mock:
        _connect(mock.base_url, "user-7", "oura")
        (delivery,) = _ledger(mock.base_url)
    assert answers == [500, 500, 200]
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert [a["number"] for a in delivery["attempts"]] == [1, 2, 3]
    assert delivery["state"] == "delivered"
    assert readme["WELCOMES"] == [("user-7", "oura")]
    starts = [a["started_at"] for a in delivery["attempts"]]
    assert starts[2] - starts[1] >= 120 * 0.001 * 0.9  # the 2-minute retry, scaled
