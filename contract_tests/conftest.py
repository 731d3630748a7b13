"""Load the hypothesis profile (`SPIKE_TEST_PROFILE`) before any suite builds its settings."""

from __future__ import annotations

from contract_tests import profiles

PROFILE = profiles.load()


def pytest_report_header() -> str:
    return f"spike test profile: {PROFILE} ({profiles.PROFILE_ENV})"
