"""The one place where every call gets its retries, its error and its contract check.

An httpx transport wraps the real one, so the generated endpoint functions need no change:
they send a request and get either a response that honours the contract or one of the
exceptions in `_exceptions`. The sync and async transports share every decision
(`_decide`), and differ only in how they send and sleep.
"""

from __future__ import annotations

import logging
import time
from typing import Any

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
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SpikeError,
    UnsafeRedirectError,
)
from ._retry import RetryPolicy, is_retryable_status, parse_retry_after

logger = logging.getLogger("spike_api_client")

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: InvalidRequestError,
    422: InvalidRequestError,
}


@frozen
class CallSettings:
    """What one client (or one `with_options` copy of it) asks of every call."""

    retry: RetryPolicy
    redirect_hosts: frozenset[str]


@frozen
class _Decision:
    retry_in: float | None = None
    error: SpikeError | None = None
    why: str = ""


_PROCEED = _Decision()
"""The common case: hand the response to the caller."""


def redacted_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers safe to log: credentials replaced by a marker."""
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
    }


def _secrets_of(request: httpx.Request) -> list[str]:
    secrets = []
    for name in SECRET_HEADERS:
        value = request.headers.get(name)
        if value:
            secrets.append(value)
            secrets.extend(part for part in value.split() if len(part) >= 8)
    return secrets


def _scrub(text: str, request: httpx.Request) -> str:
    for secret in sorted(_secrets_of(request), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _where(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


def _problem_of(response: httpx.Response, operation: Operation | None) -> Any:
    """The parsed problem document, or None when the body is not a valid one."""
    from .models.problem import Problem

    body, not_json = parse_json(response)
    if not_json is not None or not isinstance(body, dict):
        return None
    rule = operation.rule_for(response.status_code) if operation else None
    if rule is not None and schema_violation(rule, body) is not None:
        return None
    try:
        return Problem.from_dict(body)
    except (KeyError, TypeError, ValueError):
        return None


def _status_error(response: httpx.Response, operation: Operation | None) -> APIStatusError:
    request = response.request
    problem = _problem_of(response, operation)
    phrase = response.reason_phrase or "error"
    message = f"{response.status_code} {phrase} from {_where(request)}"
    if problem is not None:
        said = [text for text in (problem.title, problem.detail) if isinstance(text, str)]
        if said:
            message += ": " + " - ".join(said)
    message = _scrub(message, request)
    status = response.status_code
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitError(message, response=response, problem=problem, retry_after=retry_after)
    if 500 <= status <= 599:
        return ServerError(message, response=response, problem=problem)
    return _STATUS_ERRORS.get(status, APIStatusError)(message, response=response, problem=problem)


def _contract_error(
    response: httpx.Response, operation: Operation, settings: CallSettings
) -> ContractError | None:
    request = response.request
    rule = operation.rule_for(response.status_code)
    if rule is None:
        return ContractError(
            f"{_where(request)} answered status {response.status_code}, which "
            f"{operation.operation_id} does not document",
            response=response,
        )
    if rule.content_type is None:
        return None
    body, not_json = parse_json(response)
    if not_json is not None:
        message = f"{_where(request)} broke the contract of {operation.operation_id}: {not_json}"
        return ContractError(_scrub(message, request), response=response)
    # The safety check speaks first: an unsafe browser URL is the more specific finding.
    unsafe = redirect_violation(rule, body, settings.redirect_hosts)
    if unsafe is not None:
        return UnsafeRedirectError(
            _scrub(f"{_where(request)} returned an unsafe redirect URL: {unsafe}", request),
            response=response,
        )
    violation = schema_violation(rule, body)
    if violation is not None:
        message = f"{_where(request)} broke the contract of {operation.operation_id}: {violation}"
        return ContractError(_scrub(message, request), response=response)
    return None


def _may_retry(request: httpx.Request, operation: Operation | None) -> bool:
    if operation is not None:
        return operation.idempotent
    return request.method in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}


def _decide_on_response(
    response: httpx.Response, retries_done: int, settings: CallSettings
) -> _Decision:
    request = response.request
    operation = CONTRACT.find(request)
    status = response.status_code
    if status >= 400:
        policy = settings.retry
        if (
            is_retryable_status(status)
            and retries_done < policy.max_retries
            and _may_retry(request, operation)
        ):
            asked = parse_retry_after(response.headers.get("retry-after"))
            if asked is None:
                return _Decision(retry_in=policy.backoff(retries_done), why=f"status {status}")
            if asked <= policy.max_retry_after:
                return _Decision(retry_in=asked, why=f"status {status}, Retry-After {asked:g} s")
        return _Decision(error=_status_error(response, operation))
    if operation is not None:
        error = _contract_error(response, operation, settings)
        return _PROCEED if error is None else _Decision(error=error)
    return _PROCEED


def _decide_on_exception(
    request: httpx.Request, exc: httpx.TransportError, retries_done: int, settings: CallSettings
) -> _Decision:
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
    may_retry = never_sent or _may_retry(request, CONTRACT.find(request))
    if may_retry and retries_done < settings.retry.max_retries:
        return _Decision(retry_in=settings.retry.backoff(retries_done), why=exc.__class__.__name__)
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
    attempts = retries_done + 1
    message = (
        f"{_where(request)} {kind} after {attempts} attempt{'s' if attempts > 1 else ''}"
        f" ({exc.__class__.__name__})"
    )
    error_type = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    error = error_type(message, request=request)
    error.__cause__ = exc
    return _Decision(error=error)


def _log_outcome(request: httpx.Request, status: int | str, started: float, attempt: int) -> None:
    if logger.isEnabledFor(logging.INFO):
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s -> %s in %.1f ms (attempt %d)", _where(request), status, elapsed_ms, attempt
        )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("request headers: %s", redacted_headers(request.headers))


def _log_retry(request: httpx.Request, decision: _Decision, retries_done: int, limit: int) -> None:
    logger.warning(
        "retrying %s in %.2f s after %s (retry %d of %d)",
        _where(request),
        decision.retry_in,
        decision.why,
        retries_done + 1,
        limit,
    )


class SpikeTransport(httpx.BaseTransport):
    """Sync transport: retries, raises the client's errors and checks the contract."""

    def __init__(self, inner: httpx.BaseTransport, settings: CallSettings) -> None:
        self._inner = inner
        self.settings = settings

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retries_done = 0
        while True:
            started = time.perf_counter()
            try:
                response = self._inner.handle_request(request)
                response.request = request
                response.read()
            except httpx.TransportError as exc:
                _log_outcome(request, exc.__class__.__name__, started, retries_done + 1)
                decision = _decide_on_exception(request, exc, retries_done, self.settings)
            else:
                _log_outcome(request, response.status_code, started, retries_done + 1)
                decision = _decide_on_response(response, retries_done, self.settings)
                if decision.retry_in is None and decision.error is None:
                    return response
                response.close()
            if decision.error is not None:
                raise decision.error
            _log_retry(request, decision, retries_done, self.settings.retry.max_retries)
            time.sleep(decision.retry_in or 0.0)
            retries_done += 1

    def close(self) -> None:
        """The connection pool belongs to the client that made it, not to this wrapper."""


class AsyncSpikeTransport(httpx.AsyncBaseTransport):
    """Async twin of `SpikeTransport`, making the same decisions."""

    def __init__(self, inner: httpx.AsyncBaseTransport, settings: CallSettings) -> None:
        self._inner = inner
        self.settings = settings

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retries_done = 0
        while True:
            started = time.perf_counter()
            try:
                response = await self._inner.handle_async_request(request)
                response.request = request
                await response.aread()
            except httpx.TransportError as exc:
                _log_outcome(request, exc.__class__.__name__, started, retries_done + 1)
                decision = _decide_on_exception(request, exc, retries_done, self.settings)
            else:
                _log_outcome(request, response.status_code, started, retries_done + 1)
                decision = _decide_on_response(response, retries_done, self.settings)
                if decision.retry_in is None and decision.error is None:
                    return response
                await response.aclose()
            if decision.error is not None:
                raise decision.error
            _log_retry(request, decision, retries_done, self.settings.retry.max_retries)
            await anyio.sleep(decision.retry_in or 0.0)
            retries_done += 1

    async def aclose(self) -> None:
        """The connection pool belongs to the client that made it, not to this wrapper."""
