"""The contract gate: one command that says whether spec, client and server agree.

- `settings`: the environment variables and profiles the gate and its tools share (importing it
  loads nothing else, so tests and scripts can read the names without schemathesis).
- `checks`: what the gate runs, each check a subprocess, and how they run side by side.
- `report`: the summary table, and the annotations and job summary inside GitHub Actions.
- `findings`, `github`: what a tool found at its place in the spec, written as GitHub reads it.
- `signing`, `hooks`: schemathesis signs generated token exchanges (`hooks` is what
  schemathesis' CLI loads through `SCHEMATHESIS_HOOKS`; importing it registers a global hook).
- `preflight`: is the server there, and does it take the token?
- `cli`: the `gate` command (`scripts/gate`, `spike-kit gate`, `tox -e gate`).

This module imports nothing, so `spike_kit.gate.settings` stays free of side effects.
"""
