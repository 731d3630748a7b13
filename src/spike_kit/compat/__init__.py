"""The compatibility gate: what a contract change does to clients of the old spec."""

from spike_kit.compat.cli import compare
from spike_kit.compat.model import Change, Severity
from spike_kit.compat.operations import diff_specs

__all__ = ["Change", "Severity", "compare", "diff_specs"]
