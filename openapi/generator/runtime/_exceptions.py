"""Every error the client raises, in one tree rooted at `SpikeError`.

Catch the level you care about: `APIStatusError` for any error answer from Spike,
`RateLimitError` to back off, `APIConnectionError` for the network, `ContractError` when Spike
answered something the contract does not allow. Messages never contain the bearer token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from .models.problem import Problem


class SpikeError(Exception):
    """Base class of every error raised by this client."""


class InvalidInputError(SpikeError, ValueError):
    """Raised before any request when an argument breaks the contract (e.g. a bad user id)."""


class APIConnectionError(SpikeError):
    """Raised when Spike could not be reached or the connection broke, after all retries."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """Raised when connecting to or reading from Spike took longer than the timeout."""


class APIResponseError(SpikeError):
    """An error that came with a response: its status, headers and raw body are kept."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = response.content


class APIStatusError(APIResponseError):
    """Raised when Spike answered with an error status (4xx or 5xx), after all retries."""

    def __init__(self, message: str, *, response: httpx.Response, problem: Problem | None) -> None:
        super().__init__(message, response=response)
        self.problem = problem

    @property
    def title(self) -> str | None:
        """The problem document's `title`, when Spike sent one."""
        return _problem_text(self.problem, "title")

    @property
    def detail(self) -> str | None:
        """The problem document's `detail` (e.g. `expired jwt`), when Spike sent one."""
        return _problem_text(self.problem, "detail")


class InvalidRequestError(APIStatusError):
    """Raised on 400, 413 and 422: the request was malformed or broke a rule; do not retry."""


class AuthenticationError(APIStatusError):
    """Raised on 401: the token is missing, malformed, invalid or expired."""


class PermissionDeniedError(APIStatusError):
    """Raised on 403: the application may not do this."""


class NotFoundError(APIStatusError):
    """Raised on 404: for init_url, the provider slug is unknown to Spike."""


class RateLimitError(APIStatusError):
    """Raised on 429 once retries are spent or the server asked to wait too long."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        problem: Problem | None,
        retry_after: float | None,
    ) -> None:
        super().__init__(message, response=response, problem=problem)
        self.retry_after = retry_after
        """Seconds the server asked us to wait, from `Retry-After`, if it said."""


class ServerError(APIStatusError):
    """Raised on 5xx once retries are spent: Spike failed; trying later may work."""


class ContractError(APIResponseError):
    """Raised when a response breaks the contract: an undocumented status, a body that is not
    JSON (such as an HTML error page), or a missing or mistyped field."""


class UnsafeRedirectError(ContractError):
    """Raised when a URL meant for the user's browser is not absolute https on an allowed host."""


class UnexpectedStatus(ContractError):
    """Raised for a status the spec does not document (kept for the generated code's API)."""

    def __init__(self, status_code: int, content: bytes) -> None:
        response = httpx.Response(status_code, content=content)
        super().__init__(f"undocumented status {status_code}", response=response)
        self.content = content


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
    "ServerError",
    "SpikeError",
    "UnexpectedStatus",
    "UnsafeRedirectError",
]
