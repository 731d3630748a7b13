"""What the contract suites report in the spec's words, without test code around it.

Schemathesis raises its findings as an exception group; pytest then prints a traceback of the
test code and the group around a message that already says everything (the check, the spec's
schema at its place, the value, a `curl` to reproduce). The gate shows that message alone.

When Hypothesis cannot draw values from a schema of the spec (a health check fails: a `uri`
with a 16-character `maxLength` is one it almost never makes), the test has not run at all:
that is a failure naming the operation the test covers, not a Hypothesis traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis.errors import FailedHealthCheck, Unsatisfiable
from schemathesis.core.failures import FailureGroup

from contract_tests.spec_data import SPEC_PATH
from spike_kit.strategies import StrategyBuildError

CANNOT_GENERATE = (FailedHealthCheck, Unsatisfiable, StrategyBuildError)
"""Errors that mean the test drew no values from the spec, so it tested nothing."""


@contextmanager
def schemathesis_findings() -> Iterator[None]:
    try:
        yield
    except FailureGroup as group:
        raise pytest.fail.Exception(str(group), pytrace=False) from None


def could_not_generate(item: pytest.Item, error: BaseException) -> str:
    """The failure of a test that drew no values from the spec: which test, for which part of
    the spec (its docstring's rule, its operation), and what Hypothesis said, in one line."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    where = " ".join(
        str(params[name]) for name in ("method", "path", "status") if name in params
    ).strip()
    if "method" in params:
        where = where.replace(str(params["method"]), str(params["method"]).upper(), 1)
    doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
    rule = " ".join(doc.split("\n\n", 1)[0].split()).split(";", 1)[0] if doc else item.name
    said = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
    return (
        f"{SPEC_PATH.name}: {item.name} could not draw test values from the spec"
        f"{f' for {where}' if where else ''} ({rule}), so it tested nothing: "
        f"{error.__class__.__name__}: {said} The schema is valid, but its values are ones "
        "Hypothesis rarely makes (a `format` with tight length limits, a `pattern` with few "
        "matches); loosen it, or give this test a strategy for it."
    )
