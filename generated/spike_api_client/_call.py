# Edit openapi/generator/runtime/_call.py, not the copy in generated/.
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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import anyio
import httpx

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
    from ._client import Client

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
BACKSTOP_GRACE = 0.1
"""Seconds the async call's cancel scope waits past the deadline for httpx to time out."""
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


def wire_path(url: httpx.URL) -> str:
    """The path as sent, still percent-encoded: a slug from a user's request cannot then
    start a new log line (`%0A`) or pass for another path (`%2F`) in logs and messages."""
    return url.raw_path.partition(b"?")[0].decode("ascii")


class _Sent:
    """One attempt: its request and what it carried, for its log line, errors and scrubbing."""

    __slots__ = ("authorization", "request", "secret_names", "started")

    def __init__(
        self, request: httpx.Request, authorization: str | None, secret_names: tuple[str, ...]
    ) -> None:
        self.request = request
        self.authorization = authorization
        self.secret_names = secret_names
        self.started = time.perf_counter()

    @property
    def where(self) -> str:
        return f"{self.request.method} {wire_path(self.request.url)}"

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

    def safe_response(self, response: httpx.Response, content: bytes) -> httpx.Response:
        """The response as an error keeps it: credentials scrubbed, the body decoded."""
        scrub = self.scrubber()
        headers = [
            pair
            for pair in scrub.headers(response.headers.items(), self.secret_names)
            if pair[0].lower() not in {"content-encoding", "content-length"}
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=scrub.data(content),
            request=self.safe_request(),
        )


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
    """Async twin of `_read`: change both together."""
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


# One call's decisions -------------------------------------------------------------------


def _detail_of(content: bytes) -> str | None:
    try:
        body = jsonlib.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else None


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


