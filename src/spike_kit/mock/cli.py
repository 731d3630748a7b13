"""`spike-mock`: run the mock Spike server from the command line.

It prints one `ready` line with its base URL once it accepts connections (scripts wait for
it), and stops cleanly, exit status 0, on Ctrl-C or SIGTERM, with every worker.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from spike_kit.mock.app import create_app
from spike_kit.mock.preflight import SpecNotServableError
from spike_kit.mock.server import LOOPBACK, uvicorn_config
from spike_kit.mock.settings import (
    CONSENT_MODES,
    DEFAULT_REDIRECT_HOSTS,
    DEFAULT_REDIRECT_URL,
    DEFAULT_STATIC_TOKEN,
    MockSettings,
    bundled_spec_path,
)
from spike_kit.mock.webhooks import add_webhook_arguments
from spike_kit.mock.workers import ReadyServer, serve_workers
from spike_kit.spec import SpecLoadError

MAX_WORKERS = 64


def _application(text: str) -> tuple[int, str]:
    app_id, sep, key = text.partition(":")
    if not sep or not app_id.isdigit() or len(key) < 16:
        raise argparse.ArgumentTypeError(
            "expected ID:KEY with a numeric id and a key of 16+ characters"
        )
    return int(app_id), key


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_WORKERS}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spike-mock", description="Run the mock Spike API server."
    )
    parser.add_argument("--host", default=LOOPBACK, help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 for any free one (default 8765)"
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="serve from N processes on one port (default 1). Tokens and integration codes "
        "work on every worker, and each code still works only once: the workers share one "
        "signing secret and one store of open codes",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="make the token-signing secret and integration codes reproducible. A seeded mock "
        "is predictable by design: anyone who knows the seed can forge its tokens and guess "
        "its codes, so seed only repeatable test runs (default: random on every start)",
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
        "--public-url",
        help="scheme://host[:port] used in returned URLs (default: the address the mock "
        "accepted the connection on; never the request's Host header)",
    )
    parser.add_argument(
        "--no-faults", action="store_true", help="ignore the X-Spike-Mock-Fault header"
    )
    parser.add_argument(
        "--consent",
        choices=CONSENT_MODES,
        default="redirect",
        help="how the consent URL answers: `redirect` sends the browser back at once (default, "
        "for tests); `page` shows a consent screen with Allow and Deny, for a person trying "
        "the flow in a browser",
    )
    parser.add_argument("--spec", type=Path, default=None, help="serve another copy of the spec")
    parser.add_argument("--access-log", action="store_true", help="log every request (slower)")
    add_webhook_arguments(parser)
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
        consent=args.consent,
        webhook_url=args.webhook_url,
        webhook_key=args.webhook_key,
        webhook_time_scale=args.webhook_time_scale,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.webhook_url and args.workers > 1:
        print(
            "spike-mock: --webhook-url needs --workers 1: each worker would deliver and keep "
            "its own ledger of deliveries, which no test could read whole",
            file=sys.stderr,
        )
        return 2
    try:
        app = create_app(settings_from(args))
    except SpecLoadError as exc:  # SpecNotServableError too: each reason at its line
        verb = "cannot serve" if isinstance(exc, SpecNotServableError) else "cannot load"
        for fault in exc.faults:
            print(f"spike-mock: {verb} {fault.render(exc.file)}", file=sys.stderr)
        return 2
    except Exception as exc:  # report any bad setting as one clear line
        print(f"spike-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    try:
        app.state.mock.flows.prefault()
        gc.freeze()  # what start-up built lives as long as the server: no collection walks it
        if args.workers > 1:
            return serve_workers(app, args.host, args.port, args.workers, args.access_log)
        config = uvicorn_config(app, args.host, args.port, access_log=args.access_log)
    except Exception as exc:  # report any bad setting as one clear line
        print(f"spike-mock: cannot start: {exc}", file=sys.stderr)
        return 2

    base_path = app.state.mock.base_path  # from the spec's server URL

    def ready(port: int) -> None:
        print(f"spike-mock ready on http://{args.host}:{port}{base_path}", flush=True)

    server = ReadyServer(config, on_ready=ready)
    try:
        server.run()
    finally:
        app.close()
    return 0 if server.started else 1
