"""The mock Spike API as an ASGI application.

Routes come from the spec's paths, so a new operation is served (from its example) as soon as
the spec has it; the two operations Spike's flow needs have real behaviour: the token
exchange checks HMAC signatures and issues expiring JWTs, init_url checks the provider and the
redirect allow-list and opens a flow, and the consent URL it hands out redirects back with
`user_id`, `provider_slug`, `state` or `error`, like Spike does.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from attrs import define, frozen
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from spike_kit.mock.faults import Fault, FaultError, FaultLedger, parse_fault
from spike_kit.mock.settings import MockSettings
from spike_kit.mock.tokens import Identity, TokenError, TokenIssuer
from spike_kit.mock.validation import (
    Issue,
    OperationRules,
    check_json_body,
    check_parameters,
    compile_rules,
)
from spike_kit.spec import JSON, load_spec

PROBLEM_JSON = "application/problem+json"
MAX_BODY_BYTES = 10 * 1024 * 1024
FAULT_HEADER = "x-spike-mock-fault"
CONSENT_HEADER = "x-spike-mock-consent"
STATIC_USER = "mock-user"


def problem(
    status: int,
    detail: str,
    errors: list[Issue] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document shaped like Spike's (Huma's ErrorModel)."""
    body: dict[str, Any] = {"title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if errors:
        body["errors"] = [issue.as_json() for issue in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


@frozen
class Provider:
    slug: str
    integration: str
    requires_provider_user_id: bool


@frozen
class Flow:
    """One init_url call waiting for the user to come through the consent URL."""

    identity: Identity
    provider_slug: str
    redirect_uri: str | None
    state: str | None
    provider_user_id: str | None
    outcome: str | None


@define
class MockState:
    settings: MockSettings
    spec: dict[str, JSON]
    rules: dict[str, OperationRules]
    providers: dict[str, Provider]
    issuer: TokenIssuer
    base_path: str
    flows: OrderedDict[str, Flow]
    faults: FaultLedger
    rng: random.Random
    static_identity: Identity
    """Who a static token signs in as: the lowest application id, user `mock-user`."""

    @classmethod
    def build(cls, settings: MockSettings) -> MockState:
        spec = load_spec(settings.spec_path)
        entries = spec["components"]["parameters"]["ProviderSlug"].get("x-spike-providers", [])
        providers = {
            e["slug"]: Provider(
                e["slug"], e["integration"], bool(e.get("requires_provider_user_id"))
            )
            for e in entries
        }
        secret = hashlib.sha256(f"spike-mock-signing-{settings.seed}".encode()).digest()
        servers = spec.get("servers") or [{"url": "/"}]
        return cls(
            settings=settings,
            spec=spec,
            rules=compile_rules(spec),
            providers=providers,
            issuer=TokenIssuer(secret, settings.token_ttl),
            base_path=urlsplit(servers[0]["url"]).path.rstrip("/"),
            flows=OrderedDict(),
            faults=FaultLedger(),
            rng=random.Random(settings.seed),
            static_identity=Identity(min(settings.applications, default=0), STATIC_USER),
        )

    def new_flow(self, flow: Flow) -> str:
        code = f"{self.rng.getrandbits(128):032x}"
        self.flows[code] = flow
        while len(self.flows) > self.settings.max_flows:
            self.flows.popitem(last=False)
        return code

    def public_url(self, request: Request) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        return f"{request.url.scheme}://{request.url.netloc}"


# Authentication ---------------------------------------------------------------------------
def authenticate(state: MockState, request: Request) -> Identity | JSONResponse:
    header = request.headers.get("authorization")
    if header is None:
        return problem(401, "malformed authorization header")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(401, "malformed authorization header")
    token = token.strip()
    if token in state.settings.static_tokens:
        return state.static_identity
    try:
        identity = state.issuer.verify(token)
    except TokenError as exc:
        return problem(401, str(exc))
    if identity.application_id not in state.settings.applications:
        return problem(401, "application not found")
    return identity


# Business rules ---------------------------------------------------------------------------
def _host_allowed(host: str, allowed: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == entry or host.endswith(f".{entry}") for entry in allowed)


async def exchange_hmac_token(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Response:
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
    token = state.issuer.issue(Identity(application_id, user_id))
    return JSONResponse({"access_token": token})


async def get_integration_init_url(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Response:
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
        host = urlsplit(redirect_uri).hostname or ""
        if not _host_allowed(host, state.settings.redirect_hosts):
            detail = "redirect_uri domain is not on the application's allow-list"
            return problem(422, detail, [Issue(detail, "query.redirect_uri", redirect_uri)])
    outcome = request.headers.get(CONSENT_HEADER)
    code = state.new_flow(
        Flow(
            identity,
            slug,
            redirect_uri,
            params.get("state"),
            params.get("provider_user_id"),
            outcome,
        )
    )
    path = (
        f"{state.public_url(request)}{state.base_path}/providers/{slug}/integration/init/ic/{code}"
    )
    return JSONResponse({"provider_slug": slug, "path": path})


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


async def consent(request: Request) -> Response:
    """The provider's consent, played at once: redirect back as Spike does after it."""
    state: MockState = request.app.state.mock
    flow = state.flows.pop(request.path_params["ic"], None)
    if flow is None or flow.provider_slug != request.path_params["provider_slug"]:
        return problem(404, "unknown or already used integration code")
    target = flow.redirect_uri or _fill_placeholders(state.settings.default_redirect_url, flow)
    back = {"user_id": flow.identity.application_user_id, "provider_slug": flow.provider_slug}
    if flow.state is not None:
        back["state"] = flow.state
    outcome = request.query_params.get("outcome") or flow.outcome
    if outcome and outcome != "success":
        back["error"] = outcome
    return RedirectResponse(_with_query(target, back), status_code=302)


Handler = Callable[[MockState, Request, dict[str, Any], Any], Awaitable[Response]]
HANDLERS: dict[str, Handler] = {
    "exchangeHmacToken": exchange_hmac_token,
    "getIntegrationInitUrl": get_integration_init_url,
}


async def _example_handler(
    state: MockState, request: Request, params: dict[str, Any], body: Any
) -> Response:
    """For an operation the mock has no behaviour for yet: the spec's own 200 example."""
    rules = state.rules[request.scope["spike.operation"]]
    responses = state.spec["paths"][rules.path][rules.method.lower()].get("responses", {})
    media = (responses.get("200", {}).get("content") or {}).get("application/json", {})
    if "example" not in media:
        return problem(501, "the mock has no behaviour or example for this operation")
    return JSONResponse(media["example"])


# The request pipeline ---------------------------------------------------------------------
async def _play_fault(state: MockState, request: Request) -> Response | None:
    raw = request.headers.get(FAULT_HEADER)
    if raw is None or not state.settings.faults:
        return None
    try:
        fault: Fault = parse_fault(raw)
    except FaultError as exc:
        return problem(400, str(exc), [Issue(str(exc), f"header.{FAULT_HEADER}", raw)])
    if not state.faults.should_fire(fault, raw, request.headers.get("authorization", "")):
        return None
    if fault.delay_ms:
        await asyncio.sleep(fault.delay_ms / 1000)
    if fault.status is None:
        return None
    headers = {"retry-after": str(fault.retry_after)} if fault.retry_after is not None else None
    if fault.html:
        page = f"<html><body><h1>{fault.status}</h1></body></html>"
        return Response(page, status_code=fault.status, media_type="text/html", headers=headers)
    return problem(fault.status, "fault injected by the mock", headers=headers)


async def _read_body(request: Request) -> bytes | JSONResponse:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return problem(413, "request body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return problem(413, "request body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def endpoint(operation_id: str) -> Callable[[Request], Awaitable[Response]]:
    handler = HANDLERS.get(operation_id, _example_handler)

    async def serve(request: Request) -> Response:
        state: MockState = request.app.state.mock
        request.scope["spike.operation"] = operation_id
        faulted = await _play_fault(state, request)
        if faulted is not None:
            return faulted
        rules = state.rules[operation_id]
        if rules.secured:
            identity = authenticate(state, request)
            if isinstance(identity, JSONResponse):
                return identity
            request.scope["spike.identity"] = identity
        query: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            query.setdefault(name, []).append(value)
        params, issues = check_parameters(
            rules, path=request.path_params, query=query, headers=request.headers
        )
        body = None
        if rules.body_validators:
            raw = await _read_body(request)
            if isinstance(raw, JSONResponse):
                return raw
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body, body_issues, malformed = check_json_body(rules, media_type, raw)
            if malformed:
                return problem(400, "validation failed", body_issues)
            issues.extend(body_issues)
        if issues:
            return problem(422, "validation failed", issues)
        return await handler(state, request, params, body)

    return serve


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    detail = exc.detail if isinstance(exc, HTTPException) else "unexpected error"
    return problem(status, str(detail), headers=headers)


def create_app(settings: MockSettings | None = None) -> Starlette:
    """The mock as an ASGI app; serve it with uvicorn or an httpx ASGI transport."""
    state = MockState.build(settings or MockSettings())
    routes = [
        Route(f"{state.base_path}{rules.path}", endpoint(operation_id), methods=[rules.method])
        for operation_id, rules in sorted(state.rules.items())
    ]
    routes.append(
        Route(
            f"{state.base_path}/providers/{{provider_slug}}/integration/init/ic/{{ic}}",
            consent,
            methods=["GET"],
        )
    )
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: _http_error, Exception: _http_error}
    )
    app.state.mock = state
    return app