class _Call:
    """One call of one operation across its attempts: what it sends, how long it may take,
    and what each answer means. Both loops below drive it the same way."""

    __slots__ = (
        "arguments",
        "attempts",
        "client",
        "clock",
        "headers",
        "last",
        "operation",
        "refreshed",
        "settings",
        "url",
    )

    def __init__(
        self, client: Client, method: str, path: str, arguments: Mapping[str, Any]
    ) -> None:
        self.client, self.arguments = client, arguments
        self.operation = CONTRACT.operation(method, path)
        self.settings = client._call_settings()
        self.url = build_url(self.settings.base_url, self.operation, arguments)
        within = client._within
        self.clock = within if within is not None else Clock(self.settings.deadline)
        self.headers: dict[str, str] = {}
        self.attempts = 0
        self.refreshed = False
        self.last: _Sent | None = None

    # Sending ----------------------------------------------------------------------------
    def credential(self) -> tuple[str, str] | None:
        """The client's credential, when the operation wants one; waiting for another
        thread's token exchange for the same user counts against this call's deadline."""
        if not self.operation.secured:
            return None
        try:
            return self.client._credential(self.clock)
        except TimeoutError:
            raise self.out_of_time(None) from None

    def attempt(self, authorization: tuple[str, str] | None) -> _Sent:
        """The next attempt's request."""
        headers = self.headers
        if authorization is not None:
            headers = {**headers, authorization[0]: authorization[1]}
        body = self.arguments.get("json")
        content = None
        if body is not None:
            content = jsonlib.dumps(body, separators=(",", ":"), allow_nan=False).encode()
            headers = {**headers, "Content-Type": "application/json"}
        timeout = _attempt_timeout(self.settings.timeout, max(self.clock.remaining(), 0.0))
        request = httpx.Request(
            self.operation.method,
            self.url,
            headers=headers,
            content=content,
            extensions={"timeout": timeout},
        )
        self.attempts += 1
        value = authorization[1] if authorization else None
        return _Sent(request, value, self.settings.secret_names)

    # Answers ----------------------------------------------------------------------------
    def settle(self, sent: _Sent, response: httpx.Response, content: bytes) -> Answer:
        """The checked answer of a complete response; raises its error or a `_Retry`."""
        self.log(sent, response.status_code)
        if response.status_code >= 400:
            raise self.status_error(sent, response, content)
        body, error = self.contract_error(sent, response, content)
        if error is not None:
            raise error
        return Answer(response.status_code, response.headers, content, body)

    def status_error(self, sent: _Sent, response: httpx.Response, content: bytes) -> APIStatusError:
        """The error for an error status, or a `_Retry` raised when another attempt may
        cure it: a fresh token once on a refreshable 401, else the retry policy."""
        status = response.status_code
        if (
            status == 401
            and not self.refreshed
            and sent.authorization is not None
            and _detail_of(content) in REFRESHABLE_401
            and self.client._credential_rejected(sent.authorization)
        ):
            raise _Retry(0.0, "status 401, token refreshed", refresh=True)
        retry, clock = self.settings.retry, self.clock
        if is_retryable_status(status) and self.operation.idempotent:
            asked = parse_retry_after(response.headers.get("retry-after"))
            if self.attempts > retry.max_retries:
                return self.answered(sent, response, content, "")
            if asked is not None and asked > retry.max_retry_after:
                why = f"; Retry-After {asked:g} s is over the {retry.max_retry_after:g} s limit"
                return self.answered(sent, response, content, why)
            wait = retry.backoff(self.attempts - 1) if asked is None else asked
            if wait >= clock.remaining():
                why = f"; waiting {wait:.1f} s more would pass the {clock.budget:g} s deadline"
                return self.answered(sent, response, content, why)
            said = f"status {status}" + ("" if asked is None else f", Retry-After {asked:g} s")
            raise _Retry(wait, said)
        return self.answered(sent, response, content, "")

    def answered(
        self, sent: _Sent, response: httpx.Response, content: bytes, why: str
    ) -> APIStatusError:
        """The status error to raise, its message and problem document scrubbed."""
        problem = self.problem_of(sent, response, content)
        status = response.status_code
        message = f"{status} {response.reason_phrase or 'error'} from {sent.where}"
        if problem is not None:
            said = [text for text in (problem.title, problem.detail) if isinstance(text, str)]
            if said:
                message += ": " + " - ".join(said)
        message += f" ({self.tally()}{why})"
        error_type = _STATUS_ERRORS.get(status, ServerError if status >= 500 else APIStatusError)
        return error_type(
            sent.scrubber().text(message),
            response=sent.safe_response(response, content),
            problem=problem,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

    def problem_of(self, sent: _Sent, response: httpx.Response, content: bytes) -> Any:
        """The parsed problem document, scrubbed, or None when the body is not a valid one."""
        from .models.problem import Problem

        body, not_json = parse_json(content, response.headers.get("content-type"))
        if not_json is not None or not isinstance(body, dict):
            return None
        rule = self.operation.rule_for(response.status_code)
        if rule is not None and schema_violation(rule, body) is not None:
            return None
        try:
            return Problem.from_dict(sent.scrubber().json(body))
        except (KeyError, TypeError, ValueError):
            return None

    def contract_error(
        self, sent: _Sent, response: httpx.Response, content: bytes
    ) -> tuple[Any, ContractError | None]:
        """(parsed body, None) when the response honours the contract, else (None, error)."""
        operation = self.operation
        rule = operation.rule_for(response.status_code)
        error_type: type[ContractError] = ContractError
        if rule is None or not operation.documents_success(response.status_code):
            message = (
                f"{sent.where} answered status {response.status_code}, which "
                f"{operation.operation_id} does not document"
            )
        elif rule.content_type is None:
            return None, None
        else:
            body, not_json = parse_json(content, response.headers.get("content-type"))
            if not_json is not None:
                message = f"{sent.where} broke the contract of {operation.operation_id}: {not_json}"
            elif unsafe := redirect_violation(rule, body, self.settings.redirect_hosts):
                # The safety check speaks first: an unsafe browser URL is the finer finding.
                error_type = UnsafeRedirectError
                message = f"{sent.where} returned an unsafe redirect URL: {unsafe}"
            elif violation := schema_violation(rule, body):
                message = (
                    f"{sent.where} broke the contract of {operation.operation_id}: {violation}"
                )
            else:
                return body, None
        safe = sent.safe_response(response, content)
        return None, error_type(sent.scrubber().text(message), response=safe)

    # Failures below HTTP ----------------------------------------------------------------
    def transport_error(self, sent: _Sent, exc: Exception) -> APIConnectionError:
        """The error for a failed attempt, or a `_Retry` raised when another may work."""
        name = "deadline" if isinstance(exc, _OutOfTime) else exc.__class__.__name__
        self.log(sent, name)
        never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
        settings, clock = self.settings, self.clock
        if (
            (never_sent or self.operation.idempotent)
            and self.attempts <= settings.retry.max_retries
            and not isinstance(exc, _OutOfTime)
        ):
            wait = settings.retry.backoff(self.attempts - 1)
            if wait < clock.remaining():
                raise _Retry(wait, name)
        timed_out = isinstance(exc, (httpx.TimeoutException, _OutOfTime))
        kind = "timed out" if timed_out or clock.remaining() <= 0 else "failed"
        message = (
            f"{sent.where} {kind} after {self.tally()} (deadline {clock.budget:g} s; last: {name})"
        )
        error_type = APITimeoutError if kind == "timed out" else APIConnectionError
        error = error_type(message, request=sent.safe_request())
        error.__cause__ = _safe_cause(sent, exc)
        return error

    def out_of_time(self, sent: _Sent | None) -> APITimeoutError:
        """The error when the deadline ran out: during attempt `sent`, or between attempts
        (`sent` None), or before the first while waiting for a credential."""
        where = f"{self.operation.method} {wire_path(httpx.URL(self.url))}"
        if sent is not None:
            self.log(sent, "deadline")
        if self.attempts:
            message = f"{where} timed out after {self.tally()}"
        else:
            message = f"{where} timed out waiting for a token exchange"
        request = httpx.Request(self.operation.method, self.url)
        if sent is not None:
            request = sent.safe_request()
        return APITimeoutError(f"{message} (deadline {self.clock.budget:g} s)", request=request)

    def too_large(self, sent: _Sent, response: httpx.Response) -> ContractError:
        self.log(sent, response.status_code)
        message = (
            f"{sent.where} answered {response.status_code} with a body over the client's "
            f"max_response_bytes ({self.settings.max_response_bytes:,}); it was not read"
        )
        safe = httpx.Response(
            response.status_code,
            headers=Scrubber([]).headers(response.headers.items(), sent.secret_names),
            request=sent.safe_request(),
        )
        return ResponseTooLargeError(message, response=safe)

    def retrying(self, sent: _Sent, retry: _Retry) -> float:
        """Seconds to wait before the next attempt; a token refresh is a new try, not a
        retry, and is neither logged nor counted."""
        if retry.refresh:
            self.refreshed = True
            self.attempts -= 1
            return 0.0
        logger.warning(
            "retrying %s in %.2f s after %s (retry %d of %d)",
            sent.where,
            retry.wait,
            retry.why,
            self.attempts,
            self.settings.retry.max_retries,
            extra={
                "operation": self.operation.operation_id,
                "attempt": self.attempts,
                "retry_in": round(retry.wait, 3),
                "reason": retry.why,
            },
        )
        return retry.wait

    # Telling ----------------------------------------------------------------------------
    def tally(self) -> str:
        count = self.attempts
        return f"{count} attempt{'s' if count > 1 else ''} in {self.clock.elapsed():.1f} s"

    def log(self, sent: _Sent, status: int | str) -> None:
        """One INFO line per attempt (and its headers, redacted, at DEBUG), with fields."""
        if logger.isEnabledFor(logging.INFO):
            elapsed_ms = round((time.perf_counter() - sent.started) * 1000, 1)
            logger.info(
                "%s -> %s in %.1f ms (attempt %d)",
                sent.where,
                status,
                elapsed_ms,
                self.attempts,
                extra={
                    "operation": self.operation.operation_id,
                    "attempt": self.attempts,
                    "status": status,
                    "elapsed_ms": elapsed_ms,
                },
            )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request headers: %s",
                redacted_headers(sent.request.headers, sent.secret_names),
                extra={"operation": self.operation.operation_id, "attempt": self.attempts},
            )


