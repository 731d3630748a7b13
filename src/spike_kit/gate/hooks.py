"""Schemathesis' CLI hooks for the gate: importing this module registers a global hook.

The CLI loads it through `SCHEMATHESIS_HOOKS` (the gate sets it to `settings.HOOKS_MODULE`) and
it signs generated token exchanges with the key in `SPIKE_GATE_APPLICATION_ID` and
`SPIKE_GATE_HMAC_KEY`; the gate sets them to the mock's public test values, and a live run may
set them to a staging application's. Without them, nothing is registered. Nothing else should
import this module: `signing` holds the signer, `settings` the names.
"""

from __future__ import annotations

import os

import schemathesis

from spike_kit.gate.settings import APPLICATION_ENV, KEY_ENV
from spike_kit.gate.signing import signer


def _from_environment() -> None:
    application, key = os.environ.get(APPLICATION_ENV), os.environ.get(KEY_ENV)
    if application and key:
        schemathesis.hook("map_body")(signer(int(application), key))


_from_environment()
