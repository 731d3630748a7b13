"""The names the gate and its tools agree on: environment variables, profiles, depths.

Importing this module imports nothing beyond the standard library and registers nothing, so a
test, a script or the pytest suites can read these names without loading schemathesis.
"""

from __future__ import annotations

TOKEN_ENV = "SPIKE_GATE_TOKEN"  # noqa: S105 - the name of a variable, not a token
"""Where the schemathesis run over HTTP reads its bearer token (never from the command line)."""
APPLICATION_ENV = "SPIKE_GATE_APPLICATION_ID"
"""The application whose HMAC key signs generated token exchanges (see `signing`)."""
KEY_ENV = "SPIKE_GATE_HMAC_KEY"
"""That application's HMAC key; a secret, scrubbed from everything the gate prints."""
SPECTRAL_ENV = "SPIKE_SPECTRAL"
"""The Spectral executable (tox sets it to the shared npm install, see tox.ini)."""
PROFILE_ENV = "SPIKE_TEST_PROFILE"
"""How deep the generated cases go (contract_tests/profiles.py)."""
PROFILES = ("gate", "full", "nightly")
NIGHTLY_EXAMPLES = 1000
"""Schemathesis examples per operation over HTTP in the nightly profile (schemathesis.toml
sets the budget of the others)."""
HOOKS_MODULE = "spike_kit.gate.hooks"
"""The module schemathesis' CLI loads through `SCHEMATHESIS_HOOKS`."""
TIMEOUT_ENV = "SPIKE_GATE_CHECK_TIMEOUT"
"""Seconds every check may take, overriding the defaults below (`--check-timeout` too)."""
SPEC_CHECK_SECONDS = 60.0
"""A spec check's time limit. Both take a few seconds on any real spec (8 s on one with a 5 MB
description on a busy 2-core machine); Spectral once spent 110 s on a pattern with a nested
quantifier, which this stops at a minute, with a verdict that says so."""
CHECK_SECONDS = 600.0
"""Any other check's time limit: the nightly profile's deep runs take minutes, never this; it
stays under the workflow's 15-minute job limit, so a stuck check still ends with the table."""
