"""The spec: read once and checked (`loading`), then worked with as plain data (`document`).

Every tool of the kit loads the spec through `load_spec` / `load_file` / `load_bytes`, so a
broken spec gets the same faults, at the same lines, from every one of them.
"""

from spike_kit.spec.document import (
    HTTP_METHODS,
    INTEGER_FORMATS,
    JSON,
    dereference,
    escape_token,
    is_extension,
    iter_operations,
    openapi_format_checker,
    provider_slugs,
    providers,
    resolve_pointer,
    server_base_path,
    unescape_token,
    with_integer_format_bounds,
)
from spike_kit.spec.faults import SpecError, SpecFault, SpecLoadError, render_faults
from spike_kit.spec.loading import (
    LoadedSpec,
    ParsedSpec,
    load_bytes,
    load_file,
    load_spec,
    parse_bytes,
    spec_faults,
)

__all__ = [
    "HTTP_METHODS",
    "INTEGER_FORMATS",
    "JSON",
    "LoadedSpec",
    "ParsedSpec",
    "SpecError",
    "SpecFault",
    "SpecLoadError",
    "dereference",
    "escape_token",
    "is_extension",
    "iter_operations",
    "load_bytes",
    "load_file",
    "load_spec",
    "openapi_format_checker",
    "parse_bytes",
    "provider_slugs",
    "providers",
    "render_faults",
    "resolve_pointer",
    "server_base_path",
    "spec_faults",
    "unescape_token",
    "with_integer_format_bounds",
]
