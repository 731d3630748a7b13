"""The mock's webhook deliveries (`spike_kit.mock.webhooks`): Spike's events, signed as the
client verifies them, on Spike's retry schedule, with a ledger a test can read.

Receivers are real HTTP servers on 127.0.0.1 (`tests/webhooks/support.py`); the mock runs
in-process here (its command line and the whole flow over the wire are in
`tests/webhooks/test_mock_over_the_wire.py`).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from spike_api_client import read_webhook

from spike_kit.mock import MockSettings, create_app
from spike_kit.mock import webhooks as mock_webhooks
from spike_kit.mock.app import MockApp
from spike_kit.mock.cli import main as spike_mock
from spike_kit.mock.transports import SyncASGITransport
from tests.mock.support import AUTH, signed_body
from tests.webhooks.support import CONTRACT, KEY, serve

FAST = 0.000001
"""Spike's ~3 days of retries in ~0.3 s."""


class Scripted:
    """A receiver that verifies with the client and answers from a script, then 200."""

    def __init__(self, *statuses: int, delay: float = 0.0) -> None:
        self.statuses = list(statuses)
        self.delay = delay
        self.received: list[Any] = []
        self.answered: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int:
        events = read_webhook(body, headers, KEY)
        time.sleep(self.delay)
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else 200
            self.answered.append(status)
            if status == 200:
                self.received.extend(events)
        return status


@contextlib.contextmanager
def mock_delivering_to(url: str, scale: float = FAST) -> Iterator[tuple[MockApp, httpx.Client]]:
    app = create_app(
        MockSettings(
            public_url="http://localhost",
            webhook_url=url,
            webhook_key=KEY,
            webhook_time_scale=scale,
        )
    )
    transport = SyncASGITransport(app)
    try:
        with httpx.Client(transport=transport, base_url="http://localhost") as client:
            yield app, client
    finally:
        transport.close()
        app.close()


