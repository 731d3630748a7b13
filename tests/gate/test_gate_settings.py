"""The gate's settings are names, not machinery: reading them loads nothing and registers
nothing (a fresh interpreter, so modules imported by other tests cannot hide an import)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("schemathesis", "hypothesis", "httpx", "jsonschema", "spike_kit.gate.hooks")


def _modules_after(statement: str) -> list[str]:
    probe = (
        f"import json, sys\n{statement}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        f"or m in {HEAVY!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_importing_the_settings_loads_no_tool() -> None:
    assert _modules_after("from spike_kit.gate.settings import TOKEN_ENV, KEY_ENV") == []


def test_importing_the_gate_package_loads_no_tool() -> None:
    assert _modules_after("import spike_kit.gate") == []


def test_the_hooks_module_is_what_loads_schemathesis() -> None:
    """The control: the probe does see schemathesis when the hooks module is imported, so the
    empty lists above mean something."""
    loaded = _modules_after("import spike_kit.gate.hooks")
    assert "schemathesis" in loaded
    assert "spike_kit.gate.hooks" in loaded
