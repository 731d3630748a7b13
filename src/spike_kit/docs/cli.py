"""`spike-kit docs`: write the contract as one static HTML page.

    spike-kit docs [--spec FILE] [--out FILE] [--redocly PATH]

The spec is the checkout's `openapi/spike.yaml` (outside a checkout, the one bundled with the
kit), read through the kit's loader; the page goes to `build/docs/index.html`. It needs
Redocly's CLI 1.x from npm (`python3 scripts/tox -e docs` installs it once per version into
the shared npm tools folder and runs this). Exit 0 with the page written, 1 when the renderer
fails, 2 when the spec does not load or the renderer is missing; nothing is written unless
the whole page could be made.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from spike_kit.docs.redocly import BINARY_ENV, RendererError, RenderError, build_page, find_redocly
from spike_kit.docs.reference import Reference, reference_copy
from spike_kit.layout import RepoLayout, RepositoryNotFoundError
from spike_kit.mock.settings import bundled_spec_path
from spike_kit.spec import SpecLoadError, load_file, render_faults

DEFAULT_OUT = Path("build/docs/index.html")


def _default_spec() -> Path:
    try:
        return RepoLayout.find().spec
    except RepositoryNotFoundError:
        return bundled_spec_path()


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build a static HTML reference of the Spike contract: both operations, "
        "the redirect back after consent, the providers and any webhooks, on one page that "
        "fetches nothing when it is viewed.",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=None,
        help="the spec to draw (default: the checkout's openapi/spike.yaml, else the kit's own)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"the page to write (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--redocly",
        default=None,
        metavar="PATH",
        help=f"Redocly's CLI 1.x (default: ${BINARY_ENV}, else `redocly` on PATH)",
    )
    return parser


def _summary(reference: Reference) -> str:
    def counted(items: tuple[str, ...], noun: str) -> str:
        return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"

    parts = [counted(reference.operations, "operation")]
    if reference.webhooks:
        parts.append(counted(reference.webhooks, "webhook"))
    parts.extend(section.title for section in reference.sections)
    return "; ".join(parts)


def main(argv: list[str] | None = None, prog: str = "spike-kit docs") -> int:
    args = _parser(prog).parse_args(argv)
    spec_path: Path = args.spec or _default_spec()
    try:
        loaded = load_file(spec_path)
    except SpecLoadError as exc:
        print(f"{prog}: no page: the spec must load first", file=sys.stderr)
        print(render_faults(exc.faults, exc.file), file=sys.stderr)
        return 2
    try:
        redocly = find_redocly(args.redocly)
    except RendererError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    reference = reference_copy(loaded.document)
    out: Path = args.out
    title = str(loaded.document.get("info", {}).get("title") or "API reference")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".spike-docs-", dir=out.parent) as work:
        prepared = Path(work) / "spec.json"
        prepared.write_text(json.dumps(reference.document), encoding="utf-8")
        page = Path(work) / "index.html"
        try:
            build_page(redocly, prepared, page, title)
        except RenderError as exc:
            print(f"{prog}: {exc}", file=sys.stderr)
            return 1
        os.replace(page, out)
    size = out.stat().st_size
    print(
        f"{prog}: wrote {out} ({size // 1024:,} KiB, Redocly CLI {redocly.version}): "
        f"{_summary(reference)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
