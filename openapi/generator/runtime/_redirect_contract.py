# Edit openapi/generator/runtime/_redirect_contract.py, not the copy in generated/.
"""The spec's definition of the redirect back, as shipped in `_contract_table.json`.

Issuing a `state` and reading the redirect back both check values against the schema that the
spec names in `x-spike-redirect-back` on init_url, so their limits are the spec's own, not
copies that could drift from it.
"""

from __future__ import annotations

from typing import Any

from jsonschema_rs import Draft202012Validator

from ._contract import TABLE

_OPERATION_ID = "getIntegrationInitUrl"


def _load_schema() -> dict[str, Any]:
    for operation in TABLE["operations"]:
        schema = operation.get("redirect_back_schema")
        if operation["operation_id"] == _OPERATION_ID and isinstance(schema, dict):
            return schema
    raise RuntimeError("the contract describes no redirect back for init_url")


SCHEMA = _load_schema()
PROPERTIES: dict[str, Any] = SCHEMA["properties"]
PARAMETERS: tuple[str, ...] = tuple(sorted(PROPERTIES))
"""The query parameters the redirect back is read for; any others belong to the app."""
REQUIRED: tuple[str, ...] = tuple(sorted(SCHEMA.get("required", ())))
STATE_MAX_LENGTH: int = PROPERTIES["state"]["maxLength"]
VALIDATOR = Draft202012Validator(SCHEMA)
_FIELD_VALIDATORS = {name: Draft202012Validator(rule) for name, rule in PROPERTIES.items()}


def broken_rule(instance: dict[str, str], field: str | None = None) -> tuple[str, str] | None:
    """The parameter that breaks the schema and the keyword it breaks, or None.

    With `field`, only that parameter's own schema is checked. The validator's message quotes
    the value; ours never does, because the value is whatever a stranger typed into a URL and
    may end up in a log.
    """
    if field is not None:
        error = next(iter(_FIELD_VALIDATORS[field].iter_errors(instance[field])), None)
    else:
        error = next(iter(VALIDATOR.iter_errors(instance)), None)
    if error is None:
        return None
    where = [str(part) for part in error.instance_path] or [field or "query"]
    return where[0], str(error.schema_path[-1]) if error.schema_path else "schema"
