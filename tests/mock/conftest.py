"""Fixtures for the mock's tests (the helpers they share are in `support.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from spike_kit.mock import MockSettings
from tests.mock.support import in_process


@pytest.fixture
def settings() -> MockSettings:
    return MockSettings(public_url="http://localhost")


@pytest.fixture
def http(settings: MockSettings) -> Iterator[httpx.Client]:
    """A plain httpx client on the mock, in-process."""
    with in_process(settings) as client:
        yield client
