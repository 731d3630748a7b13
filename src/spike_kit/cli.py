"""`spike-kit`: the kit's tools as one command, from a checkout or an installed package.

Each subcommand hands its arguments to the tool's own `main` (the one `scripts/<name>` and tox
run), so `spike-kit gate --only spec` and `python3 scripts/gate --only spec` are the same
code. A tool is imported only when it is asked for: the command line itself needs only the
kit's base dependencies, and a tool whose extra is not installed says which one to install
(its `--help` still says what it does). `spike-mock` stays the mock server's own command.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from attrs import frozen

from spike_kit.mock.extra import MOCK_EXTRA

PROG = "spike-kit"
KIT = "spike-contract-kit"


@frozen
class Command:
    """One subcommand: where its `main` lives, what it does, and what it needs installed."""

    name: str
    module: str
    summary: str
    needs: str
    """What to install when the module's imports are missing."""


COMMANDS = (
    Command(
        "spec",
        "spike_kit.spec.check",
        "does the spec load for every tool? each fault at its file, line and column",
        f"pip install '{KIT}'",
    ),
    Command(
        "gate",
        "spike_kit.gate.cli",
        "the contract gate: spec, drift, compat, client and server checks, with a summary",
        f"pip install '{KIT}[codegen,compat,mock,test]'",
    ),
    Command(
        "compat",
        "spike_kit.compat.cli",
        "fail when a contract change breaks clients of the base spec",
        f"pip install '{KIT}[compat]'",
    ),
    Command(
        "regenerate",
        "spike_kit.codegen.regenerate",
        "rebuild generated/ from the spec, config, templates and runtime (in a checkout)",
        f"pip install '{KIT}[codegen]'",
    ),
    Command(
        "drift",
        "spike_kit.codegen.drift",
        "fail with a diff when generated/ is not what regeneration makes today (in a checkout)",
        f"pip install '{KIT}[codegen]'",
    ),
    Command(
        "release",
        "spike_kit.release.version",
        "the client version from the contract: `bump` for a change, `prepare` for a release",
        f"pip install '{KIT}[codegen,compat]'",
    ),
    Command(
        "build",
        "spike_kit.release.build",
        "build the client's and the kit's wheel and sdist from a commit, reproducibly",
        f"pip install '{KIT}[release]'",
    ),
    Command(
        "publish",
        "spike_kit.release.publish",
        "upload built files to the index in SPIKE_INDEX_URL / SPIKE_INDEX_UPLOAD_URL",
        f"pip install '{KIT}[release]'",
    ),
    Command(
        "docs",
        "spike_kit.docs.cli",
        "the contract as one static HTML page (Redoc, drawn by Redocly's CLI from npm)",
        f"pip install '{KIT}'",
    ),
    Command(
        "audit",
        "spike_kit.audit",
        "pip-audit: known vulnerabilities in the kit's and the client's dependencies",
        f"pip install '{KIT}[audit]'",
    ),
    Command(
        "bench client",
        "spike_kit.bench.client_overhead",
        "benchmark (prints figures): the client against plain httpx on a local mock",
        f"{MOCK_EXTRA} spike-api-client",
    ),
    Command(
        "bench store",
        "spike_kit.bench.shared_store",
        "benchmark (prints figures): a shared Redis token store across worker processes",
        f"{MOCK_EXTRA} 'spike-api-client[redis]' (and redis-server)",
    ),
    Command(
        "bench mock",
        "spike_kit.bench.mock_vs_prism",
        "benchmark (prints figures): the mock beside Prism and reference apps under wrk",
        MOCK_EXTRA,
    ),
    Command(
        "bench gate",
        "",
        "benchmark (prints figures): the README's gate commands from a fresh clone (in a checkout)",
        "a checkout of the kit (it runs its scripts/bench_gate)",
    ),
    Command(
        "bench webhooks",
        "spike_kit.bench.webhook_verify",
        "benchmark (prints figures): the client verifying and reading a 1 MB webhook delivery",
        "spike-api-client",
    ),
    Command(
        "webhook verify",
        "spike_kit.webhooks.verify",
        "does one delivery captured from Spike verify as the contract says? (key from the env)",
        f"pip install '{KIT}'",
    ),
    Command(
        "webhook check",
        "spike_kit.webhooks.check",
        "send a webhook receiver valid and hostile deliveries; report what it got wrong",
        MOCK_EXTRA,
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}
GROUPS = {
    group: tuple(c.name.split()[1] for c in COMMANDS if c.name.startswith(f"{group} "))
    for group in ("bench", "webhook")
}
HELP = ("-h", "--help")

Main = Callable[[list[str], str], int]


def overview() -> str:
    width = max(len(command.name) for command in COMMANDS)
    rows = "\n".join(f"  {command.name.ljust(width)}  {command.summary}" for command in COMMANDS)
    return (
        f"usage: {PROG} <command> [options]\n\n"
        "The Spike contract kit's tools (the same code as scripts/ and tox runs).\n\n"
        f"commands:\n{rows}\n\n"
        f"`{PROG} <command> --help` gives a command's options; `spike-mock --help` the mock "
        "server's."
    )


def _refuse(message: str) -> NoReturn:
    """A usage error as argparse reports one: usage and the reason on stderr, exit 2."""
    parser = argparse.ArgumentParser(prog=PROG, usage=f"{PROG} <command> [options]")
    parser.error(message)


def _pick(args: list[str]) -> tuple[Command, list[str]] | int:
    """The command `args` name and the arguments left for it, or an exit code."""
    if not args or args[0] in HELP:
        print(overview(), file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    head, rest = args[0], args[1:]
    if head in GROUPS:
        choices = ", ".join(GROUPS[head])
        if not rest or rest[0] in HELP:
            if rest:
                print(f"usage: {PROG} {head} {{{choices}}} [options]")
                return 0
            _refuse(f"`{head}` needs one of: {choices}")
        name = f"{head} {rest[0]}"
        if name not in BY_NAME:
            _refuse(f"unknown command {name!r}; `{head}` takes one of: {choices}")
        return BY_NAME[name], rest[1:]
    if head not in BY_NAME:
        known = ", ".join(sorted({command.name.split()[0] for command in COMMANDS}))
        _refuse(f"unknown command {head!r}; choose from: {known}")
    return BY_NAME[head], rest


def _load(command: Command) -> Main | str:
    """The command's `main`, or why it cannot be loaded here."""
    try:
        module = importlib.import_module(command.module)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] == "spike_kit":
            raise
        return f"`{PROG} {command.name}` needs {exc.name}, which is not installed: {command.needs}"
    return cast(Main, module.main)


def _bench_gate(args: list[str], prog: str) -> int:
    """`scripts/bench_gate` of the checkout around here: it clones that checkout, so it is a
    standalone script (standard library only) rather than a module of the package."""
    from spike_kit.layout import RepoLayout, RepositoryNotFoundError

    try:
        root = RepoLayout.find().root
    except RepositoryNotFoundError as exc:
        if any(arg in HELP for arg in args):
            print(f"usage: {prog} [options]\n\n{BY_NAME['bench gate'].summary}.")
            return 0
        print(f"{prog}: {exc}; it needs a checkout of the kit", file=sys.stderr)
        return 2
    script = root / "scripts" / "bench_gate"
    return subprocess.run([sys.executable, str(script), *args], check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    picked = _pick(list(sys.argv[1:] if argv is None else argv))
    if isinstance(picked, int):
        return picked
    command, rest = picked
    prog = f"{PROG} {command.name}"
    if command.name == "bench gate":
        return _bench_gate(rest, prog)
    loaded = _load(command)
    if isinstance(loaded, str):
        if any(arg in HELP for arg in rest):
            print(f"usage: {prog} [options]\n\n{command.summary}.\n\n{loaded}")
            return 0
        print(f"{PROG}: {loaded}", file=sys.stderr)
        return 2
    return loaded(rest, prog)


if __name__ == "__main__":
    sys.exit(main())
