"""`spike-mock`: run the mock Spike server from the command line.

It prints one `ready` line with its base URL once it accepts connections (scripts wait for
it), and stops cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from spike_kit.mock.app import create_app
from spike_kit.mock.server import LOOPBACK, bound_port, uvicorn_config
from spike_kit.mock.settings import (
    DEFAULT_REDIRECT_HOSTS,
    DEFAULT_REDIRECT_URL,
    DEFAULT_STATIC_TOKEN,
    MockSettings,
    bundled_spec_path,
)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _ReadyServer(uvicorn.Server):
    """Says `ready` once it listens, so a script can wait for that line instead of polling."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            port = bound_port(self)
            print(f"spike-mock ready on http://{self.config.host}:{port}/v3", flush=True)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """SIGINT and SIGTERM mean a graceful stop and exit status 0.

        uvicorn re-raises the signal after shutting down (status -15 on SIGTERM); a test
        double that was asked to stop has not failed, so scripts should see success.
        """
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _application(text: str) -> tuple[int, str]:
    app_id, sep, key = text.partition(":")
    if not sep or not app_id.isdigit() or len(key) < 16:
        raise argparse.ArgumentTypeError(
            "expected ID:KEY with a numeric id and a key of 16+ characters"
        )
    return int(app_id), key


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spike-mock", description="Run the mock Spike API server."
    )
    parser.add_argument("--host", default=LOOPBACK, help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 for any free one (default 8765)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for integration codes and token signing"
    )
    parser.add_argument(
        "--application",
        type=_application,
        action="append",
        metavar="ID:KEY",
        help="an application and its HMAC key (repeatable; default: 9999 and the public mock key)",
    )
    parser.add_argument(
        "--token",
        action="append",
        metavar="TOKEN",
        help=f"a bearer token always accepted (repeatable; default {DEFAULT_STATIC_TOKEN})",
    )
    parser.add_argument(
        "--redirect-host",
        action="append",
        metavar="HOST",
        help=f"allowed redirect domain (repeatable; default {', '.join(DEFAULT_REDIRECT_HOSTS)})",
    )
    parser.add_argument(
        "--default-redirect-url",
        default=DEFAULT_REDIRECT_URL,
        help="redirect URL when none is given; may hold {application_user_id}, "
        "{provider_slug}, {provider_user_id}",
    )
    parser.add_argument(
        "--token-ttl", type=float, default=3600.0, help="seconds an issued token lives"
    )
    parser.add_argument(
        "--public-url", help="scheme://host[:port] used in returned URLs (default: the request's)"
    )
    parser.add_argument(
        "--no-faults", action="store_true", help="ignore the X-Spike-Mock-Fault header"
    )
    parser.add_argument("--spec", type=Path, default=None, help="serve another copy of the spec")
    parser.add_argument("--access-log", action="store_true", help="log every request (slower)")
    return parser


def settings_from(args: argparse.Namespace) -> MockSettings:
    defaults = MockSettings()
    return MockSettings(
        applications=dict(args.application) if args.application else defaults.applications,
        static_tokens=frozenset(args.token) if args.token else defaults.static_tokens,
        redirect_hosts=frozenset(args.redirect_host)
        if args.redirect_host
        else defaults.redirect_hosts,
        default_redirect_url=args.default_redirect_url,
        token_ttl=args.token_ttl,
        seed=args.seed,
        public_url=args.public_url,
        faults=not args.no_faults,
        spec_path=args.spec or bundled_spec_path(),
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        config = uvicorn_config(
            create_app(settings), args.host, args.port, access_log=args.access_log
        )
    except Exception as exc:  # report any bad setting as one clear line
        print(f"spike-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    server = _ReadyServer(config)
    asyncio.run(server.serve())
    return 0 if server.started else 1
