"""The client README's runnable Python blocks, run against a real mock by any interpreter.

The blocks name the mock's documented address (127.0.0.1:8765); `run_block` points them at a
mock on a free port instead, so a busy 8765 on the machine cannot break a suite. The source
tree's README (`test_readme_examples.py`) and the one inside a built wheel
(`tests/release/test_built_wheel.py`) are held to the same checks.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

DOCUMENTED_MOCK = "127.0.0.1:8765"
CONSUMER_SUITE = "# tests/test_spike.py in your service"
"""The first line of the top-level README's example test module of a service (run by
`tests/release/test_built_wheel.py` against the built wheels)."""
WEBHOOK_RECEIVER = "# webhooks.py in your service"
"""The first line of the top-level README's webhook handler (run behind a real server by
`tests/webhooks/`)."""
FRAGMENT = "fragment"
"""The word the paragraph before a block that no test runs must say."""
_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def python_blocks(markdown: str) -> list[str]:
    """Every ```python block, in order."""
    blocks: list[str] = re.findall(r"```python\n(.*?)```", markdown, re.DOTALL)
    return blocks


def fenced_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """Every fenced block as (language, body, the paragraph just before it)."""
    found: list[tuple[str, str, str]] = []
    for match in _FENCE.finditer(markdown):
        before = markdown[: match.start()]
        after_previous = before[before.rfind("```") + 3 :] if "```" in before else before
        paragraph = after_previous.strip().split("\n\n")[-1]
        found.append((match.group(1), match.group(2), paragraph))
    return found


def runnable_blocks(markdown: str) -> list[str]:
    """Every ```python block that talks to the documented mock."""
    return [block for block in python_blocks(markdown) if DOCUMENTED_MOCK in block]


def run_block(python: str | Path, block: str, mock_url: str) -> None:
    """Run one block with `python` against the mock at `mock_url`; fail the test if it
    errs, prints nothing, prints the mock's token or prints a placeholder for a field."""
    address = mock_url.split("//", 1)[1].split("/", 1)[0]
    finished = subprocess.run(
        [str(python), "-c", block.replace(DOCUMENTED_MOCK, address)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    output = finished.stdout + finished.stderr
    assert output.strip(), "an example should show what it did"
    assert "spike-mock-token" not in output
    assert "Unset" not in output, "an example printed a placeholder for an absent field"
