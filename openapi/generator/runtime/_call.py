"""One call of one operation: build its request, send it, retry, check the answer, raise.

Every generated endpoint function hands its operation (method and path template) and its
arguments here, so each request is checked as the operation it is. Each attempt goes through the
client's own `httpx.Client.send`, so event hooks, OpenTelemetry's instrumentation and proxies
see every attempt. One time budget (`deadline`) covers every attempt, backoff and
`Retry-After` wait; bodies are read in chunks, up to `max_response_bytes`, with the clock
checked between chunks. The sync and async loops make the same decisions (the functions
below them); they differ only in how they send and sleep, and must stay mirror images.
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import anyio
import httpx
from attrs import frozen

from ._contract import (
    CONTRACT,
    Operation,
    parse_json,
    redirect_violation,
    schema_violation,
)
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContractError,
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    SpikeError,
    UnsafeRedirectError,
)
from ._retry import Clock, is_retryable_status, parse_retry_after
from ._secrets import SECRET_HEADERS, Scrubber, redacted_headers

if TYPE_CHECKING:
    from ._client import CallSettings, Client

logger = logging.getLogger("spike_api_client")
logger.addHandler(logging.NullHandler())

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
}
REFRESHABLE_401 = frozenset({"expired jwt", "invalid authorization header"})
"""401 reasons that a fresh token cures; Spike documents these `detail` texts word for word."""


class Answer:
    """A checked response, as the generated code reads it: `status_code`, `headers`,
    `content` and `json()`, which returns the body the contract check already parsed."""

    __slots__ = ("_body", "content", "headers", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes, body: Any):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self._body = body

    def json(self) -> Any:
        return self._body


@frozen
class _Sent:
    """What one attempt sent, for its log line, its errors and scrubbing."""

    operation: Operation
    request: httpx.Request
    authorization: str | None
    secret_names: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.request.method} {self.request.url.path}"

    def scrubber(self) -> Scrubber:
        """Scrubs every credential this request carried (the token itself, without its
        `Bearer` scheme word, so that ordinary text around it stays readable)."""
        names = SECRET_HEADERS.union(self.secret_names)
        values = [value for name, value in self.request.headers.items() if name in names]
        return Scrubber(value.rpartition(" ")[2] or value for value in values)

    def safe_request(self) -> httpx.Request:
        """The request with its credentials replaced by a marker, for errors to keep."""
        headers = redacted_headers(self.request.headers, self.secret_names)
        return httpx.Request(self.request.method, self.request.url, headers=headers)


class _Retry(Exception):
    """Internal: the attempt failed in a way worth another try after `wait` seconds."""

    def __init__(self, wait: float, why: str, *, refresh: bool = False) -> None:
        super().__init__(why)
        self.wait, self.why, self.refresh = wait, why, refresh


# Building the request ---------------------------------------------------------------------


def _query_value(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _query_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((name, _query_value(item)) for item in values)
    return pairs


def build_url(base_url: str, operation: Operation, arguments: Mapping[str, Any]) -> str:
    """The absolute URL of this call, built once as text (httpx then parses it once)."""
    path_params = arguments.get("path_params") or {}
    params = arguments.get("params") or {}
    problem = operation.argument_problem({**path_params, **params})
    if problem is not None:
        raise InvalidInputError(f"{operation.operation_id}: {problem}")
    path = operation.path.format_map(
        {name: quote(str(value), safe="") for name, value in path_params.items()}
    )
    url = base_url + path
    if params:
        url += "?" + urlencode(_query_pairs(params), quote_via=quote, safe="")
    return url


def _attempt_timeout(timeout: httpx.Timeout, remaining: float) -> dict[str, float]:
    """The per-attempt timeout, none of it longer than what is left of the deadline."""
    return {
        "connect": remaining if timeout.connect is None else min(timeout.connect, remaining),
        "read": remaining if timeout.read is None else min(timeout.read, remaining),
        "write": remaining if timeout.write is None else min(timeout.write, remaining),
        "pool": remaining if timeout.pool is None else min(timeout.pool, remaining),
    }


def _request(
    operation: Operation,
    url: str,
    headers: dict[str, str],
    authorization: tuple[str, str] | None,
    arguments: Mapping[str, Any],
    settings: CallSettings,
    clock: Clock,
) -> httpx.Request:
    if authorization is not None:
        headers = {**headers, authorization[0]: authorization[1]}
    body = arguments.get("json")
    content = None
    if body is not None:
        content = jsonlib.dumps(body, separators=(",", ":"), allow_nan=False).encode()
        headers = {**headers, "Content-Type": "application/json"}
    return httpx.Request(
        operation.method,
        url,
        headers=headers,
        content=content,
        extensions={"timeout": _attempt_timeout(settings.timeout, max(clock.remaining(), 0.0))},
    )


# Reading the answer ----------------------------------------------------------------------


class _TooLarge(Exception):
    """Internal: the body passed the size limit."""


class _OutOfTime(Exception):
    """Internal: the deadline passed while the body was still arriving."""


def _declared_too_large(response: httpx.Response, limit: int) -> bool:
    declared = response.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > limit


def _read(response: httpx.Response, limit: int, clock: Clock) -> bytes:
    if _declared_too_large(response, limit):
        raise _TooLarge
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if clock.remaining() <= 0:
            raise _OutOfTime
    return b"".join(chunks)


async def _aread(response: httpx.Response, limit: int, clock: Clock) -> bytes:
    if _declared_too_large(response, limit):
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if clock.remaining() <= 0:
            raise _OutOfTime
    return b"".join(chunks)


# Deciding --------------------------------------------------------------------------------


def _safe_response(sent: _Sent, response: httpx.Response, content: bytes) -> httpx.Response:
    """The response as an error keeps it: credentials scrubbed, the body already decoded."""
    scrub = sent.scrubber()
    headers = [
        pair
        for pair in scrub.headers(response.headers.items(), sent.secret_names)
        if pair[0].lower() not in {"content-encoding", "content-length"}
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=scrub.data(content),
        request=sent.safe_request(),
    )


def _problem_of(sent: _Sent, response: httpx.Response, content: bytes) -> Any:
    """The parsed problem document, scrubbed, or None when the body is not a valid one."""
    from .models.problem import Problem

    body, not_json = parse_json(content, response.headers.get("content-type"))
    if not_json is not None or not isinstance(body, dict):
        return None
    rule = sent.operation.rule_for(response.status_code)
    if rule is not None and schema_violation(rule, body) is not None:
        return None
    try:
        return Problem.from_dict(sent.scrubber().json(body))
    except (KeyError, TypeError, ValueError):
        return None


def _attempts(count: int, clock: Clock) -> str:
    return f"{count} attempt{'s' if count > 1 else ''} in {clock.elapsed():.1f} s"


def _status_error(
    sent: _Sent, response: httpx.Response, content: bytes, attempts: int, clock: Clock, why: str
) -> APIStatusError:
    problem = _problem_of(sent, response, content)
    status = response.status_code
    message = f"{status} {response.reason_phrase or 'error'} from {sent.where}"
    if problem is not None:
        said = [text for text in (problem.title, problem.detail) if isinstance(text, str)]
        if said:
            message += ": " + " - ".join(said)
    message += f" ({_attempts(attempts, clock)}{why})"
    error_type = _STATUS_ERRORS.get(status, ServerError if status >= 500 else APIStatusError)
    return error_type(
        sent.scrubber().text(message),
        response=_safe_response(sent, response, content),
        problem=problem,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def _contract_error(
    sent: _Sent, response: httpx.Response, content: bytes, settings: CallSettings
) -> tuple[Any, ContractError | None]:
    """(parsed body, None) when the response honours the contract, else (None, the error)."""
    operation = sent.operation
    rule = operation.rule_for(response.status_code)
    if rule is None:
        message = (
            f"{sent.where} answered status {response.status_code}, which "
            f"{operation.operation_id} does not document"
        )
        return None, ContractError(message, response=_safe_response(sent, response, content))
    if rule.content_type is None:
        return None, None
    body, not_json = parse_json(content, response.headers.get("content-type"))
    error_type: type[ContractError] = ContractError
    if not_json is not None:
        message = f"{sent.where} broke the contract of {operation.operation_id}: {not_json}"
    elif unsafe := redirect_violation(rule, body, settings.redirect_hosts):
        # The safety check speaks first: an unsafe browser URL is the more specific finding.
        error_type = UnsafeRedirectError
        message = f"{sent.where} returned an unsafe redirect URL: {unsafe}"
    elif violation := schema_violation(rule, body):
        message = f"{sent.where} broke the contract of {operation.operation_id}: {violation}"
    else:
        return body, None
    safe = _safe_response(sent, response, content)
    return None, error_type(sent.scrubber().text(message), response=safe)


def _on_status(
    sent: _Sent,
    response: httpx.Response,
    content: bytes,
    attempts: int,
    refreshed: bool,
    client: Client,
    settings: CallSettings,
    clock: Clock,
) -> APIStatusError:
    """The error for an error status, or a `_Retry` raised when another attempt may cure it."""
    status = response.status_code
    if (
        status == 401
        and not refreshed
        and sent.authorization is not None
        and _detail_of(content) in REFRESHABLE_401
        and client._credential_rejected(sent.authorization)
    ):
        raise _Retry(0.0, "status 401, token refreshed", refresh=True)
    retry = settings.retry
    if is_retryable_status(status) and sent.operation.idempotent:
        asked = parse_retry_after(response.headers.get("retry-after"))
        if attempts > retry.max_retries:
            return _status_error(sent, response, content, attempts, clock, "")
        if asked is not None and asked > retry.max_retry_after:
            why = f"; Retry-After {asked:g} s is over the {retry.max_retry_after:g} s limit"
            return _status_error(sent, response, content, attempts, clock, why)
        wait = retry.backoff(attempts - 1) if asked is None else asked
        if wait >= clock.remaining():
            why = f"; waiting {wait:.1f} s more would pass the {clock.budget:g} s deadline"
            return _status_error(sent, response, content, attempts, clock, why)
        said = f"status {status}" + ("" if asked is None else f", Retry-After {asked:g} s")
        raise _Retry(wait, said)
    return _status_error(sent, response, content, attempts, clock, "")


def _detail_of(content: bytes) -> str | None:
    try:
        body = jsonlib.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else None


def _on_transport_error(
    sent: _Sent, exc: Exception, attempts: int, settings: CallSettings, clock: Clock
) -> APIConnectionError:
    """The error for a failed attempt, or a `_Retry` raised when another attempt may work."""
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
    timed_out = isinstance(exc, (httpx.TimeoutException, _OutOfTime))
    name = "deadline" if isinstance(exc, _OutOfTime) else exc.__class__.__name__
    if (
        (never_sent or sent.operation.idempotent)
        and attempts <= settings.retry.max_retries
        and not isinstance(exc, _OutOfTime)
    ):
        wait = settings.retry.backoff(attempts - 1)
        if wait < clock.remaining():
            raise _Retry(wait, name)
    kind = "timed out" if timed_out or clock.remaining() <= 0 else "failed"
    message = (
        f"{sent.where} {kind} after {_attempts(attempts, clock)} "
        f"(deadline {clock.budget:g} s; last: {name})"
    )
    error_type = APITimeoutError if kind == "timed out" else APIConnectionError
    error = error_type(message, request=sent.safe_request())
    error.__cause__ = _safe_cause(sent, exc)
    return error


def _safe_cause(sent: _Sent, exc: Exception) -> Exception | None:
    """httpx's exception, rebuilt with the safe request and a scrubbed message: the original
    holds the request with its credentials, and its message may quote a header."""
    if isinstance(exc, OSError):
        return exc  # raised below httpx (an old httpcore's TLS failure): holds no request
    if not isinstance(exc, httpx.RequestError):
        return None
    try:
        return type(exc)(sent.scrubber().text(str(exc)), request=sent.safe_request())
    except TypeError:  # a subclass with another constructor: keep only its name
        return httpx.RequestError(type(exc).__name__, request=sent.safe_request())


def _out_of_time(sent: _Sent, attempts: int, clock: Clock) -> APITimeoutError:
    message = (
        f"{sent.where} timed out after {_attempts(attempts, clock)} (deadline {clock.budget:g} s)"
    )
    return APITimeoutError(message, request=sent.safe_request())


def _too_large(sent: _Sent, response: httpx.Response, settings: CallSettings) -> ContractError:
    message = (
        f"{sent.where} answered {response.status_code} with a body over the client's "
        f"max_response_bytes ({settings.max_response_bytes:,}); it was not read"
    )
    safe = httpx.Response(
        response.status_code,
        headers=Scrubber([]).headers(response.headers.items(), sent.secret_names),
        request=sent.safe_request(),
    )
    return ResponseTooLargeError(message, response=safe)


def _settle(
    sent: _Sent,
    response: httpx.Response,
    content: bytes,
    attempts: int,
    refreshed: bool,
    client: Client,
    settings: CallSettings,
    clock: Clock,
) -> Answer:
    """The checked answer of a complete response; raises its error or a `_Retry`."""
    if response.status_code >= 400:
        raise _on_status(sent, response, content, attempts, refreshed, client, settings, clock)
    body, error = _contract_error(sent, response, content, settings)
    if error is not None:
        raise error
    return Answer(response.status_code, response.headers, content, body)


# Logging ---------------------------------------------------------------------------------


def _log_attempt(sent: _Sent, status: int | str, started: float, attempt: int) -> None:
    if logger.isEnabledFor(logging.INFO):
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s -> %s in %.1f ms (attempt %d)",
            sent.where,
            status,
            elapsed_ms,
            attempt,
            extra={
                "operation": sent.operation.operation_id,
                "attempt": attempt,
                "status": status,
                "elapsed_ms": elapsed_ms,
            },
        )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "request headers: %s",
            redacted_headers(sent.request.headers, sent.secret_names),
            extra={"operation": sent.operation.operation_id, "attempt": attempt},
        )


def _log_retry(sent: _Sent, retry: _Retry, attempt: int, settings: CallSettings) -> None:
    logger.warning(
        "retrying %s in %.2f s after %s (retry %d of %d)",
        sent.where,
        retry.wait,
        retry.why,
        attempt,
        settings.retry.max_retries,
        extra={
            "operation": sent.operation.operation_id,
            "attempt": attempt,
            "retry_in": round(retry.wait, 3),
            "reason": retry.why,
        },
    )


# The loops -------------------------------------------------------------------------------


def _credential(
    client: Client, clock: Clock, operation: Operation, url: str
) -> tuple[str, str] | None:
    """The client's credential; waiting for another thread's token exchange for the same
    user counts against this call's deadline like any wait."""
    try:
        return client._credential(clock)
    except TimeoutError:
        message = (
            f"{operation.method} {httpx.URL(url).path} timed out waiting for a token exchange "
            f"(deadline {clock.budget:g} s)"
        )
        raise APITimeoutError(message, request=httpx.Request(operation.method, url)) from None


