"""The benchmark's reference rows: what the same server does with (almost) nothing to do.

`raw` is an ASGI app that answers every request with fixed bytes shaped like the mock's
init_url answer: the ceiling for any Python app on this server. `starlette` is the smallest
Starlette route that builds the same answer with a `JSONResponse`: what a framework costs.
Both run on exactly the server the mock runs on (`spike_kit.mock.server.uvicorn_config`:
uvicorn, uvloop, httptools, the same options), one process, and say `ready on URL` like
`spike-mock` does, so `MockProcess(module=...)` starts them.

    python -m spike_kit.bench.reference_apps --app raw --port 0
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from spike_kit.mock.asgi import Receive, Scope, Send
from spike_kit.mock.server import LOOPBACK, uvicorn_config
from spike_kit.mock.workers import ReadyServer

ROUTE = "/v3/providers/{provider_slug}/integration/init_url"
CODE = "0" * 40


def _answer(slug: str) -> dict[str, str]:
    return {
        "provider_slug": slug,
        "path": f"http://127.0.0.1/v3/providers/{slug}/integration/init/ic/{CODE}",
    }


RAW_BODY = json.dumps(_answer("garmin")).encode()
RAW_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(RAW_BODY)).encode()),
]


async def raw_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Fixed bytes for any HTTP request: no routing, no parsing, no validation."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": RAW_HEADERS})
    await send({"type": "http.response.body", "body": RAW_BODY})


def starlette_app() -> Any:
    """One Starlette route that answers like the mock's init_url, with nothing checked."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def init_url(request: Request) -> JSONResponse:
        return JSONResponse(_answer(request.path_params["provider_slug"]))

    return Starlette(routes=[Route(ROUTE, init_url, methods=["GET"])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve one of the benchmark's reference apps.")
    parser.add_argument("--app", choices=["raw", "starlette"], required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    app = raw_app if args.app == "raw" else starlette_app()

    def ready(port: int) -> None:
        print(f"reference-{args.app} ready on http://{LOOPBACK}:{port}/v3", flush=True)

    server = ReadyServer(uvicorn_config(app, LOOPBACK, args.port), on_ready=ready)
    server.run()
    return 0 if server.started else 1


if __name__ == "__main__":
    raise SystemExit(main())
