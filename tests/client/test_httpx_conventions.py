"""The client behaves as plain httpx does where services rely on httpx's conventions.

0.2.0 gave httpx a transport of its own, so httpx skipped the environment (proxies,
`NO_PROXY`, `SSL_CERT_FILE`), dropped pool settings beside a caller's transport, crashed on
`httpx_args={"transport": ...}`, and showed event hooks and OpenTelemetry one request for a
call that made three attempts. Proven here against a recording proxy, a TLS server and
respx, all on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import trustme
from spike_api_client import (
    APIConnectionError,
    AuthenticatedClient,
    Client,
    InvalidInputError,
    NotFoundError,
)
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import FAST_RETRIES, GOOD_BODY, ROUTE, TOKEN, Call, make_client
from tests.local_http import LocalServer, RawServer, answer

BODY = json.dumps(GOOD_BODY).encode()
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RawServer]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with RawServer(answer(BODY)) as server:
        yield server


@pytest.fixture
def origin() -> Iterator[RawServer]:
    """A server on another loopback address, so that it is not the proxy's own."""
    with RawServer(answer(BODY), host="127.0.0.2") as server:
        yield server


def test_http_proxy_from_the_environment_is_used(
    call: Call, proxy: RawServer, origin: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert call(make_client(base_url=f"{origin.url}/v3")).provider_slug == "garmin"
    assert proxy.heads == [f"GET {origin.url}/v3/providers/garmin/integration/init_url HTTP/1.1"]
    assert origin.heads == []


def test_no_proxy_sends_straight_to_the_host(
    call: Call, proxy: RawServer, origin: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.2")
    call(make_client(base_url=f"{origin.url}/v3"))
    assert proxy.heads == []
    assert origin.heads == ["GET /v3/providers/garmin/integration/init_url HTTP/1.1"]


def test_https_proxy_gets_the_tunnel_request(
    call: Call, proxy: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with pytest.raises(APIConnectionError, match="ProxyError"):
        call(make_client(max_retries=0))
    assert proxy.heads == ["CONNECT app-api.spikeapi.com:443 HTTP/1.1"]


def test_trust_env_false_ignores_the_environment(
    call: Call, proxy: RawServer, origin: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    call(make_client(base_url=f"{origin.url}/v3", httpx_args={"trust_env": False}))
    assert proxy.heads == []
    assert len(origin.heads) == 1


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An https server on 127.0.0.1 whose certificate a test CA signed; (URL, CA file)."""
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    certificate.configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    server = LocalServer(BODY, "application/json", 0.0)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/v3", ca_file
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_ssl_cert_file_from_the_environment_is_trusted(
    call: Call, tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, ca_file = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(APIConnectionError):
        call(make_client(base_url=url, max_retries=0))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    assert call(make_client(base_url=url)).provider_slug == "garmin"


def _answer_404(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"detail": "unknown provider"})


def test_a_test_transport_in_httpx_args_is_used(call: Call) -> None:
    """How plain openapi-python-client users inject a transport; 0.2.0 raised TypeError."""
    client = make_client(httpx_args={"transport": httpx.MockTransport(_answer_404)})
    with pytest.raises(NotFoundError):
        call(client)


@pytest.mark.parametrize(
    "settings",
    [
        {"httpx_args": {"limits": httpx.Limits(max_connections=1)}},
        {"httpx_args": {"http2": True}},
        {"httpx_args": {"proxy": "http://127.0.0.1:9"}},
        {"verify_ssl": False},
    ],
    ids=["limits", "http2", "proxy", "verify"],
)
@pytest.mark.parametrize("where", ["transport", "httpx_args"])
def test_pool_settings_beside_a_callers_transport_are_refused(
    settings: dict[str, Any], where: str
) -> None:
    transport = httpx.MockTransport(_answer_404)
    arguments: dict[str, Any] = {**settings}
    if where == "transport":
        arguments["transport"] = transport
    else:
        arguments["httpx_args"] = {**arguments.get("httpx_args", {}), "transport": transport}
    with pytest.raises(InvalidInputError, match="configure that transport instead"):
        make_client(**arguments)


@pytest.mark.parametrize("key", ["base_url", "timeout", "auth", "params"])
def test_httpx_args_that_the_client_sets_itself_are_refused(key: str) -> None:
    with pytest.raises(InvalidInputError, match=key):
        make_client(httpx_args={key: None})


SEQUENCE = [httpx.Response(503), httpx.Response(503), httpx.Response(200, json=GOOD_BODY)]


def test_sync_event_hooks_see_every_attempt() -> None:
    seen: list[str] = []
    hooks = {
        "request": [lambda request: seen.append(f"request {request.url.path}")],
        "response": [lambda response: seen.append(f"response {response.status_code}")],
    }
    with respx.mock() as router:
        router.get(ROUTE).mock(side_effect=list(SEQUENCE))
        init_url.sync("garmin", client=make_client(httpx_args={"event_hooks": hooks}))
        router.get(ROUTE).mock(side_effect=[httpx.Response(404, json={"detail": "no"})])
        with pytest.raises(NotFoundError):
            init_url.sync("garmin", client=make_client(httpx_args={"event_hooks": hooks}))
    path = "/v3/providers/garmin/integration/init_url"
    assert seen == [f"request {path}", "response 503"] * 2 + [f"request {path}", "response 200"] + [
        f"request {path}",
        "response 404",
    ]


def test_async_event_hooks_see_every_attempt() -> None:
    seen: list[int] = []

    async def on_response(response: httpx.Response) -> None:
        seen.append(response.status_code)

    async def go() -> None:
        with respx.mock() as router:
            router.get(ROUTE).mock(side_effect=list(SEQUENCE))
            client = make_client(httpx_args={"event_hooks": {"response": [on_response]}})
            async with client:
                await init_url.asyncio("garmin", client=client)

    asyncio.run(go())
    assert seen == [503, 503, 200]


class Spans:
    """An OpenTelemetry tracer provider that keeps finished spans in memory."""

    def __init__(self) -> None:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    def statuses(self) -> list[object]:
        """The HTTP status of each finished span (new or old semantic-convention name)."""
        found: list[object] = []
        for span in self.exporter.get_finished_spans():
            attributes = dict(span.attributes or {})
            status = attributes.get("http.response.status_code")
            found.append(status if status is not None else attributes.get("http.status_code"))
        return found


@pytest.fixture
def spans() -> Iterator[Spans]:
    kept = Spans()
    yield kept
    kept.provider.shutdown()


def test_opentelemetry_instrument_client_sees_every_attempt_through_copies(spans: Spans) -> None:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    root = make_client()
    HTTPXClientInstrumentor.instrument_client(
        root.get_httpx_client(), tracer_provider=spans.provider
    )
    with respx.mock() as router:
        router.get(ROUTE).mock(side_effect=list(SEQUENCE))
        init_url.sync("garmin", client=root.with_options(max_retries=2))
        router.get(ROUTE).mock(side_effect=[httpx.Response(200, json=GOOD_BODY)])
        init_url.sync("garmin", client=root.with_headers({"X-Request-Id": "r-1"}))
    assert spans.statuses() == [503, 503, 200, 200]


def test_opentelemetry_global_instrumentation_sees_every_attempt(spans: Spans) -> None:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor = HTTPXClientInstrumentor()
    instrumentor.instrument(tracer_provider=spans.provider)
    try:
        with respx.mock() as router:
            router.get(ROUTE).mock(side_effect=list(SEQUENCE))
            init_url.sync("garmin", client=make_client())

            async def go() -> None:
                router.get(ROUTE).mock(side_effect=list(SEQUENCE))
                async with make_client() as client:
                    await init_url.asyncio("garmin", client=client)

            asyncio.run(go())
    finally:
        instrumentor.uninstrument()
    assert spans.statuses() == [503, 503, 200] * 2


def test_first_use_from_many_threads_makes_one_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[httpx.Client] = []
    original = httpx.Client.__init__

    def counting(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "__init__", counting)
    client = AuthenticatedClient(
        token=TOKEN,
        retry=FAST_RETRIES,
        httpx_args={
            "transport": httpx.MockTransport(lambda request: httpx.Response(200, json=GOOD_BODY))
        },
    )
    start = threading.Barrier(16)

    def first_call() -> None:
        start.wait()
        init_url.sync("garmin", client=client)

    threads = [threading.Thread(target=first_call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    client.close()
    assert len(made) == 1


def test_copies_share_the_roots_httpx_client() -> None:
    root = Client()
    copies = [root.with_options(deadline=5), root.with_headers({"a": "b"}), root.with_cookies({})]
    assert {id(copy.get_httpx_client()) for copy in copies} == {id(root.get_httpx_client())}
    root.close()
