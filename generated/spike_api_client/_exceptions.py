# Edit openapi/generator/runtime/_exceptions.py, not the copy in generated/.
"""Every error the client raises, in one tree rooted at `SpikeError`.

Catch the level you care about: `APIStatusError` for any error answer from Spike,
`RateLimitError` to back off, `APIConnectionError` for the network, `ContractError` when Spike
answered something the contract does not allow. The client hands these errors only requests and
responses with credentials removed, and they pickle as plain data (a process pool or a Celery
result backend can carry them), so no token or key travels with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from .models.problem import Problem


class SpikeError(Exception):
    """Base class of every error raised by this client."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, self._portable()))

    def _portable(self) -> dict[str, Any]:
        """The error's state as plain data; subclasses add theirs."""
        return {}

    def _restore_from(self, state: dict[str, Any]) -> None:
        """Set the state `_portable` gave; subclasses rebuild their objects from it."""


def _restore(cls: type[SpikeError], args: tuple[Any, ...], state: dict[str, Any]) -> SpikeError:
    error = cls.__new__(cls)
    error.args = args
    error._restore_from(state)
    return error


class InvalidInputError(SpikeError, ValueError):
    """Raised before any request when an argument breaks the contract (e.g. a bad user id)."""


def _request_state(request: httpx.Request | None) -> dict[str, Any]:
    if request is None:
        return {"request": None}
    return {"request": (request.method, str(request.url), list(request.headers.items()))}


def _request_from(state: dict[str, Any]) -> httpx.Request | None:
    if state["request"] is None:
        return None
    method, url, headers = state["request"]
    return httpx.Request(method, url, headers=headers)


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response made by hand, in a caller's test
        return None


class APIConnectionError(SpikeError):
    """Raised when Spike could not be reached or the connection broke, after all retries."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request

    def _portable(self) -> dict[str, Any]:
        return _request_state(self.request)

    def _restore_from(self, state: dict[str, Any]) -> None:
        request = _request_from(state)
        assert request is not None
        self.request = request


class APITimeoutError(APIConnectionError):
    """Raised when a call ran out of time: an attempt's timeout, or the whole call's deadline."""


class APIResponseError(SpikeError):
    """An error that came with a response: its status, headers and raw body are kept."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = response.content

    def _portable(self) -> dict[str, Any]:
        return {
            **_request_state(_request_of(self.response)),
            "status_code": self.status_code,
            "headers": list(self.headers.items()),
            "body": self.body,
        }

    def _restore_from(self, state: dict[str, Any]) -> None:
        response = httpx.Response(
            state["status_code"],
            headers=state["headers"],
            content=state["body"],
            request=_request_from(state),
        )
        APIResponseError.__init__(self, str(self), response=response)


class APIStatusError(APIResponseError):
    """Raised when Spike answered with an error status (4xx or 5xx), after all retries."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        problem: Problem | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response)
        self.problem: Problem | None = problem
        self.retry_after: float | None = retry_after
        """Seconds the server asked us to wait (`Retry-After`), when it said."""

    @property
    def title(self) -> str | None:
        """The problem document's `title`, when Spike sent one."""
        return _problem_text(self.problem, "title")

    @property
    def detail(self) -> str | None:
        """The problem document's `detail` (e.g. `expired jwt`), when Spike sent one."""
        return _problem_text(self.problem, "detail")

    def _portable(self) -> dict[str, Any]:
        problem = None if self.problem is None else self.problem.to_dict()
        return {**super()._portable(), "problem": problem, "retry_after": self.retry_after}

    def _restore_from(self, state: dict[str, Any]) -> None:
        super()._restore_from(state)
        from .models.problem import Problem

        self.problem = None if state["problem"] is None else Problem.from_dict(state["problem"])
        self.retry_after = state["retry_after"]


class InvalidRequestError(APIStatusError):
    """Raised on 400, 413 and 422: the request was malformed or broke a rule; do not retry."""


class AuthenticationError(APIStatusError):
    """Raised on 401: the token is missing, malformed, invalid or expired."""


class PermissionDeniedError(APIStatusError):
    """Raised on 403: the application may not do this."""


class NotFoundError(APIStatusError):
    """Raised on 404: for init_url, the provider slug is unknown to Spike."""


class RateLimitError(APIStatusError):
    """Raised on 429 once retries are spent, or when the wait Spike asks for is longer than
    the client may wait (`RetryPolicy.max_retry_after`, or what is left of the deadline)."""


class ServerError(APIStatusError):
    """Raised on 5xx once retries are spent: Spike failed; trying later may work."""


class ContractError(APIResponseError):
    """Raised when a response breaks the contract: an undocumented status, a body that is not
    JSON (such as an HTML error page), or a missing or mistyped field."""


class UnsafeRedirectError(ContractError):
    """Raised when a URL meant for the user's browser is not absolute https on an allowed
    host and port."""


class ResponseTooLargeError(ContractError):
    """Raised when a response body is longer than the client's `max_response_bytes`; the
    body is not kept."""


def _problem_text(problem: Problem | None, name: str) -> str | None:
    if problem is None:
        return None
    value = getattr(problem, name, None)
    return value if isinstance(value, str) else None


__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "ContractError",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "SpikeError",
    "UnsafeRedirectError",
]
