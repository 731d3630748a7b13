"""`spike-kit webhook check URL` against real receivers on 127.0.0.1: the README's handler
passes, and each deliberately broken receiver is caught for its own fault.

The check runs in-process (`main(argv)`): what it sends crosses a real socket either way.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from spike_api_client import WebhookError, read_webhook

from spike_kit.webhooks.check import main
from tests.webhooks.support import KEY, readme_receiver, serve


def _run(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, str | None]]:
    """Exit status, and each case's fault (None when the receiver got it right)."""
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
    status = main([url, "--format", "json", *extra])
    out = capsys.readouterr().out
    assert KEY not in out
    report = json.loads(out)
    return status, {result["case"]: result["fault"] for result in report["results"]}


class Counting:
    """Wraps a handler; counts requests (the check is bounded) and what arrived where."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.requests = 0
        self._lock = threading.Lock()

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int:
        with self._lock:
            self.requests += 1
        return int(self.handle(body, headers))


def test_the_readme_receiver_passes_every_case(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = Counting(readme_receiver(monkeypatch)["receive_spike_webhook"])
    with serve(readme) as url:
        status, faults = _run(url, monkeypatch, capsys)
    assert status == 0, faults
    assert len(faults) == 15
    assert set(faults.values()) == {None}
    assert readme.requests == 16  # the duplicate's first copy is not a case of its own


def test_a_receiver_without_a_signature_check_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def trusting(body: bytes, headers: Mapping[str, str]) -> int:
        try:
            events = json.loads(body)
        except ValueError:
            return 400
        return 200 if isinstance(events, list) else 422

    with serve(trusting) as url:
        status, faults = _run(url, monkeypatch, capsys)
    assert status == 1
    forged = {case: fault for case, fault in faults.items() if fault is not None}
    assert set(forged) == {
        "no signature",
        "a signature made with another key",
        "a body changed after signing (one byte)",
        "a signed body of 10,485,761 bytes, over the contract's cap",
    }
    assert forged["no signature"] == "accepted it (200): anyone could send it"


def test_a_receiver_without_idempotency_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It inserts each event under its key, as a table with a unique index would, and fails
    on a key it already holds instead of taking the duplicate."""
    table: dict[str, Any] = {}

    def inserting(body: bytes, headers: Mapping[str, str]) -> int:
        try:
            events = read_webhook(body, headers, KEY)
        except WebhookError as refused:
            return refused.status
        for event in events:
            if event.dedupe_key in table:
                return 500  # IntegrityError: duplicate key
            table[event.dedupe_key] = event
        return 200

    with serve(inserting) as url:
        status, faults = _run(url, monkeypatch, capsys)
    assert status == 1
    assert {case for case, fault in faults.items() if fault} == {
        "the same delivery again (a retry, or a replayed copy)"
    }
    duplicate = faults["the same delivery again (a retry, or a replayed copy)"]
    assert duplicate is not None
    assert duplicate.startswith("answered 500 to a valid delivery")


def test_a_slow_receiver_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It does its work before answering; the first delivery takes longer than the limit."""
    readme = readme_receiver(monkeypatch)["receive_spike_webhook"]
    calls: list[int] = []

    def slow(body: bytes, headers: Mapping[str, str]) -> int:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(1.0)
        return int(readme(body, headers))

    with serve(slow) as url:
        status, faults = _run(url, monkeypatch, capsys, "--time-limit", "0.5")
    assert status == 1
    (slow_case,) = [case for case, fault in faults.items() if fault]
    assert slow_case == "the contract's example delivery"
    fault = faults[slow_case]
    assert fault is not None
    assert "Spike gives up after 0.5 s and retries" in fault


def test_the_text_report_names_each_fault(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(lambda body, headers: 204) as url:
        monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
        assert main([url]) == 1
    out = capsys.readouterr().out
    assert "FAIL the contract's example delivery: expected 200 within 30 s, got 204" in out
    assert "answered 204 to a valid delivery: Spike counts only 200" in out
    assert "FAIL no signature: expected a 4xx refusal, got 204" in out
    assert out.rstrip().endswith("15 cases, 15 fault(s)")


def test_a_receiver_with_another_key_gets_a_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = readme_receiver(monkeypatch)["receive_spike_webhook"]
    with serve(readme) as url:
        monkeypatch.setenv("SPIKE_WEBHOOK_KEY", "not-the-receivers-key-000")
        assert main([url]) == 1
    out = capsys.readouterr().out
    assert "every valid delivery was refused with 401: does the receiver verify with" in out
    assert "not-the-receivers-key-000" not in out


def test_nothing_is_sent_without_a_key_or_to_a_url_that_is_not_http(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SPIKE_WEBHOOK_KEY", raising=False)
    assert main(["http://127.0.0.1:9/hook"]) == 2
    assert "set SPIKE_WEBHOOK_KEY" in capsys.readouterr().err
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
    with pytest.raises(SystemExit) as refused:
        main(["file:///etc/passwd"])
    assert refused.value.code == 2


def test_a_receiver_that_is_not_there_is_a_fault_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(lambda body, headers: 200) as url:
        pass  # the port is free again
    status, faults = _run(url, monkeypatch, capsys)
    assert status == 1
    assert all(fault is not None and "ConnectError" in fault for fault in faults.values())
