"""The mock Spike API as an ASGI application.

Routes come from the spec's paths, so a new operation is served (from its example) as soon as
the spec has it; the two operations Spike's flow needs have real behaviour: the token
exchange checks HMAC signatures and issues expiring JWTs, init_url checks the provider and the
redirect allow-list and opens a flow, and the consent URL it hands out redirects back with
`user_id`, `provider_slug`, `state` or `error`, like Spike does.

Every request takes the same steps: route, authenticate, play a fault if one was asked for,
validate parameters and body against the spec, then the operation's own rules. No framework
sits in between (see `spike_kit.mock.asgi` for why).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import random
import re
from collections.abc import Awaitable, Callable
from json.encoder import encode_basestring_ascii as _json_string
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from attrs import define, field, frozen

from spike_kit.mock.asgi import (
    Receive,
    Reply,
    Scope,
    Send,
    encode_headers,
    json_reply,
    parse_query,
    problem,
    read_body,
    read_headers,
    serve_lifespan,
)
from spike_kit.mock.faults import Fault, FaultError, FaultLedger, parse_fault
from spike_kit.mock.flows import FlowStore
from spike_kit.mock.preflight import checked
from spike_kit.mock.settings import MockSettings
from spike_kit.mock.tokens import Identity, TokenError, TokenIssuer
from spike_kit.mock.validation import (
    Issue,
    OperationRules,
    check_json_body,
    check_parameters,
    compile_rules,
)
from spike_kit.mock.webhooks import (
    LEDGER_PATH,
    WebhookSender,
    ledger_endpoint,
    send_endpoint,
    webhook_sender,
)
from spike_kit.spec import JSON, load_file, providers, server_base_path

MAX_BODY_BYTES = 10 * 1024 * 1024
FAULT_HEADER = "x-spike-mock-fault"
CONSENT_HEADER = "x-spike-mock-consent"
MAX_OUTCOME_CHARS = 256
WORKER_HEADER = b"x-spike-mock-worker"
STATIC_USER = "mock-user"


@frozen
class Provider:
    slug: str
    integration: str
    requires_provider_user_id: bool
    name: str
    """How people call it (`x-spike-providers`' `name`), shown on the consent page."""


@frozen
class Flow:
    """One init_url call waiting for the user to come through the consent URL."""

    identity: Identity
    provider_slug: str
    redirect_uri: str | None
    state: str | None
    provider_user_id: str | None
    outcome: str | None

    @classmethod
    def decode(cls, raw: bytes) -> Flow:
        app_id, user_id, slug, redirect_uri, state, provider_user_id, outcome = json.loads(raw)
        return cls(Identity(app_id, user_id), slug, redirect_uri, state, provider_user_id, outcome)


def encode_flow(application_id: int, *texts: str | None) -> bytes:
    """A flow as ASCII JSON (non-ASCII escaped), as `FlowStore` needs: the application id, then
    user id, provider slug, redirect_uri, state, provider_user_id and outcome. Written out by
    hand, without a `Flow` in between: it runs on every init_url call."""
    items = ",".join("null" if text is None else _json_string(text) for text in texts)
    return f"[{int(application_id)},{items}]".encode("ascii")


def _signing_secret(seed: int | None) -> bytes:
    if seed is None:
        return os.urandom(32)
    return hashlib.sha256(f"spike-mock-signing-{seed}".encode()).digest()


def _nonce_source(seed: int | None) -> Callable[[], bytes] | None:
    """Random integration codes from the OS, or from the seed when one is given (predictable
    by design, for reproducible test runs)."""
    if seed is None:
        return None
    rng = random.Random(seed)
    return lambda: rng.getrandbits(128).to_bytes(16, "big")


@define
class MockState:
    settings: MockSettings
    spec: dict[str, JSON]
    rules: dict[str, OperationRules]
    providers: dict[str, Provider]
    issuer: TokenIssuer
    base_path: str
    flows: FlowStore
    faults: FaultLedger
    static_identity: Identity
    """Who a static token signs in as: the lowest application id, user `mock-user`."""
    worker: bytes = b"0"
    """This process's index among `spike-mock --workers N`, sent back in `x-spike-mock-worker`."""
    webhooks: WebhookSender | None = None
    """Delivers Spike's webhook events when the settings name a webhook URL."""
    _origins: dict[tuple[str, Any], str] = field(factory=dict, init=False)

    @classmethod
    def build(cls, settings: MockSettings) -> MockState:
        """The state for serving `settings.spec_path`: the spec loaded and checked for what the
        mock needs (`SpecLoadError`, or its `SpecNotServableError`, names each fault)."""
        spec = checked(load_file(settings.spec_path)).document
        known = {
            e["slug"]: Provider(
                e["slug"],
                e["integration"],
                bool(e.get("requires_provider_user_id")),
                str(e.get("name") or e["slug"]),
            )
            for e in providers(spec)
        }
        return cls(
            settings=settings,
            spec=spec,
            rules=compile_rules(spec),
            providers=known,
            issuer=TokenIssuer(_signing_secret(settings.seed), settings.token_ttl),
            base_path=server_base_path(spec),
            flows=FlowStore(settings.flow_store_bytes, _nonce_source(settings.seed)),
            faults=FaultLedger(),
            static_identity=Identity(min(settings.applications, default=0), STATIC_USER),
            webhooks=webhook_sender(settings, spec),
        )

    def public_url(self, scope: Scope) -> str:
        """Scheme and authority for the URLs the mock hands out: the configured public URL,
        else the address the connection was accepted on. Never the `Host` header, which the
        caller writes."""
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        server = scope.get("server")
        key = (scope.get("scheme", "http"), tuple(server) if server else None)
        found = self._origins.get(key)
        if found is None:
            found = _origin(*key)
            if len(self._origins) < 64:
                self._origins[key] = found
        return found


def _origin(scheme: str, server: Any) -> str:
    if not server:
        return f"{scheme}://localhost"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else str(host)
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


class Request:
    """What the pipeline has read of one request so far (slotted, one per request)."""

    __slots__ = ("headers", "path_params", "receive", "scope")

    def __init__(
        self, scope: Scope, receive: Receive, headers: dict[str, str], path_params: dict[str, str]
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.headers = headers
        self.path_params = path_params


# Authentication ---------------------------------------------------------------------------
def authenticate(state: MockState, headers: dict[str, str]) -> Identity | Reply:
    header = headers.get("authorization")
    if header is None:
        return problem(401, "malformed authorization header")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return problem(401, "malformed authorization header")
    if token in state.settings.static_tokens:
        return state.static_identity
    try:
        identity = state.issuer.verify(token)
    except TokenError as exc:
        return problem(401, str(exc))
    if identity.application_id not in state.settings.applications:
        return problem(401, "application not found")
    return identity


def _caller(identity: Identity) -> str:
    return f"{identity.application_id}:{identity.application_user_id}"


async def play_fault(state: MockState, headers: dict[str, str], caller: str) -> Reply | None:
    """The fault the caller asked for, if any; called only once the caller is authenticated."""
    raw = headers.get(FAULT_HEADER)
    if raw is None or not state.settings.faults:
        return None
    try:
        fault: Fault = parse_fault(raw)
    except FaultError as exc:
        return problem(400, str(exc), [Issue(str(exc), f"header.{FAULT_HEADER}", raw[:200])])
    if not state.faults.should_fire(fault, caller):
        return None
    if fault.delay_ms:
        await asyncio.sleep(fault.delay_ms / 1000)
    if fault.status is None:
        return None
    headers_out = {"retry-after": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.html:
        page = f"<html><body><h1>{fault.status}</h1></body></html>".encode()
        return Reply(fault.status, page, b"text/html; charset=utf-8", encode_headers(headers_out))
    return problem(fault.status, "fault injected by the mock", headers=headers_out)


# Business rules ---------------------------------------------------------------------------
def _host_allowed(host: str, allowed: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == entry or host.endswith(f".{entry}") for entry in allowed)


def _redirect_host(redirect_uri: str) -> str | None:
    """The host a browser would go to, or None when the URL cannot be read safely.

    `urlsplit` refuses what it cannot parse (`https://[example.com]/`) and netlocs that
    change under NFKC normalisation (`https://evil.com\uff0f@example.com/`, with a fullwidth slash
    that a browser reads as `/`): both are refused, not guessed at.
    """
    try:
        host = urlsplit(redirect_uri).hostname
    except ValueError:
        return None
    return host or ""


async def exchange_hmac_token(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Reply:
    application_id = body["application_id"]
    user_id = body["application_user_id"]
    key = state.settings.applications.get(application_id)
    if key is None:
        return problem(401, "application not found")
    expected = hmac.new(key.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, body["signature"]):
        return problem(
            401, "invalid signature", [Issue("signature does not match", "body.signature")]
        )
    identity = Identity(application_id, user_id)
    faulted = await play_fault(state, request.headers, _caller(identity))
    if faulted is not None:
        return faulted
    return json_reply({"access_token": state.issuer.issue(identity)})


async def get_integration_init_url(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Reply:
    identity: Identity = request.scope["spike.identity"]
    slug = params["provider_slug"]
    provider = state.providers.get(slug)
    if provider is None:
        return problem(
            404, "unknown provider", [Issue("unknown provider", "path.provider_slug", slug)]
        )
    if provider.integration != "consent":
        detail = f"{slug} is integrated through Spike's mobile SDKs, not through init_url"
        return problem(422, detail, [Issue(detail, "path.provider_slug", slug)])
    if provider.requires_provider_user_id and "provider_user_id" not in params:
        detail = f"{slug} requires provider_user_id (the user's email at {slug})"
        return problem(422, detail, [Issue("required for this provider", "query.provider_user_id")])
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is not None:
        host = _redirect_host(redirect_uri)
        if host is None:
            detail = "redirect_uri is not a URL a browser would read the same way"
            return problem(422, detail, [Issue(detail, "query.redirect_uri", redirect_uri)])
        if not _host_allowed(host, state.settings.redirect_hosts):
            detail = "redirect_uri domain is not on the application's allow-list"
            return problem(422, detail, [Issue(detail, "query.redirect_uri", redirect_uri)])
    outcome = request.headers.get(CONSENT_HEADER)
    if outcome is not None and len(outcome) > MAX_OUTCOME_CHARS:
        detail = f"{CONSENT_HEADER} is at most {MAX_OUTCOME_CHARS} characters (an error code)"
        return problem(400, detail, [Issue(detail, f"header.{CONSENT_HEADER}")])
    code = state.flows.put(
        encode_flow(
            identity.application_id,
            identity.application_user_id,
            slug,
            redirect_uri,
            params.get("state"),
            params.get("provider_user_id"),
            outcome,
        )
    )
    path = (
        f"{state.public_url(request.scope)}{state.base_path}"
        f"/providers/{slug}/integration/init/ic/{code}"
    )
    body = f'{{"provider_slug":{_json_string(slug)},"path":{_json_string(path)}}}'
    return Reply(200, body.encode("ascii"))


def _fill_placeholders(template: str, flow: Flow) -> str:
    values = {
        "application_user_id": flow.identity.application_user_id,
        "provider_slug": flow.provider_slug,
        "provider_user_id": flow.provider_user_id or "",
    }
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe=""))
    return template


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(extra)]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redirect_target(state: MockState, flow: Flow) -> str:
    """Where the flow sends the user back: its `redirect_uri`, else the default redirect URL
    with its placeholders filled."""
    return flow.redirect_uri or _fill_placeholders(state.settings.default_redirect_url, flow)


def finish_flow(state: MockState, flow: Flow, outcome: str | None, status: int = 302) -> Reply:
    """The end of a consent flow, whichever way it was answered: the redirect back, with
    `user_id`, `provider_slug`, `state` when one was given, and `error` unless the outcome
    is success."""
    back = {"user_id": flow.identity.application_user_id, "provider_slug": flow.provider_slug}
    if flow.state is not None:
        back["state"] = flow.state
    if outcome and outcome != "success":
        back["error"] = outcome
    elif state.webhooks is not None:  # Spike tells the application server to server too
        state.webhooks.integration_created(flow.identity.application_user_id, flow.provider_slug)
    location = _with_query(redirect_target(state, flow), back).encode("utf-8")
    return Reply(status, b"", None, ((b"location", location),))


async def consent(state: MockState, request: Request) -> Reply:
    """The provider's consent, played at once: redirect back as Spike does after it."""
    raw = state.flows.take(request.path_params["ic"])
    flow = Flow.decode(raw) if raw is not None else None
    if flow is None or flow.provider_slug != request.path_params["provider_slug"]:
        return problem(404, "unknown or already used integration code")
    outcome = parse_query(request.scope.get("query_string", b"")).get("outcome", [None])[0]
    return finish_flow(state, flow, outcome or flow.outcome)


async def _mock_webhooks(state: MockState, request: Request) -> Reply:
    """The mock-only webhook routes (`spike_kit.mock.webhooks`), for a signed-in caller."""
    identity = authenticate(state, request.headers)
    if isinstance(identity, Reply):
        return identity
    if request.scope["method"] == "POST":
        return await send_endpoint(state.webhooks, request.receive, request.headers)
    query = parse_query(request.scope.get("query_string", b""))
    return await ledger_endpoint(state.webhooks, query)


HOT = {"getIntegrationInitUrl"}
"""Operations load tests hammer: their route is tried first."""
Handler = Callable[[MockState, Request, dict[str, Any], Any], Awaitable[Reply]]
HANDLERS: dict[str, Handler] = {
    "exchangeHmacToken": exchange_hmac_token,
    "getIntegrationInitUrl": get_integration_init_url,
}


async def _example_handler(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Reply:
    """For an operation the mock has no behaviour for yet: the spec's own 200 example."""
    rules = state.rules[request.scope["spike.operation"]]
    responses = state.spec["paths"][rules.path][rules.method.lower()].get("responses", {})
    media = (responses.get("200", {}).get("content") or {}).get("application/json", {})
    if "example" not in media:
        return problem(501, "the mock has no behaviour or example for this operation")
    return json_reply(media["example"])


# The request pipeline ---------------------------------------------------------------------
Endpoint = Callable[[MockState, Request], Awaitable[Reply]]


def operation_endpoint(rules: OperationRules) -> Endpoint:
    handler = HANDLERS.get(rules.operation_id, _example_handler)

    async def serve(state: MockState, request: Request) -> Reply:
        request.scope["spike.operation"] = rules.operation_id
        headers = request.headers
        if rules.secured:
            identity = authenticate(state, headers)
            if isinstance(identity, Reply):
                return identity
            request.scope["spike.identity"] = identity
            if FAULT_HEADER in headers:  # checked here: most calls ask for none
                faulted = await play_fault(state, headers, _caller(identity))
                if faulted is not None:
                    return faulted
        params, issues = check_parameters(
            rules,
            path=request.path_params,
            query=parse_query(request.scope.get("query_string", b"")),
            headers=headers,
        )
        body = None
        if rules.body_rules:
            raw = await read_body(request.receive, headers.get("content-length"), MAX_BODY_BYTES)
            if raw is None:
                return problem(413, "request body too large")
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            body, body_issues, malformed = check_json_body(rules, media_type, raw)
            if malformed:
                return problem(400, "validation failed", body_issues)
            issues.extend(body_issues)
        if issues:
            return problem(422, "validation failed", issues)
        return await handler(state, request, params, body)

    return serve


@frozen
class Route:
    pattern: re.Pattern[str]
    endpoints: dict[str, Endpoint]
    allow: str


def _route_pattern(template: str) -> re.Pattern[str]:
    """A path template as a regex over the decoded path, `{name}` being one segment."""
    parts = re.split(r"\{([^/{}]+)\}", template)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex)


def build_routes(state: MockState) -> list[Route]:
    by_path: dict[str, dict[str, Endpoint]] = {}
    hot_first = sorted(state.rules.values(), key=lambda r: (r.operation_id not in HOT, r.path))
    for rules in hot_first:
        by_path.setdefault(f"{state.base_path}{rules.path}", {})[rules.method] = operation_endpoint(
            rules
        )
    consent_path = f"{state.base_path}/providers/{{provider_slug}}/integration/init/ic/{{ic}}"
    if state.settings.consent == "page":
        from spike_kit.mock.consent_page import answer_consent, show_consent

        by_path.setdefault(consent_path, {}).update(GET=show_consent, POST=answer_consent)
    else:
        by_path.setdefault(consent_path, {})["GET"] = consent
    by_path[LEDGER_PATH] = {"GET": _mock_webhooks, "POST": _mock_webhooks}
    routes = []
    for template, endpoints in by_path.items():
        if "GET" in endpoints:
            endpoints.setdefault("HEAD", endpoints["GET"])
        allow = ", ".join(sorted(endpoints))
        routes.append(Route(_route_pattern(template), endpoints, allow))
    return routes


class AppState:
    """`app.state.mock`: the mock's state, where tests and fixtures reach its token issuer."""

    def __init__(self, mock: MockState) -> None:
        self.mock = mock


class MockApp:
    """The mock as an ASGI application (see the module docstring)."""

    def __init__(self, state: MockState) -> None:
        self.state = AppState(state)
        self._routes = build_routes(state)

    def close(self) -> None:
        """Stop what runs beside the requests (webhook deliveries); requests need nothing."""
        if self.state.mock.webhooks is not None:
            self.state.mock.webhooks.close()

    def _route(self, path: str, method: str) -> tuple[Endpoint, dict[str, str]] | Reply:
        for route in self._routes:
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            endpoint = route.endpoints.get(method)
            if endpoint is None:
                return problem(405, "method not allowed", headers={"allow": route.allow})
            return endpoint, found.groupdict()
        return problem(404, "not found")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here; the server closes the connection
        state = self.state.mock
        routed = self._route(scope["path"], scope["method"])
        if isinstance(routed, Reply):
            reply = routed
        else:
            endpoint, path_params = routed
            request = Request(scope, receive, read_headers(scope), path_params)
            try:
                reply = await endpoint(state, request)
            except Exception:  # the promise is a problem document, whatever went wrong
                reply = problem(500, "unexpected error")
        await reply.send(send, (WORKER_HEADER, state.worker))


def create_app(settings: MockSettings | None = None) -> MockApp:
    """The mock as an ASGI app; serve it with uvicorn or an httpx ASGI transport."""
    return MockApp(MockState.build(settings or MockSettings()))
