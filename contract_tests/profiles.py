"""How deep the generated cases go: one name per occasion, chosen by `SPIKE_TEST_PROFILE`.

- `gate`: the pull-request gate; few examples, derandomized, so a run is quick and a red
  verdict repeats exactly.
- `full`: the whole suite (`tox`), the default; more examples, still derandomized.
- `nightly`: the scheduled run; many examples from a fresh random seed each time (hypothesis
  prints the seed that reproduces a failure).

The schemathesis runs have their own budget in `schemathesis.toml`; the gate deepens its
run over HTTP for `nightly` (see `spike_kit.gate.checks`).
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis.errors import InvalidArgument

from spike_kit.gate.settings import PROFILE_ENV, PROFILES

DEFAULT = "full"

settings.register_profile("gate", max_examples=8, derandomize=True)
settings.register_profile("full", max_examples=30, derandomize=True)
settings.register_profile("nightly", max_examples=300, derandomize=False)


def load() -> str:
    """Load the profile the environment names (default `full`) and return its name."""
    name = os.environ.get(PROFILE_ENV) or DEFAULT
    try:
        settings.load_profile(name)
    except InvalidArgument:
        raise SystemExit(
            f"{PROFILE_ENV}={name!r} is not a profile; use {', '.join(PROFILES)}"
        ) from None
    return name
