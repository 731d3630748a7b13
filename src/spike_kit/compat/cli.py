"""`compat`: what a contract change does to clients generated from the base spec.

Two ways to run it. In a kit checkout (`tox -e compat`), it compares `openapi/spike.yaml` with
a base revision and applies the client's version rule. On its own (`--base FILE --head FILE`,
from any directory, on any OpenAPI 3.0 or 3.1 spec), it reports and fails on what
`--fail-on` names, with the version rule only when `--version-rule CONFIG` asks for it.

Exit status: 0 when nothing fails, 1 when the version rule or `--fail-on` fails, 2 when a
spec cannot be used (it does not load: the message says which side, base or head, and where,
file:line:column) or another input is missing or wrong (no such revision, a version that is
not semantic).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from attrs import frozen

from spike_kit.compat.examples import DEFAULT_EXAMPLES
from spike_kit.compat.model import Change, Severity
from spike_kit.compat.report import (
    FORMATS,
    Outcome,
    as_json,
    changelog_summary,
    render,
    render_unusable,
)
from spike_kit.compat.settle import ClientMode, Unexpandable, assess
from spike_kit.compat.sources import (
    SourceError,
    SpecSource,
    UnusableSpec,
    from_file,
    resolve_base,
    version_from_config,
    working_tree,
)
from spike_kit.compat.versions import Version, VersionError, version_problems
from spike_kit.layout import CONFIG_IN_REPO, RepoLayout, RepositoryNotFoundError
from spike_kit.spec import SpecError

FAIL_ON = ("breaking", "compatible")


@frozen
class VersionRule:
    """The client's version rule: the head's generator config, and the base's version when
    it cannot be read from git."""

    config: Path
    base_version: str | None = None


def _checkout_or_none() -> RepoLayout | None:
    try:
        return RepoLayout.find()
    except RepositoryNotFoundError:
        return None


def compare(
    base: str | None,
    head: Path | None = None,
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    layout: RepoLayout | None = None,
    version_rule: VersionRule | bool | None = True,
    fail_on: str | None = None,
    client: ClientMode = ClientMode.AUTO,
) -> Outcome:
    """Compare a base (file or git revision) with the head (file, default: the working tree).

    `version_rule=True` means the default: the kit's rule in a checkout without `head`, none
    when comparing files.

    Raises only what a caller can report: `UnusableSpec` (a `SpecError`: a side does not
    load, with its faults), `SourceError` (no such file or revision, no git), `VersionError`
    (a client version that is not semantic) and `RepositoryNotFoundError` (no checkout and
    no `head`).
    """
    standalone = head is not None
    layout = layout or (_checkout_or_none() if standalone else RepoLayout.find())
    rule = _rule(version_rule, standalone, layout)
    config_path = _config_in_repo(rule, layout)
    old, new = _both_sides(layout, base, head, config_path)
    if old is None or old.spec is None:
        where = "no base revision (no git history)" if old is None else f"no spec at {old.label}"
        return Outcome(
            old.label if old else "-", new.label, (), (), (f"{where}: nothing to compare",)
        )
    assert new.spec is not None
    try:
        changes, notes = assess(
            old.spec,
            new.spec,
            max_examples=max_examples,
            kit=None if standalone else layout,
            client=client,
        )
    except Unexpandable as exc:
        side = old if exc.side == "base" else new
        raise side.unusable(exc.reason, exc.ref) from None
    worded = tuple(changes)
    problems: list[str] = []
    if rule is not None:
        problems, said = _version_check(rule, old, worded)
        notes.append(said)
    failures = _fail_on(
        fail_on if fail_on is not None else ("breaking" if rule is None else None), worded
    )
    head_file = new.file
    return Outcome(
        old.label,
        new.label,
        worded,
        tuple(problems),
        tuple(notes),
        failures=failures,
        head_file=_relative(head_file),
        head_lines=new.lines,
    )


def _both_sides(
    layout: RepoLayout | None, base: str | None, head: Path | None, config_path: str
) -> tuple[SpecSource | None, SpecSource]:
    """Both specs, loaded; when both do not load, the error names the faults of each."""
    try:
        new = from_file(head) if head is not None else working_tree(layout)  # type: ignore[arg-type]
    except UnusableSpec as head_error:
        try:
            resolve_base(layout, base, config_path)
        except UnusableSpec as base_error:
            raise base_error.joined(head_error) from None
        raise
    return resolve_base(layout, base, config_path), new


def _rule(
    version_rule: VersionRule | bool | None, standalone: bool, layout: RepoLayout | None
) -> VersionRule | None:
    if version_rule is True:
        return None if standalone or layout is None else VersionRule(layout.generator_config)
    if version_rule is False:
        return None
    return version_rule


def _config_in_repo(rule: VersionRule | None, layout: RepoLayout | None) -> str:
    """The rule's config as a path inside the checkout, to read it at the base revision."""
    if rule is None or layout is None:
        return CONFIG_IN_REPO
    try:
        return rule.config.resolve().relative_to(layout.root.resolve()).as_posix()
    except ValueError:
        return CONFIG_IN_REPO


