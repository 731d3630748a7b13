"""The copy of the spec the renderer draws: the spec, plus sections for what OpenAPI cannot say.

A renderer shows operations, schemas and (OpenAPI 3.1) webhooks, but not an `x-` extension.
Two of ours matter to a reader: `x-spike-redirect-back`, the query Spike adds when it sends
the user's browser back after consent (a browser redirect, not a response), and
`x-spike-providers`, the providers the contract knows. Each becomes a section of its own: a
tag with Redoc's `x-traitTag` (a section without operations) whose text is drawn from the
spec, the redirect back's schema shown by Redoc's `<SchemaDefinition>`, and the operation's
description links to it. The spec's own text is not changed, only added to, in a copy.
"""

from __future__ import annotations

import copy
from typing import Any

from attrs import frozen

from spike_kit.spec import HTTP_METHODS

REDIRECT_BACK_KEY = "x-spike-redirect-back"
PROVIDERS_KEY = "x-spike-providers"
SCHEMAS_POINTER = "#/components/schemas/"
REDIRECT_BACK_TITLE = "After consent: the redirect back"
PROVIDERS_TITLE = "Providers"


@frozen
class Section:
    """A section added to the page, by the tag that carries it."""

    tag: str
    title: str


@frozen
class Reference:
    """The copy to render, and what it holds, for the command to report."""

    document: dict[str, Any]
    operations: tuple[str, ...]
    """`METHOD /path` of every operation."""
    webhooks: tuple[str, ...]
    sections: tuple[Section, ...]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of the copy, as written (not dereferenced): the copy's own
    objects, so that a description added to one lands in the page."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found.append((path, method, item[method]))
    return found


def _schema_ref(document: dict[str, Any], value: Any, name: str) -> str:
    """A `#/components/schemas/...` reference for the extension's schema; an inline schema is
    first given a place in the copy's components under `name`."""
    if isinstance(value, dict) and str(value.get("$ref", "")).startswith(SCHEMAS_POINTER):
        return str(value["$ref"])
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas[name] = value
    return f"{SCHEMAS_POINTER}{name}"


def _redirect_back_text(method: str, path: str, schema_ref: str) -> str:
    return (
        f"When the consent that `{method.upper()} {path}` starts comes to an end, Spike sends "
        "the user's browser back to the `redirect_uri` given to it (or to the application's "
        "default redirect URL) and adds the query parameters below. No `error` means Spike "
        "reports success. Anyone can type such a URL, so trust it only through a `state` "
        "your service signed when it started the flow.\n\n"
        "This is a browser redirect, not an API response, so OpenAPI has no place for it: the "
        f"contract names it in the operation's `{REDIRECT_BACK_KEY}`.\n\n"
        f'<SchemaDefinition schemaRef="{schema_ref}" />\n'
    )


def _add_redirect_backs(document: dict[str, Any]) -> list[Section]:
    sections = []
    with_back = [
        (path, method, operation)
        for path, method, operation in _operations(document)
        if REDIRECT_BACK_KEY in operation
    ]
    for path, method, operation in with_back:
        operation_id = str(operation.get("operationId") or f"{method}{path}")
        suffix = "" if len(with_back) == 1 else f"-{operation_id}"
        tag = f"redirect-back{suffix}"
        title = REDIRECT_BACK_TITLE if not suffix else f"{REDIRECT_BACK_TITLE} ({operation_id})"
        schema_ref = _schema_ref(
            document, operation[REDIRECT_BACK_KEY], f"{operation_id}RedirectBack"
        )
        document.setdefault("tags", []).append(
            {
                "name": tag,
                "x-displayName": title,
                "x-traitTag": True,
                "description": _redirect_back_text(method, path, schema_ref),
            }
        )
        link = f"**After consent** the browser comes back as [{title}](#tag/{tag}) describes."
        description = str(operation.get("description") or "").rstrip()
        operation["description"] = f"{description}\n\n{link}\n" if description else f"{link}\n"
        sections.append(Section(tag, title))
    return sections


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _known_providers(document: dict[str, Any]) -> list[dict[str, Any]]:
    """`x-spike-providers` wherever a parameter of the spec carries it (ours: `ProviderSlug`)."""
    parameters = (document.get("components") or {}).get("parameters") or {}
    for parameter in parameters.values():
        listed = parameter.get(PROVIDERS_KEY) if isinstance(parameter, dict) else None
        if isinstance(listed, list):
            return [entry for entry in listed if isinstance(entry, dict) and "slug" in entry]
    return []


def _add_providers(document: dict[str, Any]) -> list[Section]:
    known = _known_providers(document)
    if not known:
        return []
    how = {
        "consent": "consent URL (`init_url`)",
        "sdk": "Spike's mobile SDKs; refused by `init_url`",
    }
    rows = [
        f"| {_cell(entry.get('name', entry['slug']))} | `{_cell(entry['slug'])}` | "
        f"{how.get(str(entry.get('integration')), _cell(entry.get('integration', '')))} | "
        f"{'needs `provider_user_id`' if entry.get('requires_provider_user_id') else ''} |"
        for entry in known
    ]
    description = (
        f"The providers this contract knows (`{PROVIDERS_KEY}`). `provider_slug` stays an open "
        "string: Spike adds providers, and a slug missing here is still a valid request.\n\n"
        "| Provider | Slug | Connects through | Note |\n| --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n"
    )
    document.setdefault("tags", []).append(
        {
            "name": "providers",
            "x-displayName": PROVIDERS_TITLE,
            "x-traitTag": True,
            "description": description,
        }
    )
    return [Section("providers", PROVIDERS_TITLE)]


def reference_copy(document: dict[str, Any]) -> Reference:
    """The spec (as the loader read it) ready for the renderer; `document` is not changed."""
    prepared = copy.deepcopy(document)
    operations = tuple(f"{method.upper()} {path}" for path, method, _ in _operations(prepared))
    webhooks = tuple(
        f"{method.upper()} {name}"
        for name, item in (prepared.get("webhooks") or {}).items()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if method in item
    )
    sections = [*_add_redirect_backs(prepared), *_add_providers(prepared)]
    return Reference(prepared, operations, webhooks, tuple(sections))