# The loops: mirror images, one sync and one async -----------------------------------------


def call(client: Client, method: str, path: str, arguments: Mapping[str, Any]) -> Answer:
    """Send one call of the operation `method path` and return its checked answer."""
    state = _Call(client, method, path, arguments)
    try:
        return _call(client, state)
    except SpikeError:
        raise
    except Exception as exc:
        error = _unexpected(state, exc)
        raise error from error.__cause__


def _call(client: Client, state: _Call) -> Answer:
    http = client.get_httpx_client()
    state.headers = client._base_headers()
    while True:
        authorization = state.credential()
        if state.clock.remaining() <= 0:
            raise state.out_of_time(None)
        sent = state.attempt(authorization)
        state.last = sent
        try:
            try:
                response = http.send(sent.request, stream=True)
                try:
                    content = _read(response, state.settings.max_response_bytes, state.clock)
                finally:
                    response.close()
            except _TooLarge:
                raise state.too_large(sent, response) from None
            except (httpx.TransportError, OSError, _OutOfTime) as exc:
                error = state.transport_error(sent, exc)
                raise error from error.__cause__
            return state.settle(sent, response, content)
        except _Retry as retry:
            time.sleep(state.retrying(sent, retry))


def _unexpected(state: _Call, exc: Exception) -> SpikeError:
    """Whatever else went wrong inside a call (an event hook that raised, a broken transport),
    as a `SpikeError` that says where it happened. Its cause is kept only when its words carry
    no credential of the call."""
    scrub = state.last.scrubber() if state.last is not None else Scrubber([])
    said = str(exc)
    where = f"{state.operation.method} {wire_path(httpx.URL(state.url))}"
    error = SpikeError(
        f"{where} failed inside the client: {type(exc).__name__}: {scrub.text(said)[:500]}"
    )
    error.__cause__ = exc if scrub.text(said) == said else None
    return error


