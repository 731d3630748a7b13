"""The `mock` extra: what it brings, and one sentence when it is missing.

The kit installs without it (the compat check, the gate's spec checks and the pytest plugin's
registration need only the base dependencies), so the plugin's fixtures and the `spike-mock`
command check for it first and name the install command instead of failing deep inside an
import. Only the standard library is imported here.
"""

from __future__ import annotations

import importlib.util
import sys

MOCK_EXTRA = "pip install 'spike-contract-kit[mock]'"
MOCK_MODULES = ("httpx", "uvicorn")


def missing_modules() -> list[str]:
    return [name for name in MOCK_MODULES if importlib.util.find_spec(name) is None]


def spike_mock(argv: list[str] | None = None) -> int:
    """The `spike-mock` console script: the extra checked, then `spike_kit.mock.cli.main`."""
    missing = missing_modules()
    if missing:
        print(
            f"spike-mock needs the kit's mock extra ({', '.join(missing)} missing): {MOCK_EXTRA}",
            file=sys.stderr,
        )
        return 2
    from spike_kit.mock.cli import main

    return main(argv)
