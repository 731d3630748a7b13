# Edit openapi/generator/runtime/_redirect_errors.py, not the copy in generated/.
"""The errors of the redirect back after consent: one class per reason to refuse it.

They join the client's tree under `SpikeError`; catch `RedirectBackError` to refuse every
untrustworthy redirect the same way (answer 400, start the flow again). Each takes only its
message, which never holds a key or a whole `state`, so an error can be logged, pickled and
sent to another process without carrying a secret.
"""

from __future__ import annotations

from ._exceptions import InvalidInputError, SpikeError


class RedirectBackError(SpikeError):
    """Raised when the redirect back from Spike cannot be trusted or read; refuse it."""


class MalformedRedirectError(RedirectBackError, InvalidInputError):
    """Raised when the query is not what the contract describes: a parameter missing, given
    twice, too long, not UTF-8, or breaking its schema."""


class InvalidStateError(RedirectBackError):
    """Raised when the `state` is not one this service signed: forged, tampered with,
    truncated, signed with a key no longer held, or not a state of this kind at all."""


class MissingStateError(InvalidStateError):
    """Raised when the redirect carries no `state`, so nothing says whose flow it ends."""


class ExpiredStateError(RedirectBackError):
    """Raised when the `state` is genuine but older than the signer's `max_age`."""


class StateMismatchError(RedirectBackError):
    """Raised when the `state` was issued for another user or provider than the query names."""


class ReplayedStateError(RedirectBackError):
    """Raised when the replay store has already seen this `state`: the redirect came twice."""


class ReplayStoreUnavailableError(RedirectBackError):
    """Raised when a shared replay store (Redis) cannot say whether a state was used before:
    the redirect is refused rather than risk accepting it twice."""


class ReplayStoreFullError(RedirectBackError):
    """Raised when the in-memory replay store holds `max_entries` unexpired states: refusing
    is safer than forgetting one that could then be replayed."""


__all__ = [
    "ExpiredStateError",
    "InvalidStateError",
    "MalformedRedirectError",
    "MissingStateError",
    "RedirectBackError",
    "ReplayStoreFullError",
    "ReplayStoreUnavailableError",
    "ReplayedStateError",
    "StateMismatchError",
]