def _prepare(
    client: Client, method: str, path: str, arguments: Mapping[str, Any]
) -> tuple[Operation, str, CallSettings]:
    operation = CONTRACT.operation(method, path)
    settings = client._call_settings()
    return operation, build_url(settings.base_url, operation, arguments), settings


def call(client: Client, method: str, path: str, arguments: Mapping[str, Any]) -> Answer:
    """Send one call of the operation `method path` and return its checked answer."""
    operation, url, settings = _prepare(client, method, path, arguments)
    http = client.get_httpx_client()
    headers = client._base_headers()
    clock = Clock(settings.deadline)
    attempts, refreshed, sent = 0, False, None
    while True:
        authorization = _credential(client, clock, operation, url) if operation.secured else None
        request = _request(operation, url, headers, authorization, arguments, settings, clock)
        sent = _Sent(
            operation, request, authorization[1] if authorization else None, settings.secret_names
        )
        attempts += 1
        started = time.perf_counter()
        try:
            if clock.remaining() <= 0:
                raise _out_of_time(sent, attempts - 1, clock)
            try:
                response = http.send(request, stream=True)
                try:
                    content = _read(response, settings.max_response_bytes, clock)
                finally:
                    response.close()
            except _TooLarge:
                _log_attempt(sent, response.status_code, started, attempts)
                raise _too_large(sent, response, settings) from None
            except (httpx.TransportError, OSError, _OutOfTime) as exc:
                _log_attempt(sent, exc.__class__.__name__, started, attempts)
                error = _on_transport_error(sent, exc, attempts, settings, clock)
                raise error from error.__cause__
            _log_attempt(sent, response.status_code, started, attempts)
            return _settle(sent, response, content, attempts, refreshed, client, settings, clock)
        except _Retry as retry:
            refreshed = refreshed or retry.refresh
            if retry.refresh:
                attempts -= 1  # a refreshed token is a new try, not a retry
            else:
                _log_retry(sent, retry, attempts, settings)
                time.sleep(retry.wait)


