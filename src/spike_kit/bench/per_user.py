"""What acting for many users costs: one `ApplicationClient` against a client per user.

Both sides call the same mock. Cold: one call for each of `users` distinct users, each first
needing its token, made either with a new `AuthenticatedClient` per user (tokens exchanged over
one shared anonymous `Client`: what a service did before `ApplicationClient`) or through one
`ApplicationClient`'s `for_user` views. Warm: calls cycling through users whose tokens are
cached, beside the same calls on one static-token `AuthenticatedClient`, in alternating
batches like `client_overhead`. The static token is one the mock issued (a JWT, like the
views'), so the mock verifies a signed token on both sides and the difference is the client's:
the mock's fixed `spike-mock-token` skips that verification and would credit the static side
with server time the views' calls spend.
"""

from __future__ import annotations

import secrets
import time

from spike_api_client import ApplicationClient, AuthenticatedClient, Client, exchange_token
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.bench.pairs import Pair, paired, seconds
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY

REDIRECT_HOSTS = ["127.0.0.1:*"]


def _app(base_url: str) -> ApplicationClient:
    return ApplicationClient(
        base_url=base_url,
        application_id=DEFAULT_APPLICATION_ID,
        hmac_key=DEFAULT_HMAC_KEY,
        redirect_hosts=REDIRECT_HOSTS,
    )


def _users(side: str, count: int) -> list[str]:
    run = secrets.token_hex(4)
    return [f"bench-{side}-{run}-{n}" for n in range(count)]


def client_per_user(base_url: str, users: int) -> float:
    """Seconds for one first call per user, a new `AuthenticatedClient` for each."""
    started = time.perf_counter()
    with Client(base_url=base_url) as anonymous:
        for user in _users("new", users):
            token = exchange_token(
                anonymous,
                application_id=DEFAULT_APPLICATION_ID,
                application_user_id=user,
                hmac_key=DEFAULT_HMAC_KEY,
            )
            with AuthenticatedClient(
                base_url=base_url, token=token, redirect_hosts=REDIRECT_HOSTS
            ) as spike:
                init_url.sync("garmin", client=spike)
    return time.perf_counter() - started


def one_application(base_url: str, users: int) -> float:
    """Seconds for one first call per user through one `ApplicationClient`."""
    started = time.perf_counter()
    with _app(base_url) as app:
        for user in _users("app", users):
            init_url.sync("garmin", client=app.for_user(user))
    return time.perf_counter() - started


def warm_pairs(base_url: str, calls: int, batches: int, users: int) -> list[Pair]:
    """Seconds per batch: one client holding one issued token (`plain`) beside `for_user`
    views of users whose tokens are cached (`client`), each call with a new `state`."""
    with Client(base_url=base_url) as anonymous:
        issued = exchange_token(
            anonymous,
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=_users("static", 1)[0],
            hmac_key=DEFAULT_HMAC_KEY,
        )
    with (
        AuthenticatedClient(
            base_url=base_url, token=issued, redirect_hosts=REDIRECT_HOSTS
        ) as static,
        _app(base_url) as app,
    ):
        ids = _users("warm", users)
        for user in ids:
            init_url.sync("garmin", client=app.for_user(user))

        def with_static() -> None:
            for _ in range(calls):
                init_url.sync("garmin", client=static, state=secrets.token_urlsafe(24))

        def per_user() -> None:
            for n in range(calls):
                view = app.for_user(ids[n % users])
                init_url.sync("garmin", client=view, state=secrets.token_urlsafe(24))

        return paired(lambda: seconds(with_static), lambda: seconds(per_user), batches)
