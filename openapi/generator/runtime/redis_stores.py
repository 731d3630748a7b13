# Edit openapi/generator/runtime/redis_stores.py, not the copy in generated/.
"""Shared stores for a service with several processes: `pip install spike-api-client[redis]`.

Behind `uvicorn --workers 4` or gunicorn, each process had its own token cache (each
exchanged its own token for the same user) and its own replay store (a redirect back sent to
each worker was accepted once per worker). These keep both in one Redis:

- `RedisReplayStore` / `AsyncRedisReplayStore`: `ReplayStore`s whose claim is one atomic
  `SET key 1 NX EXAT expiry` for every process and host. When Redis does not answer, a claim
  raises `ReplayStoreUnavailableError` (a `RedirectBackError`): the redirect is refused, never
  accepted twice.
- `RedisTokenStore`: a `TokenStore` for `ApplicationClient(token_store=...)`: tokens kept until
  shortly before they expire, one exchange per user across every process (a lead with an
  expiry, so a process that dies while exchanging holds no one up for long). When Redis does
  not answer, each process exchanges on its own and a warning says so; calls go on.

Key names hold no token, key or user id: users are hashed (SHA-256), and every key starts
with a namespace (default `spike`), then the application id, so several services share one
Redis. Make the Redis client with short timeouts (`from_url` does: 0.5 s by default), since a
store waited on is a call waited on.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from typing import Any

try:
    import redis
    import redis.asyncio
except ImportError as exc:  # pragma: no cover - said to whoever imports this without the extra
    raise ImportError(
        "spike_api_client.redis_stores needs redis-py: pip install 'spike-api-client[redis]'"
    ) from exc

from ._redirect_errors import ReplayStoreUnavailableError
from ._retry import Clock

DEFAULT_NAMESPACE = "spike"
DEFAULT_TIMEOUT = 0.5
"""Seconds a Redis command may take (connect, read) when the store makes its client."""
LEAD_SECONDS = 10.0
"""How long one process may lead a user's exchange before another may (an exchange takes
well under a second; a leader that died frees the user after this)."""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
"""Delete a key only if it still holds the value given: a lead is released, and a rejected
token forgotten, only by what set it."""


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _text(value: object) -> str:
    """A value as redis-py returns it (bytes, or str with `decode_responses`)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _client(url: str, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def _refused(exc: BaseException) -> ReplayStoreUnavailableError:
    return ReplayStoreUnavailableError(
        f"the replay store (Redis) did not answer ({exc.__class__.__name__}): refusing the "
        "redirect rather than risk accepting it twice"
    )


class RedisReplayStore:
    """A `ReplayStore` in Redis: a state is accepted once across every process and host."""

    def __init__(self, client: redis.Redis, *, namespace: str = DEFAULT_NAMESPACE) -> None:
        self._redis = client
        self._namespace = namespace

    @classmethod
    def from_url(
        cls, url: str, *, namespace: str = DEFAULT_NAMESPACE, timeout: float = DEFAULT_TIMEOUT
    ) -> RedisReplayStore:
        return cls(_client(url, timeout), namespace=namespace)

    def __repr__(self) -> str:
        return f"RedisReplayStore(namespace={self._namespace!r})"

    def key(self, nonce: str) -> str:
        return f"{self._namespace}:state:{_hashed(nonce)}"

    def claim(self, nonce: str, expires_at: float) -> bool:
        try:
            return bool(self._redis.set(self.key(nonce), b"1", nx=True, exat=math.ceil(expires_at)))
        except redis.RedisError as exc:
            raise _refused(exc) from None


class AsyncRedisReplayStore:
    """Async twin of `RedisReplayStore`, for `aread_redirect_back` (redis.asyncio)."""

    def __init__(self, client: redis.asyncio.Redis, *, namespace: str = DEFAULT_NAMESPACE) -> None:
        self._redis = client
        self._namespace = namespace

    @classmethod
    def from_url(
        cls, url: str, *, namespace: str = DEFAULT_NAMESPACE, timeout: float = DEFAULT_TIMEOUT
    ) -> AsyncRedisReplayStore:
        client = redis.asyncio.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return cls(client, namespace=namespace)

    def __repr__(self) -> str:
        return f"AsyncRedisReplayStore(namespace={self._namespace!r})"

    def key(self, nonce: str) -> str:
        return f"{self._namespace}:state:{_hashed(nonce)}"

    async def claim(self, nonce: str, expires_at: float) -> bool:
        try:
            claimed = await self._redis.set(
                self.key(nonce), b"1", nx=True, exat=math.ceil(expires_at)
            )
        except redis.RedisError as exc:
            raise _refused(exc) from None
        return bool(claimed)


class RedisTokenStore:
    """A `TokenStore` in Redis, for `ApplicationClient(token_store=...)`.

    The application client scopes every user by its application id, so one store (and one
    Redis) may serve several applications; `namespace` keeps services apart as well.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        lead_seconds: float = LEAD_SECONDS,
    ) -> None:
        self._redis = client
        self._namespace = namespace
        self._lead_seconds = lead_seconds
        self._release: Any = client.register_script(_RELEASE)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        timeout: float = DEFAULT_TIMEOUT,
        lead_seconds: float = LEAD_SECONDS,
    ) -> RedisTokenStore:
        return cls(_client(url, timeout), namespace=namespace, lead_seconds=lead_seconds)

    def __repr__(self) -> str:
        return f"RedisTokenStore(namespace={self._namespace!r})"

    def _key(self, kind: str, user: str) -> str:
        """`<namespace>:token:<hash>` for `user` as the cache scopes it (`<application>/<id>`)."""
        return f"{self._namespace}:{kind}:{_hashed(user)}"

    @staticmethod
    def _out_of_time(clock: Clock) -> None:
        if clock.remaining() <= 0:
            raise TimeoutError("no time left for the token store")

    def get(self, user: str, clock: Clock) -> tuple[str, float] | None:
        self._out_of_time(clock)
        value = self._redis.get(self._key("token", user))
        if value is None:
            return None
        until, _, token = _text(value).partition(" ")
        try:
            return token, float(until)
        except ValueError:
            return None

    def put(self, user: str, token: str, good_until: float, clock: Clock) -> None:
        self._out_of_time(clock)
        milliseconds = math.floor(good_until * 1000)
        self._redis.set(self._key("token", user), f"{good_until!r} {token}", pxat=milliseconds)

    def forget(self, user: str, token: str, clock: Clock) -> None:
        self._out_of_time(clock)
        key = self._key("token", user)
        value = self._redis.get(key)
        if value is not None and _text(value).partition(" ")[2] == token:
            self._release(keys=[key], args=[value])

    def lead(self, user: str, clock: Clock) -> Callable[[], None] | None:
        self._out_of_time(clock)
        key = self._key("lead", user)
        mark = secrets.token_hex(16)
        taken = self._redis.set(key, mark, nx=True, px=math.ceil(self._lead_seconds * 1000))
        if not taken:
            return None

        def release() -> None:
            self._release(keys=[key], args=[mark])

        return release


__all__ = ["AsyncRedisReplayStore", "RedisReplayStore", "RedisTokenStore"]
