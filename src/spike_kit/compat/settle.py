"""From findings to verdicts: rules first, then the property check, then the generated client.

Rules decide what they can prove (most changes). A change they cannot decide is `undecided`;
the property check settles it as breaking when it finds a value that does not carry over in
the same part (parameters, a request body, a response), and a client generated from the base
spec has the last word on the rest: a fault in its part is breaking, draws it handles without
fault make the change compatible. Each verdict says which of them decided it (`Basis`).
"""

from __future__ import annotations

import enum
import re
from typing import Any

from attrs import evolve

from spike_kit.compat.client_check import ClientUnavailable, ClientVerdict, judge
from spike_kit.compat.examples import DEFAULT_EXAMPLES, check_examples, part_of
from spike_kit.compat.model import Basis, Change, Severity
from spike_kit.compat.normalize import comparable
from spike_kit.compat.operations import diff_specs
from spike_kit.compat.words import describe
from spike_kit.layout import RepoLayout
from spike_kit.spec import SpecError


class ClientMode(enum.Enum):
    """When to ask the generated client."""

    AUTO = "auto"
    """Only for changes the rules and the property check leave undecided."""
    ALWAYS = "always"
    """For every part a contract change touches (slower; shows what the client does)."""
    NEVER = "never"
    """Never: undecided changes stay breaking."""


def assess(
    old_raw: dict[str, Any],
    new_raw: dict[str, Any],
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    kit: RepoLayout | None = None,
    client: ClientMode = ClientMode.AUTO,
) -> tuple[list[Change], list[str]]:
    """Every change between two specs as read from their files, settled and put in words.

    Raises `Unexpandable` when a side's `$ref`s cannot all be expanded."""
    old_doc = _expanded(old_raw, "base")
    new_doc = _expanded(new_raw, "head")
    changes, notes = settle(
        old_raw,
        old_doc,
        new_doc,
        diff_specs(old_doc, new_doc),
        max_examples=max_examples,
        kit=kit,
        client=client,
    )
    worded = []
    for change in changes:
        operation, subject = describe(change.pointer, old_doc, new_doc)
        worded.append(evolve(change, operation=operation, subject=subject))
    return worded, notes


class Unexpandable(SpecError):
    """A side loaded, but a `$ref` the loader does not check (inside an example, a default or
    an enum: data to the loader) cannot be expanded. `side` is "base" or "head"; `ref` the
    reference, when the reason names one."""

    def __init__(self, side: str, reason: str) -> None:
        self.side = side
        self.reason = reason
        named = re.search(r"'([^']*)'", reason)
        self.ref = named.group(1) if named else None
        super().__init__(f"the {side} spec cannot be expanded: {reason}")


def _expanded(raw: dict[str, Any], side: str) -> dict[str, Any]:
    try:
        return comparable(raw)
    except SpecError as exc:
        raise Unexpandable(side, str(exc)) from None


def settle(
    old_raw: dict[str, Any],
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    changes: list[Change],
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    kit: RepoLayout | None = None,
    client: ClientMode = ClientMode.AUTO,
) -> tuple[list[Change], list[str]]:
    """The findings with every verdict settled as far as possible, and notes on how."""
    if all(change.severity is Severity.DOCUMENTATION for change in changes):
        return changes, []
    found = check_examples(old_doc, new_doc, max_examples=max_examples)
    by_part = {part_of(finding.pointer): finding for finding in found}
    breaking_by_rule = {
        part_of(change.pointer) for change in changes if change.breaking and not change.undecided
    }
    settled: list[Change] = []
    pending: list[Change] = []
    used: set[str | None] = set()
    for change in changes:
        part = part_of(change.pointer)
        if not change.undecided:
            settled.append(change)
        elif part in breaking_by_rule:
            settled.append(
                evolve(
                    change,
                    message=f"{change.message}; the same part breaks by rule anyway, so "
                    "neither the property check nor the client can tell this change apart",
                )
            )
        elif part in by_part:
            used.add(part)
            settled.append(
                evolve(
                    change,
                    undecided=False,
                    basis=Basis.PROPERTY,
                    example=by_part[part].example,
                    message=f"{change.message}; the property check found a value that does "
                    "not carry over",
                )
            )
        else:
            pending.append(change)
    settled.extend(finding for finding in found if part_of(finding.pointer) not in used)
    notes: list[str] = []
    asked = {part for part in (part_of(change.pointer) for change in pending) if part}
    if client is ClientMode.ALWAYS:
        asked |= {part for part in (part_of(c.pointer) for c in changes) if part}
    if client is ClientMode.NEVER or not asked:
        return settled + pending, notes
    try:
        verdicts = judge(old_raw, old_doc, new_doc, asked, kit=kit)
    except ClientUnavailable as exc:
        notes.append(f"generated client not asked: {exc}")
        return settled + pending, notes
    notes.append(
        "generated client of the base spec ("
        + ("the kit's generator config, templates and runtime" if kit else "generator alone")
        + f") asked about {len(asked)} part(s)"
    )
    settled.extend(_decided_by_client(change, verdicts) for change in pending)
    explained = {part_of(change.pointer) for change in settled if change.breaking}
    for pointer, verdict in sorted(verdicts.items()):
        if verdict.fault is not None and pointer not in explained:
            settled.append(
                Change(
                    Severity.BREAKING,
                    pointer,
                    f"generated client: {verdict.fault}",
                    example=verdict.example,
                    basis=Basis.CLIENT,
                    summary="the old client fails on what the new spec allows",
                )
            )
    return settled, notes


def _decided_by_client(change: Change, verdicts: dict[str, ClientVerdict]) -> Change:
    verdict = verdicts.get(part_of(change.pointer) or "")
    if verdict is None or verdict.checked == 0:
        return evolve(change, message=f"{change.message}; the generated client had nothing to try")
    if verdict.fault is not None:
        return evolve(
            change,
            undecided=False,
            basis=Basis.CLIENT,
            example=verdict.example,
            message=f"{change.message}; the base spec's generated client fails: {verdict.fault}",
        )
    return evolve(
        change,
        severity=Severity.COMPATIBLE,
        undecided=False,
        basis=Basis.CLIENT,
        message=f"{change.summary or change.message}: the property check found no value that "
        f"breaks, and the base spec's generated client handled {verdict.checked} values drawn "
        "for this part without a fault",
    )
