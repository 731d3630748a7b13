"""A spec-driven mock Spike server: the contract gate's default target and a test double
for other teams (see `spike_kit.mock.pytest_plugin` for the fixtures)."""

from spike_kit.mock.app import create_app
from spike_kit.mock.server import MockServer
from spike_kit.mock.settings import MockSettings

__all__ = ["MockServer", "MockSettings", "create_app"]
