"""Stoplight Prism serving the same spec: a third party's reading of our contract.

`tox -e prism` installs Prism from npm and names it in `SPIKE_PRISM`; these tests fail, not
skip, without it, so a run that meant to cross-check cannot pass without doing so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from contract_tests.spec_data import SPEC_PATH
from spike_kit.prism import PrismError, PrismProcess


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Prism's mock of `openapi/spike.yaml` on 127.0.0.1 (it serves without the `/v3` prefix)."""
    binary = os.environ.get("SPIKE_PRISM")
    if not binary:
        pytest.fail("SPIKE_PRISM is not set: run these tests with `tox -e prism`")
    with PrismProcess(binary, SPEC_PATH) as prism:
        try:
            prism.start("/providers/garmin/integration/init_url")
        except PrismError as exc:
            pytest.fail(str(exc))
        yield prism.base_url