async def acall(client: Client, method: str, path: str, arguments: Mapping[str, Any]) -> Answer:
    """Async twin of `call`; the deadline also holds as a hard bound on every await."""
    operation, url, settings = _prepare(client, method, path, arguments)
    http = client.get_async_httpx_client()
    headers = client._base_headers()
    clock = Clock(settings.deadline)
    attempts, refreshed, sent = 0, False, None
    try:
        with anyio.fail_after(settings.deadline):
            while True:
                authorization = await client._acredential(clock) if operation.secured else None
                request = _request(
                    operation, url, headers, authorization, arguments, settings, clock
                )
                sent = _Sent(
                    operation,
                    request,
                    authorization[1] if authorization else None,
                    settings.secret_names,
                )
                attempts += 1
                started = time.perf_counter()
                try:
                    try:
                        response = await http.send(request, stream=True)
                        try:
                            content = await _aread(response, settings.max_response_bytes, clock)
                        finally:
                            await response.aclose()
                    except _TooLarge:
                        _log_attempt(sent, response.status_code, started, attempts)
                        raise _too_large(sent, response, settings) from None
                    except (httpx.TransportError, OSError, _OutOfTime) as exc:
                        _log_attempt(sent, exc.__class__.__name__, started, attempts)
                        error = _on_transport_error(sent, exc, attempts, settings, clock)
                        raise error from error.__cause__
                    _log_attempt(sent, response.status_code, started, attempts)
                    return _settle(
                        sent, response, content, attempts, refreshed, client, settings, clock
                    )
                except _Retry as retry:
                    refreshed = refreshed or retry.refresh
                    if retry.refresh:
                        attempts -= 1
                    else:
                        _log_retry(sent, retry, attempts, settings)
                        await anyio.sleep(retry.wait)
    except TimeoutError:
        if sent is None:
            raise
        _log_attempt(sent, "deadline", started, attempts)
        raise _out_of_time(sent, attempts, clock) from None


def secret_header_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({name.lower() for name in names}))


__all__ = ["Answer", "SpikeError", "acall", "build_url", "call"]
