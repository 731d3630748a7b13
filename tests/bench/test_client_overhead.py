"""`bench-client` runs end to end and prints a figure for every mode; it asserts no speed."""

from __future__ import annotations

import os
import re

import pytest

from spike_kit.bench.client_overhead import main

ROW = re.compile(
    r"^\| (?P<mode>[^|]+) \| (?P<plain>[\d,]+(?: µs)?) \| (?P<client>[\d,]+(?: µs)?) \| "
    r"(?P<overhead>[+-]\d+\.\d)%"
)


def test_a_short_run_prints_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    """A few users stand for the default thousand (which alone took two minutes here)."""
    argv = ["--calls", "16", "--batches", "2", "--concurrency", "8", "--in-process"]
    assert main([*argv, "--users", "8"]) == 0
    out = capsys.readouterr().out
    assert [line.split(":", 1)[0] for line in out.splitlines()[:3]] == [
        "command",
        "machine",
        "date",
    ]
    assert "| 8 users, first call each (exchange + init_url) |" in out
    assert "| warm calls, `for_user` view per call vs one client holding one issued token |" in out
    rows = [m for line in out.splitlines() if (m := ROW.match(line))]
    assert [row["mode"] for row in rows] == [
        "sync, sequential",
        "async, 8 in flight",
        "in-process (MockTransport), per call",
    ]
    for row in rows:
        assert float(row["plain"].replace(",", "").removesuffix(" µs")) > 0
        assert float(row["client"].replace(",", "").removesuffix(" µs")) > 0


@pytest.mark.parametrize(
    "argv", [["--calls", "4", "--concurrency", "8"], ["--batches", "0"], ["--calls", "200000"]]
)
def test_out_of_range_arguments_are_refused_in_a_sentence(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "--calls must be at least --concurrency" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_the_run_gives_its_process_every_core_back() -> None:
    before = os.sched_getaffinity(0)
    main(["--calls", "8", "--batches", "1", "--concurrency", "8", "--users", "0"])
    assert os.sched_getaffinity(0) == before