async def acall(client: Client, method: str, path: str, arguments: Mapping[str, Any]) -> Answer:
    """Async twin of `call`; one cancel scope also bounds every await by the deadline."""
    state = _Call(client, method, path, arguments)
    try:
        return await _acall(client, state)
    except SpikeError:
        raise
    except Exception as exc:
        error = _unexpected(state, exc)
        raise error from error.__cause__


async def _acall(client: Client, state: _Call) -> Answer:
    """Async twin of `_call`: change both together."""
    http = client.get_async_httpx_client()
    state.headers = client._base_headers()
    sent: _Sent | None = None
    try:
        # httpx's own timeouts (each set to what is left of the deadline) fire first and say
        # which wait ran out, as in the sync loop; this scope is the backstop for the rest.
        with anyio.fail_after(max(state.clock.remaining(), 0.0) + BACKSTOP_GRACE):
            while True:
                authorization = (
                    await client._acredential(state.clock) if state.operation.secured else None
                )
                sent = state.attempt(authorization)
                state.last = sent
                try:
                    try:
                        response = await http.send(sent.request, stream=True)
                        try:
                            content = await _aread(
                                response, state.settings.max_response_bytes, state.clock
                            )
                        finally:
                            await response.aclose()
                    except _TooLarge:
                        raise state.too_large(sent, response) from None
                    except (httpx.TransportError, OSError, _OutOfTime) as exc:
                        error = state.transport_error(sent, exc)
                        raise error from error.__cause__
                    return state.settle(sent, response, content)
                except _Retry as retry:
                    await anyio.sleep(state.retrying(sent, retry))
    except TimeoutError:
        raise state.out_of_time(sent) from None


__all__ = ["Answer", "acall", "build_url", "call"]
