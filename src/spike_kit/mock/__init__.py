"""A spec-driven mock Spike server: the contract gate's default target and a test double
for other teams (see `spike_kit.mock.pytest_plugin` for the fixtures).

The server's parts load on first use, so that `spike_kit.mock.settings` (and the pytest
plugin, which pytest loads everywhere the kit is installed) need only the kit's base
dependencies; the server itself needs the `mock` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spike_kit.mock.settings import MockSettings

if TYPE_CHECKING:
    from spike_kit.mock.app import create_app
    from spike_kit.mock.pytest_plugin import MockHandle
    from spike_kit.mock.server import MockServer

__all__ = ["MockHandle", "MockServer", "MockSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from spike_kit.mock.app import create_app

        return create_app
    if name == "MockHandle":  # what the `spike_mock` fixtures give, for annotating tests
        from spike_kit.mock.pytest_plugin import MockHandle

        return MockHandle
    if name == "MockServer":
        from spike_kit.mock.server import MockServer

        return MockServer
    raise AttributeError(f"module 'spike_kit.mock' has no attribute {name!r}")
