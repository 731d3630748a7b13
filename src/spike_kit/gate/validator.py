"""The gate's openapi-spec-validator check: every error at its line, in one short sentence.

openapi-spec-validator's own command prints each error with the whole instance it concerns,
so one misplaced key in a spec with a 5 MB description printed 15 MB. Here its Python API runs
on the document as the kit reads it (YAML 1.2, through `spike_kit.spec`), each error keeps the
first line of its message (cut short when a value is quoted in it) and its JSON pointer, and
the pointer is placed on a line of the text. A file that is not YAML at all cannot be
validated; that is said in one line (the gate's `spec: loads` check has the details).

    python -m spike_kit.gate.validator SPEC [--json REPORT]

Exit status: 0 valid, 1 errors found or the file could not be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from spike_kit.spec import ParsedSpec, SpecFault, escape_token, parse_bytes

MAX_MESSAGE = 240
MAX_SHOWN = 50
"""Errors printed at most (all are in the JSON report): a spec broken everywhere is one fix
away from far fewer."""
_UNEXPECTED = re.compile(r"\('([^']+)'(?:, '[^']+')* (?:was|were) unexpected\)")
_OPERATION = re.compile(r"for '(\w+)'(?: operation)? in '(/[^']*)'")
_MISSING = object()


def _validator(document: dict[str, Any]) -> Any:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(document.get("openapi", ""))
    kind = OpenAPIV30SpecValidator if version.startswith("3.0") else OpenAPIV31SpecValidator
    return kind(document)


def _message(error: Exception) -> str:
    text = str(getattr(error, "message", error)).strip().splitlines()
    first = text[0] if text else error.__class__.__name__
    return first if len(first) <= MAX_MESSAGE else first[: MAX_MESSAGE - 3] + "..."


def _pointer(error: Any, message: str, document: dict[str, Any]) -> str:
    """Where the error is. The validator checks each schema on its own, so a schema's error
    carries a path inside that schema only (`/type`); it is found in the document by that
    path and the offending value. Operation-level errors name the method and path in words."""
    tokens = [str(part) for part in getattr(error, "absolute_path", ())]
    instance = getattr(error, "instance", _MISSING)
    if (tokens and tokens[0] not in document) or (not tokens and isinstance(instance, dict)):
        found = _find(document, tokens, instance, ())
        tokens = list(found) if found is not None else []
    if not tokens:
        operation = _OPERATION.search(message)
        if operation:
            method, path = operation.groups()
            tokens = ["paths", path, method]
            if message.startswith("Operation ID"):
                tokens.append("operationId")
    unexpected = _UNEXPECTED.search(message)
    if unexpected:  # point at the key itself, not at the object that holds it
        tokens.append(unexpected.group(1))
    return "".join(f"/{escape_token(token)}" for token in tokens)


def _find(
    node: Any, tail: list[str], instance: Any, trail: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The first place inside a schema of the document whose path ends with `tail` and holds
    `instance` (errors of this kind come from the validator's schema checks)."""
    in_schema = "schema" in trail or "schemas" in trail
    ends = len(trail) > len(tail) and list(trail[len(trail) - len(tail) :]) == tail
    if in_schema and ends and (instance is _MISSING or node == instance):
        return trail
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        found = _find(child, tail, instance, (*trail, str(key)))
        if found is not None:
            return found
    return None


NOT_READ = "not validated: the file cannot be read as an OpenAPI document (see `spec: loads`)"


def validate(data: bytes) -> list[SpecFault] | None:
    """openapi-spec-validator's errors, each placed on a line; None when there is no document
    to validate (the `spec: loads` check says why, at its line)."""
    parsed = parse_bytes(data)
    if not isinstance(parsed.document, dict):
        return None
    found = []
    try:
        for error in _validator(parsed.document).iter_errors():
            message = _message(error)
            found.append(_placed(parsed, message, _pointer(error, message, parsed.document)))
    except Exception as exc:
        reason = "a $ref cycle" if isinstance(exc, RecursionError) else _message(exc)
        found.append(
            SpecFault(
                f"openapi-spec-validator could not finish ({exc.__class__.__name__}: "
                f"{reason}); `spec: loads` says where the spec goes wrong",
                kind="validator",
            )
        )
    return found


def _placed(parsed: ParsedSpec, message: str, pointer: str) -> SpecFault:
    line = column = None
    if parsed.lines is not None:
        where = parsed.lines.locate(pointer, follow_refs=False)
        line, column = where.line, where.column
    return SpecFault(message, line, column, pointer or "/", kind="validator")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spike_kit.gate.validator", description=__doc__.splitlines()[0]
    )
    parser.add_argument("spec", type=Path)
    parser.add_argument("--json", type=Path, help="also write the errors as JSON here")
    args = parser.parse_args(argv)
    try:
        data = args.spec.read_bytes()
    except OSError as exc:
        print(f"{args.spec}: cannot read the file: {exc.strerror}")
        return 1
    faults = validate(data)
    if args.json is not None:
        shown = [fault.as_json() for fault in faults or ()]
        args.json.write_text(json.dumps(shown), encoding="utf-8")
    if faults is None:
        print(f"{args.spec}: {NOT_READ}")
        return 1
    if not faults:
        print(f"{args.spec}: valid OpenAPI {parse_bytes(data).document.get('openapi')}")
        return 0
    count = len(faults)
    print(f"{args.spec}: {count} error{'' if count == 1 else 's'} (openapi-spec-validator)")
    for fault in faults[:MAX_SHOWN]:
        at = f" (at {fault.pointer})" if fault.pointer else ""
        print(f"  {fault.render(str(args.spec))}{at}")
    if count > MAX_SHOWN:
        print(f"  ... and {count - MAX_SHOWN} more")
    return 1


if __name__ == "__main__":
    sys.exit(main())
