"""The corpus: broken and unusual specs, and what the kit must say about each.

A case that does not load names the fault (`fault`, words the message must hold) and where
(`at`: text of the edited spec whose line the fault must be reported on, within `SLACK`
lines). A case that loads is a valid spec the tools must handle without a traceback; `note`
says what makes it unusual.
"""

from __future__ import annotations

from attrs import field, frozen

from tests.support import REPO

SLACK = 2
"""How far from the edited line a fault may be reported (a YAML parser notices an unclosed
bracket where it ends, which may be a line later)."""

_TRIPLETS = "".join(f"        - value-{index}\n" for index in range(5000))
_BOMB = "".join(
    f"    x-{name}: &{name} [{', '.join([f'*{before}'] * 10)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def spec_text() -> str:
    return REPO.spec.read_text(encoding="utf-8")


@frozen
class SpecCase:
    name: str
    edits: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None
    """A whole file instead of edits of the kit's spec."""
    loads: bool = False
    fault: str = ""
    at: str | None = None
    note: str = ""
    kind: str | None = field(default=None)
    """The fault's family (`SpecFault.kind`), when the case pins it."""

    def data(self) -> bytes:
        if self.raw is not None:
            return self.raw
        text = spec_text()
        for old, new in self.edits:
            assert old in text, f"{self.name}: {old!r} is no longer in the spec"
            text = text.replace(old, new, 1)
        return text.encode("utf-8") if "\udce9" not in text else _with_raw_byte(text)

    def line(self) -> int | None:
        """The line the fault belongs on (1-based), from `at`."""
        if self.at is None:
            return None
        data = self.data()
        index = data.find(self.at.encode("utf-8", "surrogateescape"))
        assert index >= 0, f"{self.name}: {self.at!r} is not in the edited spec"
        return data.count(b"\n", 0, index) + 1


def _with_raw_byte(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


STATE_TYPE = (
    "            type: string\n            minLength: 1\n            maxLength: 2048\n"
    "          example: session-42"
)
TOKEN_RESPONSE_REF = "$ref: '#/components/schemas/HmacTokenResponse'"
OPERATION_ID = "operationId: getIntegrationInitUrl"
PROBLEM_VALUE = "        value:\n          description: The offending value, of any JSON type.\n"
SCHEMAS = "  schemas:\n    ProviderSlug:\n"
AS_OPENAPI_30 = (
    ("openapi: 3.1.0", "openapi: 3.0.3"),
    *(
        (f"type: [{kind}, 'null']\n", f"type: {kind}\n          nullable: true\n")
        for kind in ("array", "array", "string", "string")
    ),
)
"""Our spec in OpenAPI 3.0's words: its version, and 3.0's `nullable` where the webhook's
event fields say `type: [x, 'null']`."""

CASES: tuple[SpecCase, ...] = (
    # The four edits of the table.
    SpecCase(
        "type-strin",
        ((STATE_TYPE, STATE_TYPE.replace("type: string", "type: strin")),),
        fault='type "strin" is not a JSON Schema type',
        at="type: strin\n",
        kind="schema",
    ),
    SpecCase(
        "yaml-unclosed-bracket",
        (("tags: [authentication]", "tags: [authentication"),),
        fault="not valid YAML",
        at="tags: [authentication",
        kind="yaml",
    ),
    SpecCase(
        "dangling-ref",
        ((TOKEN_RESPONSE_REF, "$ref: '#/components/schemas/NoSuchSchema'"),),
        fault='points at nothing: /components/schemas has no "NoSuchSchema"',
        at="NoSuchSchema",
        kind="ref",
    ),
    SpecCase(
        "unknown-key-in-operation",
        ((OPERATION_ID, f"{OPERATION_ID}\n      deprecatd: true"),),
        loads=True,
        note="valid for the loader; openapi-spec-validator and Spectral refuse it",
        at="deprecatd: true",
    ),
    # Text that is not YAML, or not one document.
    SpecCase(
        "tab-indentation",
        (("      operationId: exchangeHmacToken", "\toperationId: exchangeHmacToken"),),
        fault="a tab: YAML indents with spaces only",
        at="\toperationId",
        kind="yaml",
    ),
    SpecCase("empty-file", raw=b"", fault="the file is empty", at=None, kind="structure"),
    SpecCase(
        "comments-only", raw=b"# a spec, one day\n", fault="the file is empty", kind="structure"
    ),
    SpecCase(
        "non-utf8-byte",
        (("Hand-written contract", "Hand-written contr\udce9t"),),
        fault="byte 0xE9 is not UTF-8",
        at="contr\udce9t",
        kind="encoding",
    ),
    SpecCase(
        "two-documents",
        (("openapi: 3.1.0\n", "openapi: 3.1.0\n---\nopenapi: 3.1.0\n"),),
        fault="expected a single document",
        at="---",
        kind="yaml",
    ),
    SpecCase(
        "duplicate-key",
        (
            (
                STATE_TYPE,
                STATE_TYPE.replace("maxLength: 2048", "maxLength: 2048\n            maxLength: 10"),
            ),
        ),
        fault='key "maxLength" appears twice',
        at="maxLength: 10",
        kind="duplicate-key",
    ),
    SpecCase(
        "binary-tag",
        ((SCHEMAS, "  schemas:\n    Blob: !!binary aGVsbG8=\n    ProviderSlug:\n"),),
        fault="has no JSON value",
        at="Blob:",
        kind="yaml",
    ),
    SpecCase(
        "alias-bomb",
        (
            (
                SCHEMAS,
                f"  schemas:\n    x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n{_BOMB}"
                "    ProviderSlug:\n",
            ),
        ),
        fault="expands to more than",
        at=None,
        kind="yaml",
    ),
    # References.
    SpecCase(
        "recursive-schema",
        (
            (
                PROBLEM_VALUE,
                PROBLEM_VALUE + "        cause:\n"
                "          $ref: '#/components/schemas/ProblemError'\n",
            ),
        ),
        fault="recursive $ref: ProblemError -> ProblemError",
        at="          $ref: '#/components/schemas/ProblemError'\n  responses:",
        kind="ref",
    ),
    SpecCase(
        "ref-cycle",
        (
            (
                SCHEMAS,
                "  schemas:\n    Left:\n      $ref: '#/components/schemas/Right'\n"
                "    Right:\n      $ref: '#/components/schemas/Left'\n    ProviderSlug:\n",
            ),
        ),
        fault="recursive $ref",
        at="$ref: '#/components/schemas/Right'",
        kind="ref",
    ),
    SpecCase(
        "external-ref",
        ((TOKEN_RESPONSE_REF, "$ref: 'tokens.yaml#/TokenResponse'"),),
        fault="points outside this file",
        at="tokens.yaml",
        kind="ref",
    ),
    # Schemas the validators cannot compile.
    SpecCase(
        "pattern-not-a-regex",
        (
            (
                STATE_TYPE,
                STATE_TYPE.replace("maxLength: 2048", "maxLength: 2048\n            pattern: '['"),
            ),
        ),
        fault='pattern "[" is not an ECMA-262 regular expression',
        at="pattern: '['",
        kind="pattern",
    ),
    SpecCase(
        "negative-min-length",
        ((STATE_TYPE, STATE_TYPE.replace("minLength: 1", "minLength: -1")),),
        fault="`minLength` is -1",
        at="minLength: -1",
        kind="schema",
    ),
    SpecCase(
        "required-not-a-list",
        (("      required: [access_token]\n", "      required: true\n"),),
        fault="`required` must be of type array",
        at="      required: true\n      properties:\n        access_token:",
        kind="schema",
    ),
    # Operations.
    SpecCase(
        "duplicate-operation-id",
        ((OPERATION_ID, "operationId: exchangeHmacToken"),),
        fault='operationId "exchangeHmacToken" is used twice',
        at="operationId: exchangeHmacToken\n      tags: [provider_integration]",
        kind="operation",
    ),
    SpecCase(
        "path-parameter-not-in-template",
        (
            (
                "  /providers/{provider_slug}/integration/init_url:",
                "  /providers/integration/init_url:",
            ),
        ),
        fault='path parameter "provider_slug" is declared, but',
        at="        - $ref: '#/components/parameters/ProviderSlug'",
        kind="operation",
    ),
    SpecCase(
        "template-variable-not-declared",
        (
            (
                "  /providers/{provider_slug}/integration/init_url:",
                "  /providers/{provider_slug}/integration/{flow}/init_url:",
            ),
        ),
        fault="{flow} in /providers/{provider_slug}/integration/{flow}/init_url has no path",
        at="    get:\n      operationId: getIntegrationInitUrl",
        kind="operation",
    ),
    # The document's own shape.
    SpecCase(
        "responses-a-list",
        (
            (
                "      responses:\n        '200':\n          description: The access token",
                "      responses: []\n      x-was-responses:\n        '200':\n"
                "          description: The access token",
            ),
        ),
        fault="`responses` must be a mapping; it is a list",
        at="responses: []",
        kind="structure",
    ),
    SpecCase(
        "swagger-2",
        raw=b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        fault="Swagger 2.0 documents are not supported",
        at=None,
        kind="structure",
    ),
    SpecCase(
        "openapi-4",
        (("openapi: 3.1.0", "openapi: 4.0.0"),),
        fault="`openapi` must name version 3.0.x or 3.1.x",
        at="openapi: 4.0.0",
        kind="structure",
    ),
    SpecCase(
        "version-a-number",
        (("  version: 3.0.2", "  version: 3.0"),),
        fault="`info.version` must be a string; it is a number (quote it)",
        at="  version: 3.0\n",
        kind="structure",
    ),
    SpecCase(
        "openapi-30-type-list",
        (
            *AS_OPENAPI_30,
            (STATE_TYPE, STATE_TYPE.replace("type: string", "type: [string, 'null']")),
        ),
        fault="in OpenAPI 3.0, `type` names one type",
        at="type: [string, 'null']",
        kind="schema",
    ),
    # Valid, but unusual: every tool must take these without a traceback.
    SpecCase(
        "unquoted-status-codes",
        (
            (
                "        '200':\n          description: The access token",
                "        200:\n          description: The access token",
            ),
            (
                "        '200':\n          description: The integration URL.",
                "        200:\n          description: The integration URL.",
            ),
        ),
        loads=True,
        note="status codes as YAML integers, as many real specs write them",
    ),
    SpecCase(
        "yaml-11-words-as-keys",
        (
            (
                SCHEMAS,
                "  schemas:\n    Switch:\n      type: object\n      properties:\n"
                "        on:\n          type: boolean\n        yes:\n          type: string\n"
                "    ProviderSlug:\n",
            ),
        ),
        loads=True,
        note="`on:` and `yes:` are strings in YAML 1.2 (booleans in PyYAML's YAML 1.1)",
    ),
    SpecCase(
        "date-version",
        (("  version: 3.0.2", "  version: 2024-01-01"),),
        loads=True,
        note="a date in YAML 1.1, a string in YAML 1.2",
    ),
    SpecCase(
        "five-megabyte-description",
        (
            (
                "  summary: How an application",
                "  x-long-text: " + "x" * 5_000_000 + "\n  summary: How an application",
            ),
        ),
        loads=True,
        note="a 5 MB value: every message must quote the fault, not the document",
    ),
    SpecCase(
        "five-thousand-value-enum",
        (
            (
                SCHEMAS,
                f"  schemas:\n    Huge:\n      type: string\n      enum:\n{_TRIPLETS}"
                "    ProviderSlug:\n",
            ),
        ),
        loads=True,
        note="a 5,000-value enum",
    ),
    SpecCase(
        "missing-response-description",
        (("          description: The access token for this application user.\n", ""),),
        loads=True,
        note="loads, but OpenAPI requires a response description: the validators say so",
        at="        '200':\n          content:",
    ),
    SpecCase(
        "any-media-type-response",
        (
            (
                "              $ref: '#/components/schemas/IntegrationInitUrl'",
                "              $ref: '#/components/schemas/IntegrationInitUrl'\n"
                "            '*/*':\n              schema:\n                type: string",
            ),
        ),
        loads=True,
        note="a `*/*` response beside JSON",
    ),
    SpecCase(
        "ref-with-siblings",
        ((TOKEN_RESPONSE_REF, TOKEN_RESPONSE_REF + "\n                description: The token."),),
        loads=True,
        note="OpenAPI 3.1 allows keywords beside `$ref` in a schema",
    ),
)

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "corpus case names are unique"
BROKEN = tuple(case for case in CASES if not case.loads)
UNUSUAL = tuple(case for case in CASES if case.loads)
