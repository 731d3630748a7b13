"""Smoke tests of `tox -e bench-mock`: it reads wrk right, says so when wrk is missing, and a
short real run (when wrk is installed) prints a full table and a soak line. Figures are not
asserted: a benchmark prints them, a test only checks that it works."""

from __future__ import annotations

from pathlib import Path

import pytest

from spike_kit.bench import mock_vs_prism
from spike_kit.bench.mock_vs_prism import NO_WRK, parse_wrk
from tests import tools

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8765/v3/providers/garmin/integration/init_url?state=bench
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.31ms    1.04ms   1.20s    83.51%
    Req/Sec     9.78k     1.09k   11.28k    82.00%
  Latency Distribution
     50%  812.00us
     75%    3.67ms
     90%    4.35ms
     99%    1.07s
  48660 requests in 5.00s, 8.91MB read
  Non-2xx or 3xx responses: 12
  Socket errors: connect 1, read 2, write 0, timeout 3
Requests/sec:   9731.12
Transfer/sec:      1.78MB
"""


def test_wrk_output_is_read_with_its_units() -> None:
    assert parse_wrk(WRK_OUTPUT) == {
        "requests": 48660,
        "per_second": 9731.12,
        "p50_ms": 0.812,
        "p99_ms": 1070.0,
        "refused": 12,
        "socket_errors": 6,
    }


def test_clean_wrk_output_has_no_errors() -> None:
    clean = "\n".join(
        line for line in WRK_OUTPUT.splitlines() if not line.lstrip().startswith(("Non", "Socket"))
    )
    figures = parse_wrk(clean)
    assert (figures["refused"], figures["socket_errors"]) == (0, 0)


def test_output_without_figures_is_an_error_that_shows_it() -> None:
    with pytest.raises(ValueError, match="unable to connect"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_missing_wrk_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SPIKE_BENCH_WRK", raising=False)
    with pytest.raises(SystemExit) as stopped:
        mock_vs_prism.main(["--seconds", "1"])
    assert stopped.value.code == NO_WRK
    assert "apt-get install wrk" in NO_WRK


@pytest.fixture
def needs_wrk() -> None:
    """The runs below need wrk: skipped without it, failed without it in CI."""
    tools.wrk()


@pytest.mark.usefixtures("needs_wrk")
def test_a_short_run_prints_every_row_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    status = mock_vs_prism.main(
        ["--seconds", "1", "--connections", "4", "--rows", "raw,mock,workers", "--prism", "/nope"]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    for expected in ("command:", "machine:", "date:", "the ceiling", "spike-mock", "% of the raw"):
        assert expected in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 4  # the header and three rows


@pytest.mark.usefixtures("needs_wrk")
def test_a_prism_that_is_not_there_is_a_row_that_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mock_vs_prism.main(["--seconds", "1", "--rows", "prism-silent", "--prism", "/nope/prism"])
    assert "did not start" in capsys.readouterr().out


@pytest.mark.usefixtures("needs_wrk")
def test_a_short_soak_prints_memory_start_middle_end(capsys: pytest.CaptureFixture[str]) -> None:
    status = mock_vs_prism.main(["--soak", "2", "--connections", "4"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "RSS MiB start / middle / end" in out
    (row,) = [
        line
        for line in out.splitlines()
        if line.startswith("| ") and "MiB" not in line and "---" not in line
    ]
    start, middle, end = (float(v) for v in row.rsplit("|", 2)[1].split("/"))
    assert min(start, middle, end) > 0
