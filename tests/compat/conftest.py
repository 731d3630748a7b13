from __future__ import annotations

import copy
from typing import Any

import pytest

from spike_kit.layout import RepoLayout
from spike_kit.spec import load_spec

Spec = dict[str, Any]


@pytest.fixture(scope="session")
def contract() -> Spec:
    """The kit's own contract, read once; tests take copies."""
    return load_spec(RepoLayout.find().spec)


@pytest.fixture
def spec_copy(contract: Spec) -> Spec:
    return copy.deepcopy(contract)
