"""Spike's webhooks at the reference service, over the wire: the mock delivers them after a
consent flow, the kit's `spike_webhooks` sends genuine, forged, repeated and unknown ones to
`/spike/webhooks`, and `spike-kit webhook check` tries the running receiver.

What the service stored is read from its app (`app.state.service`), as a test would read
its database.
"""

from __future__ import annotations

import json

import httpx
import pytest
from browser_steps import ALLOW, answer, come_back, consent_url, sign_in
from fastapi import FastAPI
from reference_service.app import Service
from reference_service.connections import INTEGRATION_CREATED, Status

from spike_kit.mock import MockHandle
from spike_kit.mock.settings import DEFAULT_WEBHOOK_KEY
from spike_kit.webhooks.check import main as webhook_check
from spike_kit.webhooks.send import WebhookDeliverer, WebhookTarget


def stored(app: FastAPI) -> Service:
    service: Service = app.state.service
    return service


def snapshot(app: FastAPI) -> tuple[object, ...]:
    """What a delivery could change (besides a status), to compare before and after."""
    service = stored(app)
    return dict(service.connections.events), list(service.welcomes), len(service.handled_events)


@pytest.fixture
def receiver(spike_webhooks: WebhookDeliverer, service: httpx.Client) -> WebhookTarget:
    """The running service's webhook URL, for deliveries signed with the mock's test key."""
    return spike_webhooks.to_url(str(service.base_url.join("/spike/webhooks")))


def test_a_completed_consent_flow_is_confirmed_by_spike_once(
    service: httpx.Client, app: FastAPI, spike_mock_server: MockHandle
) -> None:
    """The mock's `provider_integration_created` after Allow: verified and stored once for
    that user and provider, its one-off work done once, and the pages say Spike confirmed it."""
    sign_in(service, "alice")
    shown = come_back(service, answer(service, consent_url(service, "garmin"), ALLOW))
    assert "Garmin is connected" in shown.text
    assert spike_mock_server.webhooks is not None
    (delivery,) = spike_mock_server.webhooks.settle(10)
    assert [attempt["status"] for attempt in delivery["attempts"]] == [200]

    events = list(stored(app).connections.events.values())
    created = [event for event in events if event.event_type == INTEGRATION_CREATED]
    assert [(e.application_user_id, e.provider_slug) for e in created] == [("alice", "garmin")]
    assert stored(app).welcomes == [("alice", "garmin")]
    assert 'data-confirmed="yes"' in service.get("/outcome").text
    garmin = service.get("/").text.split("<li>")[1]
    assert "Garmin" in garmin
    assert "Confirmed by Spike" in garmin


def test_the_webhook_alone_connects_when_the_browser_never_comes_back(
    service: httpx.Client, app: FastAPI, spike_mock_server: MockHandle
) -> None:
    """A closed tab after Allow: no redirect back, yet Spike's webhook marks it connected."""
    sign_in(service, "bea")
    answer(service, consent_url(service, "oura"), ALLOW)  # the callback is never visited
    assert spike_mock_server.webhooks is not None
    spike_mock_server.webhooks.settle(10)
    assert stored(app).connections.status("bea", "oura") is Status.CONFIRMED
    home = service.get("/").text
    assert "Connect Oura" not in home
    assert "Confirmed by Spike" in home


def test_a_forged_delivery_is_refused_and_changes_nothing(
    receiver: WebhookTarget, spike_webhooks: WebhookDeliverer, app: FastAPI
) -> None:
    genuine = spike_webhooks.signed([spike_webhooks.integration_created("carl", "polar")])
    before = snapshot(app)
    forged = spike_webhooks.signed_body(genuine.body.replace(b"carl", b"mall"))
    assert receiver.post(forged, headers=genuine.headers).status_code == 401
    other_key = WebhookDeliverer("another-key-0123456789abcdef").signed(
        [spike_webhooks.integration_created("carl", "polar")]
    )
    assert receiver.post(other_key).status_code == 401
    unsigned = {"content-type": "application/json"}
    assert receiver.post(genuine, headers=unsigned).status_code == 401
    assert snapshot(app) == before
    assert stored(app).connections.status("carl", "polar") is Status.NOT_CONNECTED


def test_the_same_delivery_twice_is_taken_and_its_work_done_once(
    receiver: WebhookTarget, spike_webhooks: WebhookDeliverer, app: FastAPI
) -> None:
    """Spike retries, and a copy of a genuine delivery verifies again: both get 200."""
    delivery = spike_webhooks.signed([spike_webhooks.integration_created("dana", "fitbit")])
    assert [receiver.post(delivery).status_code for _ in range(2)] == [200, 200]
    assert stored(app).welcomes == [("dana", "fitbit")]
    assert len(stored(app).connections.events) == 1
    assert stored(app).connections.status("dana", "fitbit") is Status.CONFIRMED


def test_an_unknown_event_type_is_taken_and_kept(
    receiver: WebhookTarget, spike_webhooks: WebhookDeliverer, app: FastAPI
) -> None:
    """Spike adds event types: a receiver that refused them would be retried for days."""
    new_kind = spike_webhooks.event("sleep_score_ready", "eve", "whoop", score=87)
    record = spike_webhooks.record_change("eve", "whoop")
    assert receiver.deliver([new_kind, record]).status_code == 200
    kept = {event.event_type: event for event in stored(app).connections.events.values()}
    assert set(kept) == {"sleep_score_ready", "record_change"}
    assert kept["sleep_score_ready"].data["score"] == 87
    assert stored(app).connections.status("eve", "whoop") is Status.NOT_CONNECTED
    assert stored(app).welcomes == []


def test_a_later_deletion_disconnects_and_an_earlier_one_does_not(
    receiver: WebhookTarget, spike_webhooks: WebhookDeliverer, app: FastAPI
) -> None:
    """Retries arrive in any order: Spike's own timestamps decide."""
    early = "2026-01-01T10:00:00.000000001Z"
    late = "2026-01-01T10:00:00.000000002Z"
    created = spike_webhooks.integration_created("finn", "suunto") | {"timestamp": late}
    deleted_before = spike_webhooks.integration_deleted("finn", "suunto") | {"timestamp": early}
    assert receiver.deliver([created, deleted_before]).status_code == 200
    assert stored(app).connections.status("finn", "suunto") is Status.CONFIRMED
    deleted_after = spike_webhooks.integration_deleted("finn", "suunto")  # stamped now
    assert receiver.deliver([deleted_after]).status_code == 200
    assert stored(app).connections.status("finn", "suunto") is Status.NOT_CONNECTED


def test_the_kits_receiver_check_finds_no_fault(
    receiver: WebhookTarget, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`spike-kit webhook check URL` (in-process; its requests cross a real socket)."""
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", DEFAULT_WEBHOOK_KEY)
    status = webhook_check([receiver.url, "--format", "json"])
    out = capsys.readouterr().out
    faults = {result["case"]: result["fault"] for result in json.loads(out)["results"]}
    assert status == 0, faults
    assert len(faults) == 15  # the check's cases (the duplicate's first copy is not one)
    assert set(faults.values()) == {None}
    assert DEFAULT_WEBHOOK_KEY not in out
