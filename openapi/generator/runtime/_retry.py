"""When to retry and how long to wait: pure functions, shared by the sync and async paths."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

from attrs import frozen

RETRYABLE_STATUSES = frozenset({408, 429})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


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
            raise ValueError("max_retries must be 0 or more")
        if self.initial_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("retry delays must not be negative")

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
