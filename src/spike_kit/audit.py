"""Known vulnerabilities in what the kit and the client install (`tox -e audit`).

The kit's requirements (every extra) and the client's are resolved together with uv into the
exact versions an install picks today, and pip-audit looks each one up in PyPI's advisory
data (PyPI's JSON API, `https://pypi.org/pypi/NAME/VERSION/json`). Resolving first means the
audit sees the transitive dependencies too (a vulnerable Jinja2 under the generator, say),
and pins nothing by hand that could go stale.

Where that API cannot be reached (a proxy that serves the package index but not the JSON
API), the audit says so and fails rather than passing on nothing; `--osv-url` points it at
an OSV-compatible advisory service instead, such as a mirror of osv.dev.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from uv import find_uv_bin

from spike_kit.layout import checkout_for

KIT_NAME = "spike-contract-kit"
CLIENT_NAME = "spike-api-client"
PYPI_JSON = "https://pypi.org/pypi/{name}/{version}/json"
"""Where pip-audit's `pypi` service reads a release's known vulnerabilities."""


class AuditError(Exception):
    """Raised when the requirements cannot be read or resolved (not a vulnerability)."""


def requirements(root: Path) -> list[str]:
    """The kit's dependencies with every extra, then the client's, as written."""
    found: list[str] = []
    for path in (root / "pyproject.toml", root / "generated" / "pyproject.toml"):
        try:
            project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
            raise AuditError(f"cannot read [project] from {path}: {exc}") from None
        found += project.get("dependencies", [])
        for extra in project.get("optional-dependencies", {}).values():
            found += extra
    ours = (KIT_NAME, CLIENT_NAME)
    return [line for line in dict.fromkeys(found) if not line.startswith(ours)]


def resolve(lines: list[str]) -> str:
    """`name==version` for everything `lines` install, transitive dependencies included."""
    result = subprocess.run(
        [
            find_uv_bin(),
            "pip",
            "compile",
            "--quiet",
            "--no-header",
            "--no-annotate",
            "--python",
            sys.executable,
            "-",
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise AuditError(f"uv could not resolve the requirements:\n{result.stderr.strip()}")
    return result.stdout


def pinned_packages(pinned: str) -> list[tuple[str, str]]:
    found = []
    for line in pinned.splitlines():
        name, sep, version = line.split(";")[0].strip().partition("==")
        if sep:
            found.append((name.strip(), version.strip()))
    return found


def pypi_unreachable(name: str, version: str, timeout: float = 15.0) -> str | None:
    """Why PyPI's JSON API gives no answer about `name==version` here, or None when it does."""
    url = PYPI_JSON.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - https only
            response.read(1)
    except urllib.error.HTTPError as exc:
        return f"{url} answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"cannot reach {url}: {exc}"
    return None


def audit(pinned: str, service: list[str], extra: list[str]) -> int:
    """pip-audit's exit status for the pinned set (1 when anything is vulnerable)."""
    with tempfile.TemporaryDirectory(prefix="spike-audit-") as folder:
        path = Path(folder) / "requirements.txt"
        path.write_text(pinned, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(path),
            "--no-deps",
            "--disable-pip",
            "--strict",
            "--progress-spinner",
            "off",
            *service,
            *extra,
        ]
        return subprocess.run(command, check=False, timeout=600).returncode


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, help="the kit checkout to audit (default: the one around here)"
    )
    parser.add_argument(
        "--osv-url",
        help="ask this OSV-compatible service (POST /v1/query) instead of PyPI's JSON API",
    )
    parser.add_argument(
        "pip_audit_args",
        nargs="*",
        help="passed to pip-audit after `--` (e.g. -- --ignore-vuln GHSA-...)",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "audit") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    root = args.root.resolve() if args.root else checkout_for(parser).root
    try:
        lines = requirements(root)
        pinned = resolve(lines)
    except AuditError as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    packages = pinned_packages(pinned)
    print(
        f"audit: {len(lines)} requirements of the kit and the client resolve to "
        f"{len(packages)} packages"
    )
    print(pinned.rstrip(), flush=True)
    if args.osv_url:
        service = ["--vulnerability-service", "osv", "--osv-url", args.osv_url]
    else:
        service = ["--vulnerability-service", "pypi"]
        reason = pypi_unreachable(*packages[0]) if packages else None
        if reason is not None:
            print(
                f"audit: PyPI's advisory data does not answer here ({reason}); nothing was "
                "audited. Run it where PyPI's JSON API is reachable, or give --osv-url.",
                file=sys.stderr,
            )
            return 2
    return audit(pinned, service, args.pip_audit_args)


if __name__ == "__main__":
    sys.exit(main())
