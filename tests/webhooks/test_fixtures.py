"""The pytest plugin's webhook side: `spike_webhooks` delivers to an ASGI app or a URL, and the
`spike_mock` fixtures deliver when their settings name a webhook URL.

The README's own plugin example (an ASGI app receiving through `spike_webhooks`) runs in a
fresh pytest in `tests/test_readme.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import httpx
import pytest
from spike_api_client import read_webhook
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.mock import MockSettings
from spike_kit.mock.pytest_plugin import MockHandle
from spike_kit.webhooks.send import WebhookDeliverer
from tests.webhooks.support import asgi_app, serve

KEY = "a-service-s-own-test-key-42"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int:
        for event in read_webhook(body, headers, KEY):
            self.events.append((event.event_type, event.application_user_id, event.provider_slug))
        return 200


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def receiver_url(recorder: Recorder) -> Iterator[str]:
    with serve(recorder) as url:
        yield url


@pytest.fixture
def spike_mock_settings(receiver_url: str) -> MockSettings:
    """As a service would override it: its own test key, and its receiver's URL."""
    return MockSettings(webhook_url=receiver_url, webhook_key=KEY, webhook_time_scale=0.001)


def test_it_delivers_to_an_asgi_app_in_process(spike_webhooks: WebhookDeliverer) -> None:
    recorder = Recorder()
    receiver = spike_webhooks.to_app(asgi_app(recorder), "spike/webhooks")
    answer = receiver.deliver(
        [
            spike_webhooks.record_change("user-1", "garmin", metrics=["steps", "distance"]),
            spike_webhooks.integration_deleted("user-1", "oura"),
            spike_webhooks.event("a_new_kind", "user-1", "whoop", extra=1),
        ]
    )
    assert answer.status_code == 200
    assert recorder.events == [
        ("record_change", "user-1", "garmin"),
        ("provider_integration_deleted", "user-1", "oura"),
        ("a_new_kind", "user-1", "whoop"),
    ]
    with pytest.raises(ValueError, match="not a delivery the contract allows"):
        receiver.deliver([{"event_type": "record_change"}])
    assert KEY not in repr(spike_webhooks)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_it_delivers_from_async_tests(spike_webhooks: WebhookDeliverer) -> None:
    recorder = Recorder()
    receiver = spike_webhooks.to_app(asgi_app(recorder))
    answer = await receiver.adeliver([spike_webhooks.integration_created("user-2", "polar")])
    assert answer.status_code == 200
    assert recorder.events == [("provider_integration_created", "user-2", "polar")]


def test_it_reaches_a_url(
    spike_webhooks: WebhookDeliverer, receiver_url: str, recorder: Recorder
) -> None:
    receiver = spike_webhooks.to_url(receiver_url)
    created = spike_webhooks.integration_created("u", "oura")
    assert receiver.deliver([created]).status_code == 200
    assert recorder.events == [("provider_integration_created", "u", "oura")]


def test_the_in_process_mock_delivers_when_a_consent_flow_ends(
    spike_mock: MockHandle, recorder: Recorder
) -> None:
    assert spike_mock.webhooks is not None
    found = init_url.sync("garmin", client=spike_mock.client(spike_mock.token_for("user-5")))
    with httpx.Client(transport=spike_mock.transport) as browser:
        assert browser.get(found.path).status_code == 302
    spike_mock.webhooks.send([WebhookDeliverer.record_change("user-5", "garmin")])
    (created, changed) = spike_mock.webhooks.settle(timeout=10)
    assert [created["state"], changed["state"]] == ["delivered", "delivered"]
    assert recorder.events == [
        ("provider_integration_created", "user-5", "garmin"),
        ("record_change", "user-5", "garmin"),
    ]
