# Edit openapi/generator/runtime/_webhook_errors.py, not the copy in generated/.
"""The errors of reading a webhook delivery: one class per reason to refuse it.

They join the client's tree under `SpikeError`; catch `WebhookError` to refuse every
delivery that cannot be trusted or read, and answer with its `status` (Spike retries anything
but 200, so a refused genuine delivery comes again; a forged one does not matter). Each takes
only its message, which never holds the key, the signature or the body, so an error can be
logged, pickled and sent to another process without carrying a secret.
"""

from __future__ import annotations

from typing import ClassVar

from ._exceptions import SpikeError


class WebhookError(SpikeError):
    """Raised when a webhook delivery cannot be trusted or read; refuse it with `status`."""

    status: ClassVar[int] = 400
    """The HTTP status to answer with."""


class WebhookSignatureError(WebhookError):
    """Raised when the delivery's signature does not prove it came from Spike."""

    status: ClassVar[int] = 401


class MissingSignatureError(WebhookSignatureError):
    """Raised when the `X-Body-Signature` header is absent, empty or given twice."""


class BadSignatureError(WebhookSignatureError):
    """Raised when the signature is not the body's under the webhook signature key: forged,
    the body changed on the way, or signed with another key (check which key is configured)."""


class WebhookTooLargeError(WebhookError):
    """Raised when the body is over the size cap, before anything else is done with it."""

    status: ClassVar[int] = 413


class WebhookNotJSONError(WebhookError):
    """Raised when a correctly signed body is not UTF-8 JSON."""


class WebhookShapeError(WebhookError):
    """Raised when a correctly signed body is JSON but not the contract's `WebhookDelivery`
    (not an array of events, an event without `application_user_id`, a malformed time...)."""

    status: ClassVar[int] = 422


__all__ = [
    "BadSignatureError",
    "MissingSignatureError",
    "WebhookError",
    "WebhookNotJSONError",
    "WebhookShapeError",
    "WebhookSignatureError",
    "WebhookTooLargeError",
]
