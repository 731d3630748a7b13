#!/usr/bin/env python3
"""Start the mock Spike (with its consent page) and the reference service, for a person to try.

    python examples/service/run_with_mock.py [--port 8000] [--mock-port 8765]

`python3 scripts/tox -e example` runs this. Both servers bind to 127.0.0.1; the service is
configured from `mock.env` beside this file, aimed at the mock's actual port, and the mock
delivers Spike's webhooks to the service's `/spike/webhooks`, signed with that file's
`SPIKE_WEBHOOK_KEY` (a public test value), so a connection shows "Confirmed by Spike" once
its webhook is in. It prints the
URL to open once both answer, and stops both, by their process ids, on Ctrl-C or SIGTERM
(exit 0), or when either of them stops by itself (exit 1, with what it said). Port 0 picks a
free port (the browser suite does).
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from spike_kit.processes import stop_child

HERE = Path(__file__).resolve().parent
ENV_FILE = HERE / "mock.env"
READY_WITHIN = 30.0


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines, as `uvicorn --env-file` reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_mock(port: int, webhook_url: str, webhook_key: str) -> tuple[subprocess.Popen[str], str]:
    """`spike-mock --consent page` on 127.0.0.1, delivering webhooks to `webhook_url`, and its
    base URL once it says it is ready."""
    command = [sys.executable, "-m", "spike_kit.mock", "--port", str(port), "--consent", "page"]
    # The mock's test key, public by design, so a flag is fine here; never a real key.
    command += ["--webhook-url", webhook_url, "--webhook-key", webhook_key]
    mock = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert mock.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(mock.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=READY_WITHIN)
    line = mock.stdout.readline().strip() if ready else ""
    if " ready on " not in line:
        stop_child(mock)
        raise RuntimeError(f"spike-mock did not start (see above): {line or 'no ready line'}")
    return mock, line.rsplit(" ", 1)[-1]


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with status {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        return
    raise RuntimeError(f"the service did not answer at {url} within {READY_WITHIN:.0f} s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="the service's (default 8000)")
    parser.add_argument("--mock-port", type=int, default=8765, help="the mock's (default 8765)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    children: list[subprocess.Popen[str] | subprocess.Popen[bytes]] = []
    status = 0
    try:
        settings = read_env_file(ENV_FILE)
        port = args.port or _free_port()
        url = f"http://127.0.0.1:{port}"
        webhook_url = f"{url}/spike/webhooks"
        mock, mock_url = _start_mock(args.mock_port, webhook_url, settings["SPIKE_WEBHOOK_KEY"])
        children.append(mock)
        env = {**os.environ, **settings, "SPIKE_BASE_URL": mock_url, "SERVICE_PUBLIC_URL": url}
        command = [sys.executable, "-m", "uvicorn", "--factory", "reference_service.app:create_app"]
        command += ["--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port)]
        # Its log (requests included) goes to stderr: stdout says only what to open.
        service = subprocess.Popen(command, env=env, stdout=sys.stderr)
        children.append(service)
        _wait_until_answering(f"{url}/", service)
        print(
            f"spike-mock (consent page) on {mock_url} [pid {mock.pid}], webhooks to {webhook_url}",
            flush=True,
        )
        print(f"reference service on {url} [pid {service.pid}]", flush=True)
        print(f"Open {url}/ in your browser. Ctrl-C stops both.", flush=True)
        while not stop.wait(0.2):
            stopped = [child for child in children if child.poll() is not None]
            if stopped:
                print(f"run_with_mock: {len(stopped)} server(s) stopped by itself", file=sys.stderr)
                status = 1
                break
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        print(f"run_with_mock: {exc}", file=sys.stderr)
        status = 1
    finally:
        for child in reversed(children):
            stop_child(child)
    return status


if __name__ == "__main__":
    sys.exit(main())
