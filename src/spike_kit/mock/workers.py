"""`spike-mock --workers N`: one mock served from N processes on one port.

The parent builds the app once (spec, validators, token-signing secret, the shared flow
store and its lock), binds the listening sockets, and forks the workers, which so inherit all
of it: a token any worker issues is accepted by every worker (it is signed with the one
secret, not stored), and an integration code opens through any worker, once (the flow store
is one block of shared memory, see `spike_kit.mock.flows`). On Linux each worker gets its own
socket on the port (`SO_REUSEPORT`), so the kernel spreads connections evenly; elsewhere they
share one socket.

The parent prints the `ready` line once every worker listens, and on SIGINT or SIGTERM stops
every worker (SIGTERM, then SIGKILL after a grace period) and exits 0. If a worker dies on its
own, the parent stops the rest and exits 1. A worker whose parent is gone stops by itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from typing import Any

import uvicorn

from spike_kit.mock.app import MockApp
from spike_kit.mock.server import bound_port, uvicorn_config
from spike_kit.processes import GRACE_SECONDS

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
READY_WITHIN = 30.0


class ReadyServer(uvicorn.Server):
    """A uvicorn server that reports once it listens and stops with status 0 on a signal.

    uvicorn re-raises the signal after shutting down (status -15 on SIGTERM); a test double
    that was asked to stop has not failed, so scripts should see success. As a worker it also
    stops when its parent is gone, so no worker outlives a killed `spike-mock`.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        on_ready: Callable[[int], None],
        parent_pid: int | None = None,
    ) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._parent_pid = parent_pid

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_ready(bound_port(self))

    async def on_tick(self, counter: int) -> bool:
        if self._parent_pid is not None and os.getppid() != self._parent_pid:
            return True
        return await super().on_tick(counter)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def listening_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker on one port (Linux, `SO_REUSEPORT`), else one shared."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    per_worker = workers > 1 and sys.platform.startswith("linux")
    sockets: list[socket.socket] = []
    for _ in range(workers if per_worker else 1):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if per_worker:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]
        sock.listen(2048)
        sockets.append(sock)
    return sockets


def _worker(
    index: int,
    app: MockApp,
    sock: socket.socket,
    parent_pid: int,
    ready: Any,
    access_log: bool,
) -> None:
    app.state.mock.worker = str(index).encode()
    host, port = sock.getsockname()[:2]
    server = ReadyServer(
        uvicorn_config(app, host, port, access_log=access_log),
        on_ready=lambda _port: ready.release(),
        parent_pid=parent_pid,
    )
    server.run(sockets=[sock])
    sys.exit(0 if server.started else 1)


class _StopRequested:
    def __init__(self) -> None:
        self.signal: int | None = None

    def __call__(self, sig: int, frame: Any) -> None:
        self.signal = sig


def serve_workers(app: MockApp, host: str, port: int, workers: int, access_log: bool) -> int:
    """Run `workers` forked copies of `app` on one port until SIGINT/SIGTERM; exit status."""
    context = multiprocessing.get_context("fork")
    app.state.mock.flows.share_across_processes()
    sockets = listening_sockets(host, port, workers)
    bound = sockets[0].getsockname()[1]
    ready = context.Semaphore(0)
    processes = [
        context.Process(
            target=_worker,
            args=(index, app, sockets[index % len(sockets)], os.getpid(), ready, access_log),
            name=f"spike-mock-worker-{index}",
        )
        for index in range(workers)
    ]
    stop = _StopRequested()
    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        for process in processes:
            process.start()
        for sock in sockets:
            sock.close()  # the workers hold their own copies
        if not _wait_ready(ready, processes, stop):
            if stop.signal is not None:  # asked to stop while starting: not a failure
                return _stop_all(processes)
            print("spike-mock: cannot start: a worker did not start", file=sys.stderr)
            _stop_all(processes)
            return 1
        print(f"spike-mock ready on http://{host}:{bound}{app.state.mock.base_path}", flush=True)
        while stop.signal is None:
            if wait([p.sentinel for p in processes], timeout=0.5):
                print("spike-mock: a worker stopped unexpectedly", file=sys.stderr)
                _stop_all(processes)
                return 1
        return _stop_all(processes)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_ready(ready: Any, processes: list[Any], stop: _StopRequested) -> bool:
    deadline = time.monotonic() + READY_WITHIN
    for _ in processes:
        while not ready.acquire(timeout=0.2):
            dead = any(p.exitcode is not None for p in processes)
            if dead or stop.signal is not None or time.monotonic() > deadline:
                return False
    return True


def _stop_all(processes: list[Any]) -> int:
    """SIGTERM every worker, SIGKILL any still there after the grace period; 0 if all exited 0."""
    for process in processes:
        if process.exitcode is None:
            process.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join(GRACE_SECONDS)
    return 0 if all(p.exitcode == 0 for p in processes) else 1
