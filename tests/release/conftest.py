"""One build of this checkout's HEAD for the release tests (fresh virtualenvs to install it
are in `support.py`).

Building takes a few seconds; the tests that only read the files share one build.
"""

from __future__ import annotations

import pytest

from spike_kit.release.build import Built, build
from tests.support import REPO


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(REPO, tmp_path_factory.mktemp("dist"))
