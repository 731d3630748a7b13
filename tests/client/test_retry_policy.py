"""The retry policy's arithmetic: backoff bounds and Retry-After parsing."""

from __future__ import annotations

import pytest
from spike_api_client import RetryPolicy
from spike_api_client._retry import is_retryable_status, parse_retry_after


@pytest.mark.parametrize(
    ("retry", "low", "high"), [(0, 0.375, 0.5), (1, 0.75, 1.0), (2, 1.5, 2.0), (6, 6.0, 8.0)]
)
def test_backoff_is_exponential_capped_and_jittered(retry: int, low: float, high: float) -> None:
    policy = RetryPolicy()
    delays = [policy.backoff(retry) for _ in range(200)]
    assert all(low <= delay <= high for delay in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("-1", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date() -> None:
    now = 784111777.0  # Sun, 06 Nov 1994 08:49:37 GMT
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now=now) == 10.0
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now=now) == 0.0


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(408, True), (429, True), (500, True), (599, True), (400, False), (404, False), (200, False)],
)
def test_retryable_statuses(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
