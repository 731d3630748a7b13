"""The one rule for which documented response covers a status (client runtime and compat)."""

from __future__ import annotations

import pytest

from spike_kit.statuses import covering_key


@pytest.mark.parametrize(
    ("documented", "status", "expected"),
    [
        ({"200", "4XX", "default"}, "200", "200"),
        ({"200", "4XX", "default"}, "404", "4XX"),
        ({"200", "404", "4XX"}, "404", "404"),
        ({"200", "4XX", "default"}, "503", "default"),
        ({"200", "4XX"}, "503", None),
        ({"200", "5XX"}, "5XX", "5XX"),
        ({"200", "default"}, "5XX", "default"),
        (set(), "200", None),
    ],
)
def test_exact_then_range_then_default(
    documented: set[str], status: str, expected: str | None
) -> None:
    assert covering_key(documented, status) == expected
