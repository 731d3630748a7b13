"""httpx transports that reach the mock in-process, without a port.

httpx ships an async ASGI transport only; the sync one runs that transport on an event loop in
a helper thread (an anyio blocking portal), so sync clients get the same in-process mock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import anyio.from_thread
import httpx
from anyio.from_thread import BlockingPortal


class SyncASGITransport(httpx.BaseTransport):
    """Sync httpx transport onto an ASGI app; close it to stop its helper thread."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal_context: AbstractContextManager[BlockingPortal] = (
            anyio.from_thread.start_blocking_portal()
        )
        self._portal: BlockingPortal | None = self._portal_context.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._portal is None:
            raise RuntimeError("this transport is closed")

        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=content,
                extensions=response.extensions,
            )

        return self._portal.call(send)

    def close(self) -> None:
        if self._portal is not None:
            self._portal = None
            self._portal_context.__exit__(None, None, None)
