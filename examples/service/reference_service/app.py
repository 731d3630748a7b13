"""The reference service: a signed-in person connects a provider through Spike and sees how it went.

    uvicorn --factory reference_service.app:create_app

The flow, as the contract describes it:
1. `POST /connect/{provider}`: sign a `state` for this user and provider (`StateSigner`), ask
   Spike for the consent URL (`init_url`) with that state and our callback as `redirect_uri`,
   and send the browser there (303).
2. The person answers the provider's consent screen; Spike sends the browser back to
   `GET /spike/callback` with `user_id`, `provider_slug`, `state` and, on failure, `error`.
3. The callback trusts that query only through the state: signed by us, fresh, for the
   signed-in user, and used once (the replay store). Then it records the outcome and sends
   the browser on to `GET /outcome` (303), so a reload never replays the callback.
4. Spike also POSTs a signed `provider_integration_created` event to `POST /spike/webhooks`,
   server to server. That, not the browser's way back (which can be lost), is what marks the
   provider "confirmed by Spike"; the pages show whether it has come.

One `ApplicationClient` lives as long as the app (made in the lifespan, closed at shutdown);
`for_user` acts for each user with a cached token. The session is a signed cookie
(Starlette's `SessionMiddleware`) holding the user id: enough for an example, where "signing
in" takes a name; your service has its own accounts.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from spike_api_client import (
    ApplicationClient,
    Connected,
    ExpiredStateError,
    MemoryReplayStore,
    RedirectBackError,
    ReplayedStateError,
    SpikeError,
    StateSigner,
    WebhookError,
    anew_events,
    aread_redirect_back,
    read_webhook,
)
from spike_api_client.api.provider_integration import get_integration_init_url
from starlette.middleware.sessions import SessionMiddleware

from reference_service import pages
from reference_service.connections import INTEGRATION_CREATED, Connections
from reference_service.settings import Settings, provider_name

USER_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
"""The contract's `application_user_id`: what Spike accepts as our id for a user."""
ACCESS_DENIED = "access_denied"
SESSION_MAX_AGE = 8 * 3600
EVENT_MAX_AGE = 4 * 86_400
"""Events older than 4 days get no one-off work: Spike stops retrying after about 3, and
`anew_events` remembers each event for 4.1 days, so an old copy never passes as new."""
log = logging.getLogger(__name__)


class Service:
    """Everything the handlers share, made once per app."""

    def __init__(self, settings: Settings, environ: Mapping[str, str]) -> None:
        self.settings = settings
        self.environ = environ
        self.states = StateSigner(settings.state_key)
        # One process: a MemoryReplayStore. Behind several workers or hosts, every process
        # must see every claim: use a shared store (Redis, a database), or a replayed
        # callback is accepted once per process.
        self.used_states = MemoryReplayStore()
        # Who connected what: reported by the redirect back, confirmed by Spike's webhook.
        # Your database in real life.
        self.connections = Connections()
        # Webhook events whose one-off work is done (claimed by `anew_events`), kept apart
        # from the states: its entries live for days. Shared across processes, like the other.
        self.handled_events = MemoryReplayStore()
        # Welcome messages sent: stands for your mailer, the one-off work done per connection.
        self.welcomes: list[tuple[str, str]] = []
        self._spike: ApplicationClient | None = None

    @property
    def spike(self) -> ApplicationClient:
        if self._spike is None:
            raise RuntimeError("the Spike client is made in the app's lifespan")
        return self._spike

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The app's lifespan: one Spike client for every request, closed at shutdown."""
        options: dict[str, Any] = {}
        if self.settings.redirect_hosts:
            options["redirect_hosts"] = list(self.settings.redirect_hosts)
        async with ApplicationClient.from_env(self.environ, **options) as spike:
            self._spike = spike
            try:
                yield
            finally:
                self._spike = None


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _user(request: Request) -> str | None:
    user = request.session.get("user_id")
    return user if isinstance(user, str) and USER_ID.fullmatch(user) else None


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={"cache-control": "no-store"})


def _home() -> RedirectResponse:
    return RedirectResponse("/", status_code=303)


