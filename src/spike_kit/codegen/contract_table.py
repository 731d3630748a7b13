"""The slice of the spec that the generated client checks responses against at run time.

openapi-python-client's models accept any JSON they are handed (a wrong type passes, a missing
field is a `KeyError`). The client's runtime validates each body against the schema the spec
gives for its status before the models see it, so the schemas travel with the package as data.
The query of the redirect back after consent (`x-spike-redirect-back`) travels the same way:
the client's reader of that redirect checks it with the spec's own definition.
"""

from __future__ import annotations

import json
from typing import Any

from spike_kit.spec import JSON, escape_token, iter_operations, with_integer_format_bounds
from spike_kit.webhooks.contract import build_webhook_table

REDIRECT_TARGET_KEY = "x-spike-redirect-target"
REDIRECT_BACK_KEY = "x-spike-redirect-back"
"""On an operation: the schema of the query Spike adds when it sends the browser back."""
IDEMPOTENT_KEY = "x-spike-idempotent"
IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete", "trace"})


def _redirect_targets(schema: JSON, pointer: str = "") -> list[str]:
    """JSON pointers of the string fields that a caller will send a browser to."""
    found: list[str] = []
    if not isinstance(schema, dict):
        return found
    if schema.get(REDIRECT_TARGET_KEY) is True:
        found.append(pointer)
    for name, sub in sorted((schema.get("properties") or {}).items()):
        found.extend(_redirect_targets(sub, f"{pointer}/{escape_token(name)}"))
    return found


def _for_validation(schema: JSON) -> JSON:
    """A schema as the client's validator (jsonschema-rs) should read it: `x-` keys and
    examples dropped, and OpenAPI's integer formats written as bounds, which jsonschema-rs
    would otherwise ignore (so the client and the mock give one verdict on `int64`)."""
    return _strip_extensions(with_integer_format_bounds(schema))


def _strip_extensions(node: JSON) -> JSON:
    """Drop `x-` keys and examples: the runtime needs only what validation reads."""
    if isinstance(node, dict):
        return {
            key: _strip_extensions(value)
            for key, value in node.items()
            if not key.startswith("x-") and key not in {"example", "examples", "description"}
        }
    if isinstance(node, list):
        return [_strip_extensions(item) for item in node]
    return node


def _first_json_content(content: dict[str, JSON]) -> tuple[str, JSON] | None:
    for media_type, media in sorted(content.items()):
        if media_type == "application/json" or media_type.endswith("+json"):
            return media_type, media.get("schema", {})
    return None


def _parameters(operation: dict[str, JSON]) -> list[dict[str, Any]]:
    """Path and query parameters with their schemas, which the client checks before sending."""
    return [
        {
            "name": parameter["name"],
            "in": parameter["in"],
            "required": bool(parameter.get("required")),
            "schema": _for_validation(parameter.get("schema", {})),
        }
        for parameter in operation.get("parameters", [])
        if parameter.get("in") in {"path", "query"}
    ]


def _secured(document: dict[str, JSON], operation: dict[str, JSON]) -> bool:
    """Whether a client should send its credential: the operation's own `security`, else the
    document's, names a scheme (`security: []` or `[{}]` means none is wanted)."""
    requirements = operation.get("security", document.get("security")) or []
    return any(requirements)


def build_contract_table(document: dict[str, JSON]) -> dict[str, Any]:
    """The operations, with parameter schemas and each documented response's media type and
    schema."""
    operations = []
    for path, method, operation in iter_operations(document):
        responses: dict[str, Any] = {}
        for status, response in sorted((operation.get("responses") or {}).items()):
            entry: dict[str, Any] = {"content_type": None, "schema": None, "redirect_targets": []}
            found = _first_json_content(response.get("content") or {})
            if found is not None:
                media_type, schema = found
                entry = {
                    "content_type": media_type,
                    "schema": _for_validation(schema),
                    "redirect_targets": _redirect_targets(schema),
                }
            key = str(status)
            responses[key if key == "default" else key.upper()] = entry
        body = operation.get("requestBody", {})
        body_found = _first_json_content(body.get("content") or {})
        operations.append(
            {
                "operation_id": operation.get("operationId"),
                "method": method.upper(),
                "idempotent": method in IDEMPOTENT_METHODS or operation.get(IDEMPOTENT_KEY) is True,
                "path": path,
                "secured": _secured(document, operation),
                "parameters": _parameters(operation),
                "request_schema": _for_validation(body_found[1]) if body_found else None,
                "redirect_back_schema": _for_validation(operation.get(REDIRECT_BACK_KEY)),
                "responses": responses,
            }
        )
    return {
        "api_version": document.get("info", {}).get("version"),
        "servers": [server.get("url") for server in document.get("servers", [])],
        "operations": operations,
        "webhooks": build_webhook_table(document, _for_validation),
    }


def render_contract_table(document: dict[str, JSON]) -> str:
    """Deterministic JSON text, so regeneration is byte-identical."""
    return json.dumps(build_contract_table(document), indent=2, sort_keys=True) + "\n"
