# Edit openapi/generator/runtime/_retry.py, not the copy in generated/.
"""When to retry, how long to wait, and how long a whole call may take.

Pure policy, shared by the sync and async paths: the call loop in `_call` asks these questions
and does the sending and sleeping itself.
"""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

from attrs import frozen

from ._exceptions import InvalidInputError

RETRYABLE_STATUSES = frozenset({408, 429})
DEFAULT_DEADLINE = 30.0
"""Seconds a whole call may take by default: every attempt, backoff and `Retry-After` wait."""


@frozen
class RetryPolicy:
    """How the client retries. The defaults match the best-known SDKs: two retries,
    exponential backoff from 0.5 s up to 8 s with jitter, and obeying `Retry-After` up to 60 s
    (a server that asks for longer gets the error raised at once, so the caller decides)."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def __attrs_post_init__(self) -> None:
        if self.max_retries < 0:
            raise InvalidInputError("max_retries must be 0 or more")
        if self.initial_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise InvalidInputError("retry delays must not be negative")

    def backoff(self, retry_number: int) -> float:
        """Delay before retry number `retry_number` (0-based), with 0.75-1.0 jitter."""
        base: float = min(self.initial_delay * (2.0**retry_number), self.max_delay)
        return base * random.uniform(0.75, 1.0)


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUSES or 500 <= status_code <= 599


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        return None
    return seconds


def checked_deadline(value: object) -> float:
    """A deadline in seconds: a finite number above zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError("deadline must be a number of seconds")
    seconds = float(value)
    if not 0 < seconds < float("inf"):
        raise InvalidInputError("deadline must be more than 0 seconds and finite")
    return seconds


class Clock:
    """One call's time budget: started when the call starts, shared by all its attempts."""

    __slots__ = ("budget", "ends", "started")

    def __init__(self, budget: float) -> None:
        self.started = time.monotonic()
        self.budget = budget
        self.ends = self.started + budget

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started
