"""Every Python block of the client's README runs, unchanged, against a real mock.

The blocks name the mock's documented address (127.0.0.1:8765); the test points them at a
mock on a free port instead, so a busy 8765 on the machine cannot break the suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from spike_kit.mock.process import MockProcess

README = Path(__file__).resolve().parents[2] / "generated" / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
RUNNABLE = [block for block in BLOCKS if "127.0.0.1:8765" in block]


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with MockProcess() as mock:  # as the README says: `spike-mock --port 8765`, defaults
        yield mock.base_url


def test_the_readme_has_runnable_examples() -> None:
    assert len(RUNNABLE) >= 5


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"example-{n}" for n in range(len(RUNNABLE))])
def test_readme_example_runs(block: str, mock_url: str) -> None:
    code = block.replace("127.0.0.1:8765", mock_url.split("//", 1)[1].split("/", 1)[0])
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    output = finished.stdout + finished.stderr
    assert output.strip(), "an example should show what it did"
    assert "spike-mock-token" not in output
    assert "Unset" not in output, "an example printed a placeholder for an absent field"
