"""`spike-kit webhook verify`: does one delivery captured from Spike verify as the contract says?

Spike's docs do not say how `X-Body-Signature` is made; the contract infers lowercase hex
HMAC-SHA256 of the raw body keyed with the Webhook Signature Key. A team that captures one
real delivery (its exact body bytes and the header) confirms that on day one. When the
signature does not match, the command tries the usual other schemes (another hash, base64,
the key as hex or base64, the body without a trailing newline added by the capture) and says
which one Spike used, so the one line to change (`spike_kit.webhooks.signature`) is known.

The key comes from an environment variable, never a flag (flags end up in shell history and
process lists), and is never printed.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from spike_kit.spec import SpecLoadError
from spike_kit.webhooks.contract import WebhookContract, WebhookContractError
from spike_kit.webhooks.signature import SIGNATURE_HEADER, signature_matches

KEY_VARIABLE = "SPIKE_WEBHOOK_KEY"
MAX_BODY_BYTES = 64 * 1024 * 1024


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check one captured webhook delivery from Spike against the contract's "
        f"(inferred) signing scheme. The key is read from ${KEY_VARIABLE}.",
    )
    parser.add_argument(
        "--body", type=Path, required=True, help="the delivery's body, byte for byte, in a file"
    )
    parser.add_argument("--signature", required=True, help=f"the {SIGNATURE_HEADER} header's value")
    parser.add_argument(
        "--key-env",
        default=KEY_VARIABLE,
        metavar="NAME",
        help=f"the environment variable holding the Webhook Signature Key (default {KEY_VARIABLE})",
    )
    parser.add_argument("--spec", type=Path, help="the contract (default: the kit's own)")
    return parser


def _digests(key: bytes, body: bytes) -> Iterator[tuple[str, bytes]]:
    for name, algorithm in (("SHA-256", hashlib.sha256), ("SHA-1", hashlib.sha1)):
        yield name, hmac.new(key, body, algorithm).digest()
    yield "SHA-512", hmac.new(key, body, hashlib.sha512).digest()


def _encodings() -> list[tuple[str, Callable[[bytes], str]]]:
    return [
        ("hex", lambda raw: raw.hex()),
        ("base64", lambda raw: base64.b64encode(raw).decode()),
        ("base64url", lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")),
    ]


def _keys(key: str) -> list[tuple[str, bytes]]:
    keys = [("the key's UTF-8 bytes", key.encode("utf-8"))]
    with contextlib.suppress(ValueError):
        keys.append(("the key read as hex", bytes.fromhex(key)))
    with contextlib.suppress(binascii.Error, ValueError):
        keys.append(("the key read as base64", base64.b64decode(key, validate=True)))
    return keys


def _bodies(body: bytes) -> Iterator[tuple[str, bytes]]:
    yield "the body", body
    stripped = body.rstrip(b"\r\n")
    if stripped != body:
        yield "the body without its trailing newline (added when it was saved?)", stripped


def other_scheme(key: str, body: bytes, signature: str) -> str | None:
    """The scheme, other than the contract's, under which `signature` is the body's, if any."""
    given = signature.strip().encode("utf-8", "replace")
    for body_name, candidate in _bodies(body):
        for key_name, raw_key in _keys(key):
            for digest_name, digest in _digests(raw_key, candidate):
                for encoding_name, encode in _encodings():
                    shown = given.lower() if encoding_name == "hex" else given
                    if hmac.compare_digest(encode(digest).encode(), shown):
                        return (
                            f"{encoding_name} HMAC-{digest_name} of {body_name}, "
                            f"keyed with {key_name}"
                        )
    return None


def main(argv: list[str] | None = None, prog: str = "spike-kit webhook verify") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    key = os.environ.get(args.key_env, "")
    if not key:
        print(
            f"{prog}: set {args.key_env} to the application's Webhook Signature Key "
            "(admin console); it is read from the environment only",
            file=sys.stderr,
        )
        return 2
    try:
        size = args.body.stat().st_size
        if size > MAX_BODY_BYTES:
            print(
                f"{prog}: {args.body} has {size:,} bytes; a delivery is far smaller",
                file=sys.stderr,
            )
            return 2
        body = args.body.read_bytes()
    except OSError as exc:
        print(f"{prog}: cannot read {args.body}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        contract = WebhookContract.from_spec(args.spec) if args.spec else _bundled_contract()
    except (SpecLoadError, WebhookContractError) as exc:
        print(f"{prog}: the contract cannot be used: {exc}", file=sys.stderr)
        return 2
    raw_key, signature = key.encode("utf-8"), args.signature.strip()
    if signature_matches(raw_key, body, signature):
        print(
            f"the signature matches: lowercase hex HMAC-SHA256 of the body's {len(body):,} "
            "bytes, keyed with the webhook signature key, as the contract infers"
        )
        return _shape(contract, body)
    stripped = body.rstrip(b"\r\n")
    if stripped != body and signature_matches(raw_key, stripped, signature):
        print(
            "the signature matches the contract's scheme over the body without its trailing "
            "newline. Most likely the newline was added when the file was saved (editors and "
            "`echo` add one): save the body byte for byte, from the raw request, and run this "
            "again to confirm the scheme"
        )
        return 1
    found = other_scheme(key, body, args.signature)
    if found is None:
        print(
            "the signature does not match the contract's scheme, nor any other tried (HMAC "
            "SHA-256, SHA-1, SHA-512; hex, base64; the key as text, hex or base64). Check that "
            f"{args.key_env} holds this application's Webhook Signature Key and that the file "
            "is the body exactly as received (no reformatting, no added newline)",
        )
        return 1
    print(
        f"the signature matches another scheme: {found}. The contract's inferred scheme is "
        "wrong for Spike's real deliveries: change `body_signature` in "
        "src/spike_kit/webhooks/signature.py (and the spec's text), then regenerate"
    )
    return 1


def _bundled_contract() -> WebhookContract:
    from spike_kit.mock.settings import bundled_spec_path

    return WebhookContract.from_spec(bundled_spec_path())


def _shape(contract: WebhookContract, body: bytes) -> int:
    try:
        events = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        print("but the body is not UTF-8 JSON, which the contract says a delivery is")
        return 1
    problem = contract.problem(events)
    if problem is not None:
        print(f"but the body is not the contract's WebhookDelivery: {problem}")
        return 1
    types = ", ".join(sorted({str(item.get("event_type")) for item in events}))
    print(f"and the body is the contract's WebhookDelivery: {len(events)} event(s) of {types}")
    return 0
