"""The one way every tool of the kit reads a spec: all of it checked, or faults at their lines.

Each tool used to meet the spec on its own and fail wherever its first layer tripped: the
mock would not start, compat raised `re.error`, the generator skipped an endpoint and said so
only in a warning. Here the file is read once (YAML 1.2, see `yaml12`), checked for what the
kit's tools need (`soundness`), and either handed over as plain JSON data with its text and
node tree, or refused with `SpecLoadError`, whose faults name the file, line and column and
say what is wrong in words. Nothing downstream ever sees a document that did not load.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from attrs import frozen
from yaml.nodes import Node

from spike_kit.spec.faults import SpecFault, SpecLoadError
from spike_kit.spec.soundness import check_document
from spike_kit.spec.yaml12 import read
from spike_kit.spec_lines import SpecLines, SpecLinesError

MAX_SPEC_BYTES = 64 * 1024 * 1024
"""A spec larger than this is refused before it is parsed (ours is 20 KB)."""


@frozen
class LoadedSpec:
    """A spec that loaded: its data, and where each part of it is in the text."""

    label: str
    document: dict[str, Any]
    text: str
    root: Node

    @cached_property
    def lines(self) -> SpecLines:
        return SpecLines.of_node(self.root)

    @property
    def version(self) -> str:
        """`openapi`: 3.0.x or 3.1.x (the loader refuses anything else)."""
        return str(self.document["openapi"])


def _placer(root: Node | None) -> tuple[Any, Any]:
    lines = SpecLines.of_node(root) if root is not None else None

    def locate(pointer: str) -> tuple[int, int] | tuple[None, None]:
        if lines is None:
            return None, None
        try:
            where = lines.locate(pointer, follow_refs=False)
        except SpecLinesError:
            return None, None
        return where.line, where.column

    def fault(message: str, pointer: str, kind: str) -> SpecFault:
        line, column = locate(pointer)
        return SpecFault(message, line, column, pointer or "/", kind)

    def line_of(pointer: str) -> int | None:
        return locate(pointer)[0]

    return fault, line_of


@frozen
class ParsedSpec:
    """What the YAML layer read, before the kit's own checks: for tools that judge a spec by
    other rules (the OpenAPI validators) and want the document even when the kit refuses
    it. `document` is None when the bytes are not YAML at all."""

    document: Any
    root: Node | None
    faults: tuple[SpecFault, ...]

    @cached_property
    def lines(self) -> SpecLines | None:
        return SpecLines.of_node(self.root) if self.root is not None else None


def parse_bytes(data: bytes) -> ParsedSpec:
    """The document as YAML 1.2 reads it, and the faults of that reading only."""
    document, root, _, faults = read(data)
    return ParsedSpec(document, root, tuple(faults))


def load_bytes(data: bytes, label: str) -> LoadedSpec:
    """A spec from its bytes (a file, or a file at a git revision); `label` names it in
    every fault."""
    if len(data) > MAX_SPEC_BYTES:
        raise SpecLoadError(
            label,
            [
                SpecFault(
                    f"the file has {len(data):,} bytes; the kit reads specs up to "
                    f"{MAX_SPEC_BYTES:,}",
                    1,
                    1,
                )
            ],
        )
    document, root, text, faults = read(data)
    if faults or document is None or root is None or text is None:
        raise SpecLoadError(label, faults)
    fault, line_of = _placer(root)
    faults = check_document(document, fault, line_of)
    if faults:
        raise SpecLoadError(label, faults)
    return LoadedSpec(label, document, text, root)


def load_file(path: Path, label: str | None = None) -> LoadedSpec:
    """A spec file, loaded and checked; an unreadable file is a fault too."""
    shown = label or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        fault = SpecFault(f"cannot read the file: {reason}", kind="file")
        raise SpecLoadError(shown, [fault]) from None
    return load_bytes(data, shown)


def load_spec(path: Path) -> dict[str, Any]:
    """The spec's data, loaded and checked (`SpecLoadError` names every fault)."""
    return load_file(path).document


def spec_faults(path: Path, label: str | None = None) -> list[SpecFault]:
    """Every fault of a spec file; none when it loads."""
    try:
        load_file(path, label)
    except SpecLoadError as exc:
        return list(exc.faults)
    return []
