"""Schemathesis' findings as the test's failure, without the traceback around them.

Schemathesis raises its findings as an exception group; pytest then prints a traceback of the
test code and the group around a message that already says everything (the check, the spec's
schema at its place, the value, a `curl` to reproduce). The gate shows that message alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from schemathesis.core.failures import FailureGroup


@contextmanager
def schemathesis_findings() -> Iterator[None]:
    try:
        yield
    except FailureGroup as group:
        raise pytest.fail.Exception(str(group), pytrace=False) from None