def _relative(path: Path | None) -> Path | None:
    if path is None:
        return None
    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd()))
    except ValueError:
        return path


def _version_check(
    rule: VersionRule, old: SpecSource, changes: tuple[Change, ...]
) -> tuple[list[str], str]:
    try:
        text = rule.config.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(
            f"cannot read --version-rule config {rule.config}: {exc.strerror}"
        ) from None
    new_version = version_from_config(text)
    old_version = rule.base_version or old.client_version
    if new_version is None:
        raise SourceError(f"{rule.config} has no package_version_override to check")
    if old_version is None:
        problems = (
            ["breaking contract change, and no base client version to show a bump"]
            if any(change.breaking for change in changes)
            else []
        )
        return problems, "base client version unknown: any breaking change fails (--base-version)"
    problems = version_problems(Version.parse(old_version), Version.parse(new_version), changes)
    return problems, f"client version {old_version} -> {new_version}"


def _fail_on(level: str | None, changes: tuple[Change, ...]) -> tuple[str, ...]:
    if level == "breaking" and any(change.breaking for change in changes):
        return (f"--fail-on breaking: {sum(c.breaking for c in changes)} breaking change(s)",)
    contract = [c for c in changes if c.severity is not Severity.DOCUMENTATION]
    if level == "compatible" and contract:
        return (f"--fail-on compatible: {len(contract)} contract change(s)",)
    return ()


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        help="the old spec: a file, or a git revision in a kit checkout (default there: the "
        "merge-base with main, else the last release tag, else the previous commit)",
    )
    parser.add_argument(
        "--head",
        type=Path,
        help="the new spec file; with it the check runs on its own, anywhere, on any spec "
        "(default: openapi/spike.yaml of the kit checkout here)",
    )
    parser.add_argument(
        "--version-rule",
        type=Path,
        metavar="CONFIG",
        help="check the client version in this generator config (package_version_override) "
        "against the change; on by default in a kit checkout without --head",
    )
    parser.add_argument("--base-version", help="the base client's version, when git cannot tell it")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="also fail on any breaking change, or on any contract change at all (default "
        "without a version rule: breaking)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--json", type=Path, help="also write the findings as JSON here")
    parser.add_argument(
        "--changelog", action="store_true", help="also print a changelog summary in words"
    )
    parser.add_argument(
        "--client",
        choices=[mode.value for mode in ClientMode],
        default=ClientMode.AUTO.value,
        help="when to ask a client generated from the base spec (default: when the rules "
        "and the property check leave a change undecided)",
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        help=f"values the property check tries per part (default {DEFAULT_EXAMPLES})",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "compat") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    if args.max_examples < 1:
        parser.error("--max-examples must be at least 1")
    if args.base_version is not None and args.version_rule is None:
        parser.error("--base-version goes with --version-rule")
    rule: VersionRule | bool = (
        VersionRule(args.version_rule, args.base_version) if args.version_rule else True
    )
    try:
        outcome = compare(
            args.base,
            args.head,
            max_examples=args.max_examples,
            version_rule=rule,
            fail_on=args.fail_on,
            client=ClientMode(args.client),
        )
    except RepositoryNotFoundError:
        print(
            "compat: no kit checkout here; to compare two specs anywhere, give "
            "--base OLD_FILE --head NEW_FILE",
            file=sys.stderr,
        )
        return 2
    except UnusableSpec as exc:
        print(f"compat: {exc}", file=sys.stderr)
        if args.format in ("github", "json", "markdown"):
            print(render_unusable(exc, args.format))
        _write_json(args.json, render_unusable(exc, "json"))
        return 2
    except (SpecError, SourceError, VersionError) as exc:
        print(f"compat: {exc}", file=sys.stderr)
        return 2
    print(render(outcome, args.format))
    if args.changelog and outcome.changes and args.format in ("text", "markdown"):
        print("\nChangelog summary (paste under ## [Unreleased]):\n")
        print(changelog_summary(outcome.changes))
    if not _write_json(args.json, as_json(outcome)):
        return 2
    return 0 if outcome.passed else 1


def _write_json(path: Path | None, report: str) -> bool:
    """Write the JSON report where `--json` asks (the gate reads it, also when a side does not
    load); False, and a sentence, when it cannot be written."""
    if path is None:
        return True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"compat: cannot write --json {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True
