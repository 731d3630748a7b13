"""Build the `spike-api-client` package from the spec, from scratch, and put it in place.

The generator's `--overwrite` clears only `api/` and `models/`, so a stale file could survive
an in-place run. We always generate into an empty temporary folder and then swap the whole
tree, which makes the result a pure function of the spec, the config, the templates and the
runtime sources.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from spike_kit.codegen.contract_table import render_contract_table
from spike_kit.layout import RepoLayout, checkout_for
from spike_kit.spec import load_spec

CONTRACT_FILE = "_contract_table.json"


class ClientGenerationError(Exception):
    """Raised when openapi-python-client or its post-hooks fail to make the client; carries
    their output."""


def package_name(layout: RepoLayout) -> str:
    config = yaml.safe_load(layout.generator_config.read_text(encoding="utf-8"))
    return str(config["package_name_override"])


def _tool(name: str) -> str:
    """A console script from this interpreter's environment, so pinned versions are used."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        raise ClientGenerationError(
            f"{name} is not installed; run this through `tox -e regenerate`"
        )
    return found


def _run(command: list[str], cwd: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUFF_NO_CACHE": "true",
    }
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClientGenerationError(
            f"`{' '.join(command)}` failed with exit code {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )


def build_client(layout: RepoLayout, destination: Path) -> None:
    """Write the complete client project into `destination`, which must not exist yet."""
    generator = _tool("openapi-python-client")
    _run(
        [
            generator,
            "generate",
            "--path",
            str(layout.spec),
            "--config",
            str(layout.generator_config),
            "--custom-template-path",
            str(layout.templates_dir),
            "--meta",
            "uv",
            "--output-path",
            str(destination),
        ],
        cwd=layout.root,
    )
    package_dir = destination / package_name(layout)
    for source in sorted(layout.runtime_dir.glob("*.py")):
        shutil.copyfile(source, package_dir / source.name)
    for source, name in layout.shared_runtime_sources.items():
        shutil.copyfile(source, package_dir / name)
    (package_dir / CONTRACT_FILE).write_text(
        render_contract_table(load_spec(layout.spec)), encoding="utf-8"
    )
    # The same post-hooks as the generator's, over the copied runtime too.
    ruff = _tool("ruff")
    _run([ruff, "check", ".", "--fix-only", "--quiet"], cwd=destination)
    _run([ruff, "format", "--quiet", "."], cwd=destination)


def build_plain_client(spec: Path, config: Path, destination: Path) -> None:
    """The generator alone on any spec: no templates, runtime or post-hooks, with the package
    written straight into `destination` (which must not exist yet)."""
    _run(
        [
            _tool("openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(destination),
        ],
        cwd=spec.parent,
    )


def regenerate(layout: RepoLayout) -> None:
    """Rebuild `generated/` from scratch and swap it in only once the build succeeded."""
    with tempfile.TemporaryDirectory(prefix="spike-regenerate-") as tmp:
        built = Path(tmp) / "client"
        build_client(layout, built)
        target = layout.generated_dir
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built, target)


def main(argv: list[str] | None = None, prog: str = "regenerate") -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description="Rebuild generated/ from openapi/spike.yaml."
    )
    parser.parse_args(argv)
    layout = checkout_for(parser)
    try:
        regenerate(layout)
    except ClientGenerationError as exc:
        print(f"regenerate: {exc}", file=sys.stderr)
        return 1
    print(f"regenerate: wrote {layout.generated_dir.relative_to(layout.root)}/")
    return 0
