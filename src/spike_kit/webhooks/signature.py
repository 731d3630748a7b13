# Edit src/spike_kit/webhooks/signature.py, not the copy in generated/.
"""How Spike signs a webhook delivery: the one home of a rule Spike's docs do not state.

Spike's docs name the `X-Body-Signature` header and a "Webhook Signature Key", nothing more.
Inferred (see the spec's `spikeEvents` webhook): the lowercase hex HMAC-SHA256 of the raw body,
keyed with the key's UTF-8 bytes, as Spike's token exchange signs. If Spike's real deliveries
differ (`spike-kit webhook verify` checks a captured one), `body_signature` is the line to
change: the client's verifier (this file is copied into it as `_webhook_signature.py`), the
mock's deliveries and the kit's receiver check all sign or verify through it.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Body-Signature"
SIGNATURE_HEX_DIGITS = 64


def body_signature(key: bytes, body: bytes) -> str:
    """The signature Spike sends for `body` (inferred: lowercase hex HMAC-SHA256)."""
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_matches(key: bytes, body: bytes, signature: str) -> bool:
    """Whether `signature` is the one for `body`, compared in constant time.

    Hex digits in either case are the same signature; anything but 64 ASCII hex digits is
    refused before any comparison (its length is no secret).
    """
    if len(signature) != SIGNATURE_HEX_DIGITS or not signature.isascii():
        return False
    expected = body_signature(key, body).encode("ascii")
    return hmac.compare_digest(expected, signature.lower().encode("ascii"))
