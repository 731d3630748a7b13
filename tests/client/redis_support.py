"""A real `redis-server` for the shared-store tests (`spike_kit.redis_process`).

Outside CI a machine without it skips these tests with the reason; in CI they fail instead,
so a missing server never passes for a green run.
"""

from __future__ import annotations

import os
from typing import Self

import pytest

from spike_kit.redis_process import RedisMissingError, RedisProcess, redis_binary


class RedisServer(RedisProcess):
    """`RedisProcess`, which a test without redis-server skips (or, in CI, fails)."""

    def start(self, timeout: float = 10.0) -> Self:
        try:
            redis_binary()
        except RedisMissingError as exc:
            if os.environ.get("CI"):
                pytest.fail(f"{exc}: required in CI", pytrace=False)
            pytest.skip(str(exc))
        super().start(timeout)
        return self