def consent(client: httpx.Client, user: str, slug: str, outcome: str | None = None) -> str:
    """The flow as a browser and a service play it; the Location the consent redirects to."""
    token = client.post("/v3/auth/hmac", json=signed_body(user)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    if outcome is not None:
        headers["X-Spike-Mock-Consent"] = outcome
    found = client.get(f"/v3/providers/{slug}/integration/init_url", headers=headers).json()
    answer = client.get(urlsplit(found["path"]).path)
    assert answer.status_code == 302
    return answer.headers["location"]


def test_a_consent_flow_delivers_one_verified_integration_created() -> None:
    """`webhooks.spikeEvents`: after a successful integration Spike POSTs
    `provider_integration_created` for that user and provider."""
    receiver = Scripted()
    with serve(receiver) as url, mock_delivering_to(url) as (app, client):
        consent(client, "user-42", "garmin")
        sender = app.state.mock.webhooks
        assert sender is not None
        (delivery,) = sender.settle(timeout=10)
    (event,) = receiver.received
    assert (event.event_type, event.application_user_id, event.provider_slug) == (
        "provider_integration_created",
        "user-42",
        "garmin",
    )
    assert delivery["state"] == "delivered"
    assert delivery["event_types"] == ["provider_integration_created"]
    assert delivery["events"][0]["timestamp"] == event.timestamp_text
    assert [a["status"] for a in delivery["attempts"]] == [200]


def test_a_refused_consent_delivers_nothing() -> None:
    receiver = Scripted()
    with serve(receiver) as url, mock_delivering_to(url) as (app, client):
        assert "error=access_denied" in consent(client, "user-42", "oura", "access_denied")
        assert app.state.mock.webhooks is not None
        assert app.state.mock.webhooks.settle(timeout=5) == []
    assert receiver.answered == []


def test_anything_but_200_is_retried_on_spikes_schedule_until_discarded() -> None:
    """`x-spike-delivery`: 10 retries (5 s, 2 min, 30 min, 2 h, then every 12 h), only a 200
    counts (201 and 204 too are retried), then the events are discarded."""
    assert CONTRACT.retry_delays == (5, 120, 1800, 7200, *[43200] * 6)
    receiver = Scripted(201, 204, 302, *[500] * 8)
    with serve(receiver) as url, mock_delivering_to(url) as (app, _):
        sender = app.state.mock.webhooks
        assert sender is not None
        sender.send(
            [
                {
                    "event_type": "record_change",
                    "application_user_id": "u",
                    "provider_slug": "oura",
                    "timestamp": "2025-04-15T13:33:55.1Z",
                }
            ]
        )
        (delivery,) = sender.settle(timeout=20)
    assert delivery["state"] == "discarded"
    assert [a["status"] for a in delivery["attempts"]] == [201, 204, 302, *[500] * 8]
    starts = [a["started_at"] for a in delivery["attempts"]]
    waits = [later - earlier for earlier, later in itertools.pairwise(starts)]
    for wait, delay in zip(waits, CONTRACT.retry_delays, strict=True):
        assert wait >= delay * FAST * 0.9
    assert receiver.received == []


def test_a_slow_answer_counts_as_a_failed_attempt_and_is_retried() -> None:
    """The receiver must answer within 30 s (here scaled, never below 1 s)."""
    receiver = Scripted(delay=0.0)
    slow = Scripted(delay=1.5)
    calls: list[int] = []

    def first_slow(body: bytes, headers: Mapping[str, str]) -> int:
        calls.append(1)
        return slow(body, headers) if len(calls) == 1 else receiver(body, headers)

    with serve(first_slow) as url, mock_delivering_to(url, scale=0.001) as (app, _):
        sender = app.state.mock.webhooks
        assert sender is not None
        assert sender.answer_within == mock_webhooks.MIN_ANSWER_SECONDS
        sender.send(
            [
                {
                    "event_type": "record_change",
                    "application_user_id": "u",
                    "provider_slug": "oura",
                    "timestamp": "2025-04-15T13:33:55Z",
                }
            ]
        )
        (delivery,) = sender.settle(timeout=20)
    first, second = delivery["attempts"]
    assert first["status"] is None
    assert first["error"] == "no answer within 1 s"
    assert second["status"] == 200
    assert len(receiver.received) == 1


def test_deliveries_do_not_hold_up_the_mocks_answers() -> None:
    receiver = Scripted(delay=2.0)
    with serve(receiver) as url, mock_delivering_to(url, scale=1.0) as (app, client):
        started = time.monotonic()
        consent(client, "user-42", "garmin")
        assert time.monotonic() - started < 1.5
        assert app.state.mock.webhooks is not None
        assert app.state.mock.webhooks.pending() == 1


def test_events_on_request_over_http_and_the_ledger() -> None:
    receiver = Scripted(500)
    events: list[dict[str, Any]] = [
        {
            "event_type": "record_change",
            "application_user_id": "u1",
            "provider_slug": "garmin",
            "metrics": ["steps"],
        },
        {
            "event_type": "provider_integration_deleted",
            "application_user_id": "u1",
            "provider_slug": "oura",
        },
        {
            "event_type": "a_type_spike_adds_later",
            "application_user_id": "u1",
            "provider_slug": "oura",
        },
    ]
    with serve(receiver) as url, mock_delivering_to(url) as (_, client):
        assert client.post("/_mock/webhooks", json=events).status_code == 401
        bad = client.post("/_mock/webhooks", json=[{"event_type": "record_change"}], headers=AUTH)
        assert bad.status_code == 422
        assert "application_user_id" in bad.json()["detail"]
        assert client.post("/_mock/webhooks", content=b"{", headers=AUTH).status_code == 400
        sent = client.post("/_mock/webhooks", json=events, headers=AUTH)
        assert sent.status_code == 202
        ledger = client.get("/_mock/webhooks?wait=10", headers=AUTH).json()
        assert client.get("/_mock/webhooks?wait=31", headers=AUTH).status_code == 400
    assert ledger["webhook_url"] == url
    assert ledger["pending"] == 0
    (delivery,) = ledger["deliveries"]
    assert delivery["id"] == sent.json()["delivery"]
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]
    assert all(event["timestamp"].endswith("Z") for event in delivery["events"])
    assert [e.event_type for e in receiver.received] == [e["event_type"] for e in events]
    assert KEY not in str(ledger)


def test_without_a_webhook_url_the_routes_say_so() -> None:
    with httpx.Client(transport=SyncASGITransport(create_app()), base_url="http://x") as client:
        answer = client.get("/_mock/webhooks", headers=AUTH)
        assert answer.status_code == 409
        assert "--webhook-url" in answer.json()["detail"]


def test_pending_deliveries_are_bounded_and_stop_with_the_mock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mock_webhooks, "MAX_PENDING", 2)
    receiver = Scripted(*[500] * 10)
    event = {"event_type": "record_change", "application_user_id": "u", "provider_slug": "oura"}
    with serve(receiver) as url, mock_delivering_to(url, scale=1.0) as (app, client):
        for _ in range(2):
            assert client.post("/_mock/webhooks", json=[event], headers=AUTH).status_code == 202
        assert client.post("/_mock/webhooks", json=[event], headers=AUTH).status_code == 503
        sender = app.state.mock.webhooks
        assert sender is not None
        app.close()
        assert {d["state"] for d in sender.deliveries()} == {"stopped"}
        with pytest.raises(RuntimeError, match="closed"):
            sender.send([{**event, "timestamp": "2025-04-15T13:33:55Z"}])


def test_the_command_line_refuses_webhooks_with_several_workers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert spike_mock(["--workers", "2", "--webhook-url", "http://127.0.0.1:9/hook"]) == 2
    assert "--webhook-url needs --workers 1" in capsys.readouterr().err
    assert spike_mock(["--port", "0", "--webhook-url", "ftp://127.0.0.1/hook"]) == 2
    assert "absolute http or https URL" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        spike_mock(["--webhook-time-scale", "0"])
    assert "above 0" in capsys.readouterr().err
