"""Build the `spike-api-client` package from the spec, from scratch, and put it in place.

The generator's `--overwrite` clears only `api/` and `models/`, so a stale file could survive
an in-place run. We always generate into an empty temporary folder and then swap the whole
tree, which makes the result a pure function of the spec, the config, the templates and the
runtime sources.

Nothing is swapped in that is not proven: the spec must load (`spike_kit.spec`; the generator
reads the document the loader made, so it reads YAML as every other tool does), the generator
must not warn (a warning means it skipped or degraded part of the spec, and it exits 0 all the
same), and the built package must import and answer a call on every operation
(`spike_kit.codegen.smoke`). Exit status: 0 written, 1 the generator or the built client
failed (`generated/` left as it was), 2 a spec that does not load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from spike_kit.codegen.contract_table import render_contract_table
from spike_kit.codegen.smoke import SmokeError, prove
from spike_kit.layout import RepoLayout, checkout_for
from spike_kit.spec import SpecLoadError, load_file, load_spec

CONTRACT_FILE = "_contract_table.json"


class ClientGenerationError(Exception):
    """Raised when openapi-python-client or its post-hooks fail to make the client, or the
    generator skipped or degraded part of the spec; carries what they said."""


GENERATOR_WARNED = "Warning(s) encountered while generating"
"""How openapi-python-client opens its report of what it skipped (it still exits 0)."""
_NOISE = ("If you believe this was a mistake", "Generating ")


def generator_warnings(output: str) -> list[str]:
    """The generator's warning blocks, each in one line: what it skipped and why."""
    if GENERATOR_WARNED not in output:
        return []
    blocks = output.split(GENERATOR_WARNED, 1)[1].split("\n\n")
    found = []
    for block in blocks:
        text = " ".join(line.strip() for line in block.splitlines() if line.strip())
        text = text.removeprefix(". Client was generated, but some pieces may be missing").strip()
        if text and not text.startswith(_NOISE):
            found.append(text if len(text) <= 300 else text[:297] + "...")
    return found or ["the generator warned without saying why"]


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


def _run(command: list[str], cwd: Path) -> str:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUFF_NO_CACHE": "true",
    }
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    said = result.stdout + result.stderr
    warned = generator_warnings(said)
    if warned:
        lines = "\n".join(f"  - {warning}" for warning in warned)
        raise ClientGenerationError(
            f"openapi-python-client skipped or degraded part of the spec:\n{lines}"
        )
    if result.returncode != 0:
        raise ClientGenerationError(
            f"`{Path(command[0]).name} {' '.join(command[1:2])}` failed with exit code "
            f"{result.returncode}:\n{said[-4000:]}"
        )
    return said


def _as_json(document: dict[str, Any], folder: Path) -> Path:
    """The loaded document as the generator's input: JSON, so the generator reads exactly what
    every other tool of the kit reads (YAML 1.2, keys as written)."""
    path = folder / "spec.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def build_client(
    layout: RepoLayout, destination: Path, document: dict[str, Any] | None = None
) -> None:
    """Write the complete client project into `destination`, which must not exist yet, from
    the spec's loaded `document` (loaded here when not given; `SpecLoadError` if it does not
    load)."""
    document = load_spec(layout.spec) if document is None else document
    generator = _tool("openapi-python-client")
    with tempfile.TemporaryDirectory(prefix="spike-spec-") as folder:
        _run(
            [
                generator,
                "generate",
                "--fail-on-warning",
                "--path",
                str(_as_json(document, Path(folder))),
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
    (package_dir / CONTRACT_FILE).write_text(render_contract_table(document), encoding="utf-8")
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
            "--fail-on-warning",
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
    """Rebuild `generated/` from scratch and swap it in only once the build is proven: it
    imports and every operation answers a call (`SmokeError` otherwise)."""
    document = load_file(layout.spec, _shown(layout)).document
    with tempfile.TemporaryDirectory(prefix="spike-regenerate-") as tmp:
        built = Path(tmp) / "client"
        build_client(layout, built, document)
        prove(built, package_name(layout), document)
        swap_in(built, layout.generated_dir)


def swap_in(built: Path, target: Path) -> None:
    """Replace `target` by `built`, so that an interruption leaves one or the other whole."""
    staged = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staged, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(built, staged)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    if old.exists():
        shutil.rmtree(old)


def _shown(layout: RepoLayout) -> str:
    return layout.spec.relative_to(layout.root).as_posix()


def main(argv: list[str] | None = None, prog: str = "regenerate") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Rebuild generated/ from openapi/spike.yaml.",
        epilog="Exit status: 0 written; 1 the generator skipped part of the spec or the built "
        "client failed its check (generated/ is left as it was); 2 the spec does not load.",
    )
    parser.parse_args(argv)
    layout = checkout_for(parser)
    try:
        regenerate(layout)
    except SpecLoadError as exc:
        print(f"{prog}: nothing written: {exc.summary()}", file=sys.stderr)
        return 2
    except ClientGenerationError as exc:
        print(f"{prog}: nothing written: {exc}", file=sys.stderr)
        return 1
    except SmokeError as exc:
        reasons = "\n".join(f"  - {reason}" for reason in exc.reasons)
        print(
            f"{prog}: nothing written: the client generated from {_shown(layout)} does not "
            f"work:\n{reasons}",
            file=sys.stderr,
        )
        return 1
    print(f"{prog}: wrote {layout.generated_dir.relative_to(layout.root)}/")
    return 0
