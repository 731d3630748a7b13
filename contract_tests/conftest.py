"""Load the hypothesis profile (`SPIKE_TEST_PROFILE`) before any suite builds its settings;
report a test that could draw no values from the spec in the spec's words."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from contract_tests import profiles
from contract_tests.findings import CANNOT_GENERATE, could_not_generate
from spike_kit.gate.settings import PROFILE_ENV

PROFILE = profiles.load()


def pytest_report_header() -> str:
    return f"spike test profile: {PROFILE} ({PROFILE_ENV})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(CANNOT_GENERATE):
        report.longrepr = could_not_generate(item, call.excinfo.value)
    return report
