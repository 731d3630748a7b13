"""`regenerate`, `drift`, `release bump`, `build` and `spike-mock` on every spec of the corpus:
exit 2 and the fault at its line for a spec that does not load, the right outcome for a valid
unusual one, never a traceback and never a half-written result.

The tools run in-process (`main(argv)`, as `scripts/` and `spike-kit` run them) in a copy of
the kit: an exception escaping `main` fails the test just as a traceback would. A few run as
real processes, where the process boundary is the point.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from spike_kit.codegen import drift, regenerate
from spike_kit.mock import MockSettings, create_app
from spike_kit.mock import cli as mock_cli
from spike_kit.mock.preflight import SpecNotServableError
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN
from spike_kit.mock.transports import SyncASGITransport
from spike_kit.release import build, version
from spike_kit.spec import SpecLoadError
from tests.gate.kit_copy import copy_kit
from tests.spec_corpus.cases import AS_OPENAPI_30, BROKEN, BY_NAME, SLACK, SpecCase

Main = Callable[[list[str]], int]
TOOLS: dict[str, Main] = {
    "regenerate": lambda argv: regenerate.main(argv),
    "drift": lambda argv: drift.main(argv),
    "release bump": lambda argv: version.main(["bump", *argv]),
}
_PLACE = re.compile(r"openapi/spike\.yaml:(\d+):\d+: ")


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the kit; each test copies the few folders it changes from here."""
    return copy_kit(tmp_path_factory.mktemp("pristine"))


def _kit(pristine: Path, tmp_path: Path, data: bytes) -> Path:
    root = tmp_path / "kit"
    subprocess.run(["cp", "-r", str(pristine), str(root)], check=True)  # noqa: S607
    (root / "openapi" / "spike.yaml").write_bytes(data)
    return root


def _said_at_its_line(case: SpecCase, said: str) -> None:
    assert case.fault in said, said
    expected = case.line()
    if expected is not None:
        places = [int(line) for line in _PLACE.findall(said)]
        assert any(abs(line - expected) <= SLACK for line in places), (places, expected, said)


@pytest.mark.parametrize("tool", sorted(TOOLS))
@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_a_spec_that_does_not_load_is_refused_with_its_fault_and_nothing_written(
    pristine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: SpecCase,
    tool: str,
) -> None:
    root = _kit(pristine, tmp_path, case.data())
    before = _tree_digest(root / "generated"), (root / "openapi/generator/config.yml").read_bytes()
    monkeypatch.chdir(root)
    assert TOOLS[tool]([]) == 2
    out, err = capsys.readouterr()
    _said_at_its_line(case, out + err)
    after = _tree_digest(root / "generated"), (root / "openapi/generator/config.yml").read_bytes()
    assert after == before, "nothing written"


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_the_mock_refuses_to_start_on_a_spec_that_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: SpecCase
) -> None:
    spec = tmp_path / "spike.yaml"
    spec.write_bytes(case.data())
    assert mock_cli.main(["--spec", str(spec), "--port", "0"]) == 2
    said = capsys.readouterr().err.replace(str(spec), "openapi/spike.yaml")
    assert said.startswith("spike-mock: cannot load openapi/spike.yaml")
    _said_at_its_line(case, said)
    with pytest.raises(SpecLoadError):
        create_app(MockSettings(spec_path=spec))


@pytest.mark.parametrize("name", ["type-strin", "yaml-unclosed-bracket", "non-utf8-byte"])
def test_the_real_commands_say_it_without_a_traceback(
    pristine: Path, tmp_path: Path, name: str
) -> None:
    """As people run them: each command a process of its own, stderr read as they see it."""
    case = BY_NAME[name]
    root = _kit(pristine, tmp_path, case.data())
    for command in (
        [sys.executable, "-m", "spike_kit", "regenerate"],
        [sys.executable, "-m", "spike_kit", "drift"],
        [sys.executable, "-m", "spike_kit.mock", "--spec", "openapi/spike.yaml", "--port", "0"],
    ):
        ran = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=60, check=False
        )
        assert ran.returncode == 2, (command, ran.stdout, ran.stderr)
        assert "Traceback" not in ran.stdout + ran.stderr
        _said_at_its_line(case, ran.stdout + ran.stderr)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],  # noqa: S607
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("name", ["type-strin", "non-utf8-byte", "recursive-schema"])
def test_build_refuses_a_commit_whose_spec_does_not_load(
    pristine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    case = BY_NAME[name]
    root = _kit(pristine, tmp_path, case.data())
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "a broken spec")
    monkeypatch.chdir(root)
    assert build.main(["--out", str(tmp_path / "dist")]) == 2
    said = capsys.readouterr().err
    assert "nothing built" in said
    assert case.fault in said
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


# Valid but unusual specs: every tool takes them.
REGENERATED = [
    "unquoted-status-codes",
    "yaml-11-words-as-keys",
    "date-version",
    "five-thousand-value-enum",
    "any-media-type-response",
    "ref-with-siblings",
]


