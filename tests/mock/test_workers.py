"""`spike-mock --workers 2` over the wire: one port, tokens and single-use consent codes that
every worker honours, and a stop that leaves no process behind (checked by PID).

Each request goes out on a new connection, so the kernel picks the worker; the
`x-spike-mock-worker` response header says which one answered.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN
from spike_kit.processes import children_of
from tests.mock.support import signed_body

WORKERS = 2
TRIES = 200


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: list[int], within: float = 15.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if _running(pid)]


@pytest.fixture
def mock() -> Iterator[MockProcess]:
    process = MockProcess("--workers", str(WORKERS), ready_within=60).start()
    try:
        yield process
    finally:
        process.stop()


def _worker_of(response: httpx.Response) -> str:
    return response.headers["x-spike-mock-worker"]


def _init_url(mock: MockProcess, token: str) -> httpx.Response:
    return httpx.get(
        f"{mock.base_url}/providers/garmin/integration/init_url",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker PIDs from /proc")
def test_the_workers_are_children_of_one_process(mock: MockProcess) -> None:
    assert mock.pid is not None
    assert len(children_of(mock.pid)) == WORKERS


def test_a_token_from_one_worker_is_accepted_by_all(mock: MockProcess) -> None:
    exchange = httpx.post(f"{mock.base_url}/auth/hmac", json=signed_body("user-w"))
    assert exchange.status_code == 200
    token = exchange.json()["access_token"]
    accepted_by: set[str] = set()
    for _ in range(TRIES):
        response = _init_url(mock, token)
        assert response.status_code == 200, response.text
        accepted_by.add(_worker_of(response))
        if len(accepted_by) == WORKERS:
            break
    assert accepted_by == {str(n) for n in range(WORKERS)}
    assert _worker_of(exchange) in accepted_by


def test_a_consent_code_opens_through_any_worker_once(mock: MockProcess) -> None:
    issued = []
    for _ in range(20):
        response = _init_url(mock, DEFAULT_STATIC_TOKEN)
        assert response.status_code == 200
        issued.append((response.json()["path"], _worker_of(response)))
    crossed = 0
    for path, issuer in issued:
        opened = httpx.get(path)
        assert opened.status_code == 302, opened.text
        assert "provider_slug=garmin" in opened.headers["location"]
        crossed += _worker_of(opened) != issuer
    assert crossed > 0  # some codes were opened by a worker that did not issue them
    for path, _ in issued:  # and each worked once, whichever worker is asked again
        assert httpx.get(path).status_code == 404


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker PIDs from /proc")
def test_sigterm_stops_every_worker_with_status_0(mock: MockProcess) -> None:
    assert mock.pid is not None
    workers = children_of(mock.pid)
    assert len(workers) == WORKERS
    status, stderr = mock.stop()
    assert status == 0, stderr
    assert "Traceback" not in stderr
    assert _wait_gone(workers) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker PIDs from /proc")
def test_workers_stop_by_themselves_when_the_parent_is_killed(mock: MockProcess) -> None:
    assert mock.pid is not None
    workers = children_of(mock.pid)
    os.kill(mock.pid, signal.SIGKILL)
    assert _wait_gone(workers) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker PIDs from /proc")
def test_a_worker_that_dies_stops_the_rest_and_fails(mock: MockProcess) -> None:
    assert mock.pid is not None
    workers = children_of(mock.pid)
    os.kill(workers[0], signal.SIGKILL)
    assert _wait_gone([mock.pid, *workers]) == []
    status, stderr = mock.stop()
    assert status == 1
    assert "a worker stopped unexpectedly" in stderr
