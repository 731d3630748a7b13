"""Load the hypothesis profile (`SPIKE_TEST_PROFILE`) before any suite builds its settings."""

from __future__ import annotations

from contract_tests import profiles
from spike_kit.gate.settings import PROFILE_ENV

PROFILE = profiles.load()


def pytest_report_header() -> str:
    return f"spike test profile: {PROFILE} ({PROFILE_ENV})"
