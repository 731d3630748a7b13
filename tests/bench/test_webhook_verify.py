"""`bench-webhooks` runs end to end and prints a figure for every row; it asserts no speed."""

from __future__ import annotations

import json
import re

import pytest

from spike_kit.bench.webhook_verify import delivery_of, main
from tests.webhooks.support import CONTRACT

ROW = re.compile(r"^\| (?P<label>[^|]+) \| (?P<plain>[\d.]+) ms \| (?P<client>[\d.]+) ms \| ")


def test_a_short_run_prints_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--size", "20000", "--calls", "2", "--batches", "2"]) == 0
    out = capsys.readouterr().out
    assert [line.split(":", 1)[0] for line in out.splitlines()[:3]] == [
        "command",
        "machine",
        "date",
    ]
    rows = [m for line in out.splitlines() if (m := ROW.match(line))]
    assert len(rows) == 4
    assert all(float(row["plain"]) > 0 and float(row["client"]) > 0 for row in rows)
    assert re.search(r"^goal: verifying a [\d,]+-byte delivery in under 5 ms: ", out, re.M)


def test_the_delivery_is_the_size_asked_for_and_the_contracts_shape() -> None:
    events = delivery_of(100_000)
    size = len(json.dumps(events, separators=(",", ":")).encode())
    assert 100_000 <= size < 100_000 + 400
    assert len({event["timestamp"] for event in events}) == len(events)
    assert CONTRACT.problem(events) is None


def test_out_of_range_arguments_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--size", "50"])
    assert exit_info.value.code == 2
    assert "--size must be" in capsys.readouterr().err
