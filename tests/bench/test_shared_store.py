"""The shared-store benchmark runs end to end with tiny numbers and prints every row (a smoke
test: the figures themselves are printed by `spike-kit bench store`, never asserted)."""

from __future__ import annotations

import pytest

from spike_kit.bench.shared_store import main
from tests.client.redis_support import RedisServer


def test_a_short_run_prints_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    RedisServer().start().stop()  # skips (or in CI fails) here when redis-server is missing
    assert main(["--users", "6", "--processes", "2", "--calls", "4", "--batches", "2"]) == 0
    out = capsys.readouterr().out
    assert "| RedisTokenStore shared | 6 |" in out, out
    assert "| a cache per process | 12 |" in out, out
    assert "warm call, with RedisTokenStore" in out
    assert "the store's read" in out
    assert out.startswith("command: ")
