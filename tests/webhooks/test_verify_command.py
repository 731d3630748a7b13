"""`spike-kit webhook verify`: one captured delivery checked against the spec's inferred
signing scheme (`webhooks.spikeEvents`: lowercase hex HMAC-SHA256 of the raw body), and, when
it does not match, the scheme that does named."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from spike_kit.webhooks.events import sign
from spike_kit.webhooks.verify import main
from tests.webhooks.support import DOCS_EXAMPLE, KEY

BODY = json.dumps(DOCS_EXAMPLE, indent=2).encode()


def _verify(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: bytes,
    signature: str,
) -> tuple[int, str]:
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
    (tmp_path / "delivery.json").write_bytes(body)
    status = main(["--body", str(tmp_path / "delivery.json"), "--signature", signature])
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    return status, captured.out + captured.err


def test_a_delivery_signed_as_the_contract_says_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, said = _verify(tmp_path, monkeypatch, capsys, BODY, sign(BODY, KEY).signature)
    assert status == 0, said
    assert "the signature matches: lowercase hex HMAC-SHA256" in said
    assert "2 event(s) of record_change" in said


def test_one_byte_changed_does_not_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = BODY.replace(b"User1", b"User3")
    status, said = _verify(tmp_path, monkeypatch, capsys, changed, sign(BODY, KEY).signature)
    assert status == 1
    assert "does not match the contract's scheme, nor any other tried" in said


@pytest.mark.parametrize(
    ("signature", "named"),
    [
        (
            base64.b64encode(hmac.new(KEY.encode(), BODY, hashlib.sha256).digest()).decode(),
            "base64 HMAC-SHA-256 of the body, keyed with the key's UTF-8 bytes",
        ),
        (
            hmac.new(KEY.encode(), BODY, hashlib.sha1).hexdigest(),
            "hex HMAC-SHA-1 of the body",
        ),
    ],
    ids=["base64", "sha1"],
)
def test_another_scheme_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signature: str,
    named: str,
) -> None:
    status, said = _verify(tmp_path, monkeypatch, capsys, BODY, signature)
    assert status == 1
    assert f"matches another scheme: {named}" in said
    assert "src/spike_kit/webhooks/signature.py" in said


def test_a_newline_added_when_the_body_was_saved_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, said = _verify(tmp_path, monkeypatch, capsys, BODY + b"\n", sign(BODY, KEY).signature)
    assert status == 1
    assert "matches the contract's scheme over the body without its trailing newline" in said
    assert "scheme is wrong" not in said


def test_a_signed_body_that_is_not_the_contracts_shape_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = b'{"event_type": "record_change"}'
    status, said = _verify(tmp_path, monkeypatch, capsys, body, sign(body, KEY).signature)
    assert status == 1
    assert "the signature matches" in said
    assert "not the contract's WebhookDelivery" in said


def test_without_the_key_or_the_file_it_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SPIKE_WEBHOOK_KEY", raising=False)
    (tmp_path / "body").write_bytes(BODY)
    assert main(["--body", str(tmp_path / "body"), "--signature", "00"]) == 2
    assert "set SPIKE_WEBHOOK_KEY" in capsys.readouterr().err
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
    assert main(["--body", str(tmp_path / "missing"), "--signature", "00"]) == 2
    assert "cannot read" in capsys.readouterr().err
