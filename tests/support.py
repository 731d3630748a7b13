"""What tests in every folder share: this checkout.

Test helpers live in `support.py` modules beside the tests that use them (`tests/client/`,
`tests/mock/`, `tests/release/`); a `conftest.py` holds fixtures only, and no test imports one.
"""

from __future__ import annotations

from pathlib import Path

from spike_kit.layout import RepoLayout

REPO = RepoLayout.find(Path(__file__))
"""The checkout these tests run in."""
