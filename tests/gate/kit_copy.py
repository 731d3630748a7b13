"""A temporary copy of the kit for the gate to run in, and ways to read what it said.

Every gate test breaks one thing in such a copy (never this checkout) and runs the real
`scripts/gate` there, with the copy's own code first on the import path, so the broken spec,
client or mock is what the gate meets.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import REPO

COPIED = ("openapi", "generated", "src", "contract_tests", "scripts")
COPIED_FILES = ("schemathesis.toml", ".spectral.yaml", "pyproject.toml")


def copy_kit(tmp_path: Path) -> Path:
    root = tmp_path / "kit"
    for name in COPIED:
        shutil.copytree(REPO.root / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in COPIED_FILES:
        shutil.copy(REPO.root / name, root / name)
    return root


SPEC_SIDE = ("openapi",)
SPEC_SIDE_FILES = ("schemathesis.toml", ".spectral.yaml")


def copy_spec_side(tmp_path: Path, spec: bytes) -> Path:
    """The part of the kit the spec checks read (the spec, the generator folder that marks a
    checkout, the Spectral ruleset), with `spec` as `openapi/spike.yaml`: for gate runs in
    this process with `--only spec...`, where the kit's code is the one installed."""
    root = tmp_path / "kit"
    for name in SPEC_SIDE:
        shutil.copytree(REPO.root / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in SPEC_SIDE_FILES:
        shutil.copy(REPO.root / name, root / name)
    (root / "openapi" / "spike.yaml").write_bytes(spec)
    return root


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def run_gate(
    root: Path, *args: str, token: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    run_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root / "generated"), str(root / "src")]),
        **(env or {}),
    }
    run_env.pop("SPIKE_GATE_TOKEN", None)
    if token is not None:
        run_env["SPIKE_GATE_TOKEN"] = token
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        if env is None or name not in env:
            run_env.pop(name, None)
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "gate"), "--reports", str(root / "reports"), *args],
        cwd=root,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


_ROW = re.compile(
    r"^(?P<check>\S.*?) {2,}"
    r"(?P<verdict>(?:PASS|FAIL|SKIP|NOT RUN)(?:: .*?)?) {2,}"
    r"\S+ {2,}\d+\.\d\s*$"  # cases, seconds
)


def table_rows(output: str) -> dict[str, str]:
    """The gate's summary table: check -> verdict as shown (`NOT RUN: the spec does not load`)."""
    return {
        match["check"]: match["verdict"]
        for match in map(_ROW.match, output.splitlines())
        if match is not None
    }


def failed_rows(output: str) -> list[str]:
    return [check for check, verdict in table_rows(output).items() if verdict.startswith("FAIL")]
