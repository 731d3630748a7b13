"""`spike-kit spec [FILE]`: does a spec load for every tool of the kit, and if not, where not.

The gate runs this first; a contributor can run it alone after each edit. It prints one line
per fault (`file:line:column: message`, the form editors link), or with `--format github`
one workflow annotation per fault at its line, or `--format json`. Exit status: 0 when the
spec loads, 1 when it has faults, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from spike_kit.gate.github import Annotation
from spike_kit.layout import SPEC_IN_REPO, RepoLayout, RepositoryNotFoundError
from spike_kit.spec.faults import SpecLoadError, render_faults
from spike_kit.spec.loading import load_file

FORMATS = ("text", "github", "json")
TITLE = "spec does not load"


def _default_spec() -> Path | None:
    try:
        return RepoLayout.find().spec
    except RepositoryNotFoundError:
        return None


def _shown(path: Path) -> str:
    """The path as a reader (and GitHub, relative to the checkout) names it: relative to the
    working directory when inside it, else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None, prog: str = "spike-kit spec") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument(
        "spec", nargs="?", type=Path, help=f"the spec file (default: {SPEC_IN_REPO} here)"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="how to report")
    args = parser.parse_args(argv)
    path = args.spec or _default_spec()
    if path is None:
        parser.error(f"give a spec file: there is no kit checkout ({SPEC_IN_REPO}) here")
    shown = _shown(path)
    try:
        loaded = load_file(path, shown)
    except SpecLoadError as exc:
        if args.format == "json":
            print(json.dumps({"file": shown, "faults": [f.as_json() for f in exc.faults]}))
        elif args.format == "github":
            for fault in exc.faults:
                annotation = Annotation(
                    "error",
                    fault.message,
                    file=shown,
                    line=fault.line,
                    column=fault.column,
                    title=TITLE,
                )
                print(annotation.command())
        else:
            print(render_faults(exc.faults, shown))
        return 1
    if args.format == "json":
        print(json.dumps({"file": shown, "faults": []}))
    elif args.format == "text":
        print(f"{shown} loads: OpenAPI {loaded.version}, every $ref, schema and pattern usable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
