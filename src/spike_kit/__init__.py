"""The Spike contract kit's own tooling: code generation, drift and compatibility checks,
the mock Spike server and the contract gate.

The public client lives in a separate distribution (`spike-api-client`, in `generated/`);
this package is what keeps it honest.
"""

__all__: list[str] = []
