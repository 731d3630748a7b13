# Edit openapi/generator/runtime/_application.py, not the copy in generated/.
"""One client for all of a service's users: `ApplicationClient` and its per-user views.

Every `init_url` call acts for one application user with that user's own token. Made once from
the application's id and HMAC key, an `ApplicationClient` hands out `for_user(user_id)` views
that the generated functions take as `client=`; all of them share one connection pool and one
token cache. A user's token is exchanged on the first call that needs it, kept until shortly
before it expires, refreshed once when Spike answers `401 expired jwt` or `invalid
authorization header`, and exchanged only once however many calls for that user start at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from attrs import define, field, fields
from jsonschema_rs import Draft202012Validator

from ._client import Client
from ._contract import CONTRACT
from ._exceptions import AuthenticationError, InvalidInputError
from ._retry import Clock
from ._secrets import Secret
from ._tokens import (
    DEFAULT_MAX_USERS,
    DEFAULT_REFRESH_MARGIN,
    DEFAULT_TOKEN_TTL,
    TokenCache,
    TokenStore,
)
from .auth import aexchange_token, checked_hmac_key, exchange_token

ENV_APPLICATION_ID = "SPIKE_APPLICATION_ID"
ENV_HMAC_KEY = "SPIKE_HMAC_KEY"
ENV_BASE_URL = "SPIKE_BASE_URL"
ENV_REDIRECT_HOSTS = "SPIKE_REDIRECT_HOSTS"


def _user_id_validator() -> Draft202012Validator:
    schema = CONTRACT.request_schema("exchangeHmacToken") or {}
    return Draft202012Validator(schema["properties"]["application_user_id"])


_USER_ID = _user_id_validator()


def _checked_application_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise InvalidInputError("application_id must be a whole number from 1 to 2**63 - 1")
    return value


def _positive(name: str) -> Any:
    def check(instance: object, attribute: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise InvalidInputError(f"{name} must be a number above 0")

    return check


@define
class ApplicationClient(Client):
    """A Spike application, made once per service; `for_user(...)` acts for one of its users.

    Keyword arguments, beside all of `Client`'s (`base_url`, `deadline`, `timeout`,
    `max_retries`, `redirect_hosts`, `httpx_args`...):
        application_id: the application's id from Spike's admin console.
        hmac_key: the application's HMAC key (kept as a secret, never shown).
        max_users: users whose tokens are kept; the least recently used are dropped first.
        token_ttl: seconds to keep a token whose expiry cannot be read (no JWT `exp`).
        refresh_margin: seconds before a token's `exp` at which a new one is exchanged.
        token_store: tokens shared by every process of the service (a `TokenStore`, such as
            `spike_api_client.redis_stores.RedisTokenStore`): one exchange per user across
            all of them; this process's cache stays in front of it.
    """

    _application_id: int = field(
        kw_only=True, alias="application_id", converter=_checked_application_id
    )
    _hmac_key: Secret[str | bytes] = field(
        kw_only=True, alias="hmac_key", converter=checked_hmac_key, repr=False
    )
    max_users: int = field(
        default=DEFAULT_MAX_USERS, kw_only=True, validator=_positive("max_users")
    )
    token_ttl: float = field(
        default=DEFAULT_TOKEN_TTL, kw_only=True, validator=_positive("token_ttl")
    )
    refresh_margin: float = field(default=DEFAULT_REFRESH_MARGIN, kw_only=True)
    token_store: TokenStore | None = field(default=None, kw_only=True, repr=False, eq=False)
    _tokens: TokenCache | None = field(
        default=None, kw_only=True, alias="tokens", repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if not isinstance(self.max_users, int):
            raise InvalidInputError("max_users must be a whole number")
        if self._tokens is None:
            self._tokens = TokenCache(
                self.max_users,
                self.token_ttl,
                self.refresh_margin,
                store=self.token_store,
                scope=str(self._application_id),
            )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **options: Any
    ) -> ApplicationClient:
        """An application client from `SPIKE_APPLICATION_ID`, `SPIKE_HMAC_KEY` and, when set,
        `SPIKE_BASE_URL` and `SPIKE_REDIRECT_HOSTS` (comma-separated `redirect_hosts`: where
        a returned browser URL may point, instead of Spike's own host); `options` are any
        other keyword arguments, which win over the environment."""
        env = os.environ if environ is None else environ
        missing = [name for name in (ENV_APPLICATION_ID, ENV_HMAC_KEY) if not env.get(name)]
        if missing:
            raise InvalidInputError(f"set {' and '.join(missing)} in the environment")
        text = env[ENV_APPLICATION_ID].strip()
        if not text.isdigit():
            raise InvalidInputError(f"{ENV_APPLICATION_ID} must be the application's number")
        if env.get(ENV_BASE_URL):
            options.setdefault("base_url", env[ENV_BASE_URL])
        if env.get(ENV_REDIRECT_HOSTS) and "redirect_hosts" not in options:
            hosts = [host.strip() for host in env[ENV_REDIRECT_HOSTS].split(",") if host.strip()]
            options["redirect_hosts"] = hosts
        return cls(application_id=int(text), hmac_key=env[ENV_HMAC_KEY], **options)

    @property
    def application_id(self) -> int:
        return self._application_id

    @property
    def tokens(self) -> TokenCache:
        """The token cache this client and its views share."""
        assert self._tokens is not None
        return self._tokens

    def for_user(self, application_user_id: str) -> UserClient:
        """A client that acts for this application user, sharing this client's connections,
        settings and token cache. Cheap enough to make per request."""
        if not isinstance(application_user_id, str) or not _USER_ID.is_valid(application_user_id):
            raise InvalidInputError(
                "application_user_id must be 1 to 128 letters, digits, '-', '_' or '.'"
            )
        return UserClient._view(self, application_user_id)

    def _credential(self, clock: Clock | None = None) -> tuple[str, str] | None:
        raise InvalidInputError(
            "this operation acts for a user: call it with client=app.for_user(user_id)"
        )

    # The exchange, with what is left of the calling call's deadline ---------------------
    def _exchange(self, user: str, clock: Clock) -> str:
        try:
            return exchange_token(
                self._under(clock),
                application_id=self._application_id,
                application_user_id=user,
                hmac_key=self._hmac_key.reveal(),
            )
        except AuthenticationError as error:
            raise self._refused(error) from None

    async def _aexchange(self, user: str, clock: Clock) -> str:
        """Async twin of `_exchange`: change both together."""
        try:
            return await aexchange_token(
                self._under(clock),
                application_id=self._application_id,
                application_user_id=user,
                hmac_key=self._hmac_key.reveal(),
            )
        except AuthenticationError as error:
            raise self._refused(error) from None

    def _refused(self, error: AuthenticationError) -> AuthenticationError:
        """The exchange's 401 said in words a service owner can act on."""
        message = (
            f"Spike refused the token exchange for application {self._application_id} "
            f"({error.detail or error.status_code}): check the application id and HMAC key "
            f"({ENV_APPLICATION_ID}, {ENV_HMAC_KEY})"
        )
        return AuthenticationError(
            message, response=error.response, problem=error.problem, retry_after=error.retry_after
        )


@define
class UserClient(Client):
    """An `ApplicationClient` acting for one application user: pass it as `client=`.

    Made by `ApplicationClient.for_user`; `with_options` and `with_headers` work as on any
    client and keep acting for the same user.
    """

    _application: ApplicationClient = field(kw_only=True, alias="application", repr=False)
    application_user_id: str = field(kw_only=True)

    @classmethod
    def _view(cls, application: ApplicationClient, user: str) -> UserClient:
        """A view sharing every setting of `application`, without running `__init__`'s
        checks again: they passed when `application` was made, and views are made per
        request (a full `__init__` costs more than the rest of a call's client-side work)."""
        if application._header_cache is None and application._pool.any_client() is not None:
            application._base_headers()  # made once here rather than once per view
        view = object.__new__(cls)
        for name in _CLIENT_FIELDS:
            object.__setattr__(view, name, getattr(application, name))
        object.__setattr__(view, "_owns_pool", False)
        object.__setattr__(view, "_application", application)
        object.__setattr__(view, "application_user_id", user)
        return view

    def _secret_header_names(self) -> tuple[str, ...]:
        return ("authorization",)

    def _credential(self, clock: Clock | None = None) -> tuple[str, str]:
        app, user = self._application, self.application_user_id
        budget = clock or Clock(self.settings.deadline)
        token = app.tokens.token_for(user, lambda: app._exchange(user, budget), budget)
        return "Authorization", f"Bearer {token.reveal()}"

    async def _acredential(self, clock: Clock | None = None) -> tuple[str, str]:
        app, user = self._application, self.application_user_id
        budget = clock or Clock(self.settings.deadline)
        token = await app.tokens.atoken_for(user, lambda: app._aexchange(user, budget), budget)
        return "Authorization", f"Bearer {token.reveal()}"

    def _credential_rejected(self, value: str) -> bool:
        self._application.tokens.forget(self.application_user_id, value.rpartition(" ")[2])
        return True


_CLIENT_FIELDS = tuple(f.name for f in fields(Client))