async def home(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _html(pages.sign_in())
    service = _service(request)
    rows = [
        pages.ProviderRow(slug, provider_name(slug), service.connections.status(user, slug))
        for slug in service.settings.providers
    ]
    return _html(pages.connections(user, rows))


async def sign_in(request: Request, user_id: Annotated[str, Form()] = "") -> Response:
    if not USER_ID.fullmatch(user_id):
        return _html(pages.sign_in("Use 1 to 128 letters, digits, '.', '_' or '-'."), 400)
    request.session.clear()
    request.session["user_id"] = user_id
    return _home()


async def sign_out(request: Request) -> Response:
    request.session.clear()
    return _home()


async def connect(request: Request, provider: str) -> Response:
    """Start the flow: a signed state, the consent URL from Spike, and the browser sent there."""
    user = _user(request)
    if user is None:
        return _home()
    service = _service(request)
    if provider not in service.settings.providers:
        return _html(pages.not_found(f"This service does not offer {provider!r}."), 404)
    state = service.states.issue(user, provider_slug=provider)
    try:
        found = await get_integration_init_url.asyncio(
            provider,
            client=service.spike.for_user(user),
            redirect_uri=service.settings.callback_url,
            state=state,
        )
    except SpikeError as error:  # Spike down, slow, or refusing: say so, keep the person here
        log.warning("init_url for %s failed: %s", provider, error)
        return _html(pages.outcome(pages.not_started(provider_name(provider)), user), 502)
    return RedirectResponse(found.path, status_code=303)


def _refusal(error: RedirectBackError) -> str:
    if isinstance(error, ReplayedStateError):
        return (
            "This link was already used: each connection link works once. If you went back "
            "in your browser, the connection was already handled."
        )
    if isinstance(error, ExpiredStateError):
        return "This link has expired: connect again, and finish within 15 minutes."
    return "This link did not come from a connection started here."


async def callback(request: Request) -> Response:
    """Spike's redirect back: trusted only through our signed, fresh, unused state."""
    service = _service(request)
    user = _user(request)
    try:
        outcome = await aread_redirect_back(
            request.url.query, service.states, replay_store=service.used_states
        )
    except RedirectBackError as error:
        result = pages.refused(_refusal(error))
        return _html(pages.outcome(result, user), 400)
    if outcome.user_id != user:  # started by another account, or the session is gone
        reason = (
            "You are not signed in: sign in, then connect again."
            if user is None
            else "This connection was started by another account."
        )
        return _html(pages.outcome(pages.refused(reason), user), 403)
    name = provider_name(outcome.provider_slug)
    if isinstance(outcome, Connected):
        service.connections.reported(user, outcome.provider_slug)
        result = pages.connected(name, outcome.provider_slug)
    elif outcome.error == ACCESS_DENIED:
        result = pages.declined(name)
    else:
        result = pages.failed(name, outcome.error)
    request.session["outcome"] = asdict(result)
    return RedirectResponse("/outcome", status_code=303)


async def show_outcome(request: Request) -> Response:
    """The last outcome, for as long as the session keeps it (a reload shows it again)."""
    saved = request.session.get("outcome")
    if not isinstance(saved, dict):
        return _home()
    user = _user(request)
    result = pages.Outcome(**saved)
    status = None
    if result.kind == "connected" and user is not None:  # has Spike confirmed it yet?
        status = _service(request).connections.status(user, result.provider_slug)
    return _html(pages.outcome(result, user, status))


async def spike_webhooks(request: Request) -> Response:
    """Spike's events, server to server: verified, stored, and answered 200 at once.

    Spike counts only a 200 within 30 s as received and retries anything else for about 3
    days, so this stores and answers; slow work (fetching a `record_change`'s data) belongs
    in a queue. Retries and copies of a genuine delivery verify again: storing is
    idempotent, and one-off work is claimed per event first, so it happens at most once.
    `read_webhook` refuses a body over the contract's cap (10 MiB), but `request.body()` has
    read it by then: cap request bodies at your proxy or server too.
    """
    service = _service(request)
    try:  # the body exactly as received: the signature covers those bytes
        events = read_webhook(await request.body(), request.headers, service.settings.webhook_key)
    except WebhookError as refused:  # forged, changed on the way, too large, not the contract's
        log.warning("refused a webhook delivery (%s): %s", refused.status, refused)
        return Response(status_code=refused.status)
    for event in events:
        service.connections.store(event)
        if not event.is_known_type:  # Spike adds event types: keep them, handle them later
            log.info("kept an event of a type this service does not handle: %r", event.event_type)
    for event in await anew_events(events, service.handled_events, max_age=EVENT_MAX_AGE):
        if event.event_type == INTEGRATION_CREATED:
            service.welcomes.append((event.application_user_id, event.provider_slug))
    return Response(status_code=200)


def create_app(environ: Mapping[str, str] | None = None) -> FastAPI:
    """The app, configured from `environ` (default: the process environment). Uvicorn calls
    it with `--factory`; tests pass their own environment."""
    env = os.environ if environ is None else environ
    settings = Settings.from_env(env)
    service = Service(settings, env)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service.running():
            yield

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
    app.state.service = service
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_key,
        max_age=SESSION_MAX_AGE,
        same_site="lax",  # cross-site POSTs carry no session: no forged "Connect" clicks
        https_only=settings.secure_cookies,
    )
    app.add_api_route("/", home, methods=["GET"])
    app.add_api_route("/sign-in", sign_in, methods=["POST"])
    app.add_api_route("/sign-out", sign_out, methods=["POST"])
    app.add_api_route("/connect/{provider}", connect, methods=["POST"])
    app.add_api_route("/spike/callback", callback, methods=["GET"])
    app.add_api_route("/outcome", show_outcome, methods=["GET"])
    app.add_api_route("/spike/webhooks", spike_webhooks, methods=["POST"])
    return app