@pytest.mark.parametrize("name", REGENERATED)
def test_an_unusual_valid_spec_regenerates_a_working_client(
    pristine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    root = _kit(pristine, tmp_path, BY_NAME[name].data())
    monkeypatch.chdir(root)
    assert regenerate.main([]) == 0, capsys.readouterr()
    assert drift.main([]) == 0
    assert "generated/ matches a fresh regeneration" in capsys.readouterr().out


ONLY_ANY_MEDIA = (
    "        '200':\n          description: The integration URL.\n          content:\n"
    "            application/json:",
    "        '200':\n          description: The integration URL.\n          content:\n"
    "            '*/*':",
)


def test_a_response_the_generator_cannot_read_is_refused_and_generated_is_kept(
    pristine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A `*/*` response alone: openapi-python-client drops it with a warning (and exit 0),
    which left a client whose every 200 raised AssertionError."""
    text = (pristine / "openapi" / "spike.yaml").read_text()
    assert ONLY_ANY_MEDIA[0] in text
    root = _kit(pristine, tmp_path, text.replace(*ONLY_ANY_MEDIA).encode())
    before = _tree_digest(root / "generated")
    monkeypatch.chdir(root)
    assert regenerate.main([]) == 1
    said = capsys.readouterr().err
    assert "nothing written: openapi-python-client skipped or degraded part of the spec" in said
    assert "Unsupported content_type */*" in said
    assert _tree_digest(root / "generated") == before


def test_a_client_that_cannot_read_its_success_answer_is_not_swapped_in(
    pristine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The smoke call: a template that breaks reading the 200 (as the generator once did for
    `*/*`) is caught before `generated/` changes, naming the operation."""
    root = _kit(pristine, tmp_path, (pristine / "openapi" / "spike.yaml").read_bytes())
    template = root / "openapi" / "generator" / "templates" / "endpoint_module.py.jinja"
    text = template.read_text()
    broken = text.replace("def _parse_response(response: Answer)", "def _unused(response: Answer)")
    assert "from typing import Any" in text
    assert broken != text
    broken = broken.replace(
        "def _build_response(",
        "def _parse_response(response: Answer) -> Any:\n"
        '    raise AssertionError(f"the runtime let status {response.status_code} through")\n\n\n'
        "def _build_response(",
    )
    template.write_text(broken)
    before = _tree_digest(root / "generated")
    monkeypatch.chdir(root)
    assert regenerate.main([]) == 1
    said = capsys.readouterr().err
    assert "does not work" in said
    assert "GET /providers/{provider_slug}/integration/init_url: the call failed" in said
    assert _tree_digest(root / "generated") == before


@pytest.mark.parametrize("name", ["unquoted-status-codes", "date-version", "ref-with-siblings"])
def test_the_mock_serves_an_unusual_valid_spec(tmp_path: Path, name: str) -> None:
    spec = tmp_path / "spike.yaml"
    spec.write_bytes(BY_NAME[name].data())
    app = create_app(MockSettings(spec_path=spec, public_url="http://localhost"))
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://m/v3") as http:
        found = http.get(
            "/providers/garmin/integration/init_url",
            headers={"authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"},
        )
    assert found.status_code == 200
    assert found.json()["provider_slug"] == "garmin"


def test_the_mock_refuses_a_spec_it_would_answer_wrongly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The spec loads, but the token exchange no longer requires the signature the mock
    checks: every exchange would have been a 500."""
    spec = tmp_path / "spike.yaml"
    text = BY_NAME["date-version"].data().decode()
    old = "required: [application_id, application_user_id, signature]"
    assert old in text
    spec.write_text(text.replace(old, "required: [application_id, application_user_id]"))
    with pytest.raises(SpecNotServableError):
        create_app(MockSettings(spec_path=spec))
    assert mock_cli.main(["--spec", str(spec), "--port", "0"]) == 2
    said = capsys.readouterr().err
    assert "spike-mock: cannot serve" in said
    assert "required `signature`" in said


def test_the_mock_accepts_null_where_an_openapi_30_spec_says_nullable(tmp_path: Path) -> None:
    """OpenAPI 3.0 `nullable: true` admits null (3.1 spells it `type: [x, 'null']`)."""
    text = BY_NAME["date-version"].data().decode()
    for before, after in AS_OPENAPI_30:
        text = text.replace(before, after, 1)
    old = "        uts:\n          type: integer\n"
    assert old in text
    text = text.replace(old, old + "          nullable: true\n", 1)
    spec = tmp_path / "spike30.yaml"
    spec.write_text(text)
    app = create_app(MockSettings(spec_path=spec))
    body = {
        "application_id": 9999,
        "application_user_id": "user-1",
        "signature": "0" * 64,
        "uts": None,
    }
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://m/v3") as http:
        answered = http.post("/auth/hmac", json=body)
    assert answered.status_code == 401, answered.text  # past validation: the signature is checked
    assert answered.json()["detail"] == "invalid signature"
