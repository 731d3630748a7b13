"""The gate's openapi-spec-validator check: every error at its line, in one short sentence.

openapi-spec-validator's own command prints each error with the whole instance it concerns,
so one misplaced key in a spec with a 5 MB description printed 15 MB. Here its Python API runs
on the document as the kit reads it (YAML 1.2, through `spike_kit.spec`), and each error
becomes one line: the first line of its message, with any value it pastes (a schema, a
parameter, a long string) cut short by `spike_kit.spec.faults.quoted`, and the JSON pointer of
the part concerned, placed on a line of the text. A file that is not YAML at all cannot be
validated; that is said in one line (the gate's `spec: loads` check has the details).

    python -m spike_kit.gate.validator SPEC [--json REPORT]

Exit status: 0 valid, 1 errors found or the file could not be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from spike_kit.spec import ParsedSpec, SpecFault, escape_token, parse_bytes
from spike_kit.spec.faults import quoted
from spike_kit.spec_lines import SpecLinesError

MAX_MESSAGE = 240
"""Characters of one message at most, whatever it quotes."""
MAX_SHOWN = 50
"""Errors printed at most (all are in the JSON report): a spec broken everywhere is one fix
away from far fewer."""
_UNEXPECTED = re.compile(r"\('([^']+)'(?:, '[^']+')* (?:was|were) unexpected\)")
_WHERE = "_spike_where"
"""The attribute a keyword validator's error carries: the document path it was checking."""
_UNSET = object()


def _placing(kind: type[Any]) -> type[Any]:
    """`kind`, a keyword validator of openapi-spec-validator, marking each error it yields
    with the document path it was checking.

    The validator walks the document keyword by keyword (an operation, a parameter, a schema)
    and checks each part on its own, so an error's own path is relative to that part (`/type`)
    and some errors have none at all (a schema that is a string). The innermost validator
    knows the part; outer ones leave its mark alone.
    """

    class Placing(kind):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            where = next((arg for arg in args if hasattr(arg, "parts")), None)
            base = tuple(str(part) for part in where.parts) if where is not None else ()
            if kind.__name__.endswith("ValueValidator"):
                base += ("default",)  # it checks a schema's (or parameter's) default value
            for error in super().__call__(*args, **kwargs):
                if getattr(error, _WHERE, None) is None:
                    setattr(error, _WHERE, base)
                yield error

    Placing.__name__ = Placing.__qualname__ = kind.__name__
    return Placing


def _not_fetched(uri: str) -> Any:
    raise ValueError(f"{uri} is outside the file; the gate fetches nothing")


class _NothingFetched(dict[str, Any]):
    """Resolver handlers for every scheme, each refusing: openapi-spec-validator's own open
    files and URLs (and with no handler for a scheme it falls back to `requests` and
    `urlopen`), so a `$ref` in a pull request's spec could make the gate fetch any URL. The
    loader refuses a reference outside the file anyway, and the gate sends nothing
    anywhere."""

    def __contains__(self, scheme: object) -> bool:
        return True

    def __missing__(self, scheme: str) -> Any:
        return _not_fetched


def _validator(document: dict[str, Any]) -> Any:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(document.get("openapi", ""))
    kind = OpenAPIV30SpecValidator if version.startswith("3.0") else OpenAPIV31SpecValidator
    validators: Mapping[str, type[Any]] = kind.keyword_validators
    placing = type(
        kind.__name__,
        (kind,),
        {
            "keyword_validators": {name: _placing(cls) for name, cls in validators.items()},
            "resolver_handlers": _NothingFetched(),
        },
    )
    return placing(document)


def _tokens(error: Any) -> list[str]:
    """The path of the part of the document the error is about."""
    own = [str(part) for part in getattr(error, "absolute_path", ())]
    where = getattr(error, _WHERE, None)
    return own if where is None else [*where, *own]  # unmarked: the document's own schema


def _value(document: Any, tokens: list[str]) -> Any:
    node = document
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _UNSET
    return node


def _message(error: Any, value: Any) -> str:
    """The first line of the error's message, with the value it pastes cut short."""
    text = str(getattr(error, "message", error)).strip().splitlines()
    first = text[0] if text else error.__class__.__name__
    if value is not _UNSET and isinstance(value, (dict, list, str)):
        pasted = (
            json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False),
            repr(value),
        )
        for form in pasted:
            if len(form) > len(quoted(value)) and form in first:
                first = first.replace(form, quoted(value), 1)
                break
    return first if len(first) <= MAX_MESSAGE else first[: MAX_MESSAGE - 3] + "..."


def _pointer(tokens: list[str], message: str) -> str:
    if message.startswith("Operation ID") and tokens and tokens[-1] != "operationId":
        tokens = [*tokens, "operationId"]
    unexpected = _UNEXPECTED.search(message)
    if unexpected:  # point at the key itself, not at the object that holds it
        tokens = [*tokens, unexpected.group(1)]
    return "".join(f"/{escape_token(token)}" for token in tokens)


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
            tokens = _tokens(error)
            message = _message(error, _value(parsed.document, tokens))
            found.append(_placed(parsed, message, _pointer(tokens, message)))
    except Exception as exc:
        reason = (
            "a $ref cycle"
            if isinstance(exc, RecursionError)
            else _message(exc, parsed.document)  # it may paste the whole document
        )
        found.append(
            SpecFault(
                f"openapi-spec-validator could not finish ({exc.__class__.__name__}: "
                f"{reason}); `spec: loads` says where the spec goes wrong",
                kind="validator",
            )
        )
    return found


def _placed(parsed: ParsedSpec, message: str, pointer: str) -> SpecFault:
    """The fault at its line: a path that goes through a `$ref` (the validator walks the
    document as it resolves) lands in the component it names."""
    line = column = None
    if parsed.lines is not None:
        try:
            where = parsed.lines.locate(pointer, follow_refs=True)
        except SpecLinesError:
            pass
        else:
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
