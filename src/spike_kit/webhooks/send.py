"""Sending signed webhook deliveries by hand: to a team's ASGI app in-process, or to a URL.

The `spike_webhooks` pytest fixture hands out a `WebhookDeliverer`, and `spike-kit webhook
check` sends its cases through the same code. Each call is one POST, answered or not: no
retries here (the mock's deliveries retry; see `spike_kit.mock.webhooks`). Needs the kit's
`mock` extra (httpx), imported when a target is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spike_kit.mock.settings import DEFAULT_WEBHOOK_KEY, bundled_spec_path
from spike_kit.webhooks import events as build
from spike_kit.webhooks.contract import WebhookContract
from spike_kit.webhooks.events import SignedDelivery, sign, signed_delivery

if TYPE_CHECKING:
    import httpx


class WebhookTarget:
    """One receiver: POSTs signed (or deliberately broken) deliveries to it."""

    def __init__(
        self,
        deliverer: WebhookDeliverer,
        url: str,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._deliverer = deliverer
        self.url = url
        self._transport = transport
        self._async_transport = async_transport

    def deliver(
        self, events: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> httpx.Response:
        """POST `events` signed with the deliverer's key, as Spike would; the answer."""
        return self.post(self._deliverer.signed(events), timeout=timeout)

    async def adeliver(
        self, events: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> httpx.Response:
        return await self.apost(self._deliverer.signed(events), timeout=timeout)

    def post(
        self,
        delivery: SignedDelivery,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """POST any body with any headers (default: the delivery's own), for hostile cases."""
        import httpx

        limit = self._deliverer.contract.answer_within if timeout is None else timeout
        with httpx.Client(transport=self._transport, trust_env=False, timeout=limit) as client:
            return client.post(
                self.url, content=delivery.body, headers=dict(headers or delivery.headers)
            )

    async def apost(
        self,
        delivery: SignedDelivery,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        import httpx

        limit = self._deliverer.contract.answer_within if timeout is None else timeout
        async with httpx.AsyncClient(
            transport=self._async_transport, trust_env=False, timeout=limit
        ) as client:
            return await client.post(
                self.url, content=delivery.body, headers=dict(headers or delivery.headers)
            )

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class WebhookDeliverer:
    """Makes Spike's events, signs them with `key`, and sends them to a receiver.

    key: the webhook signature key the receiver verifies with (default: the mock's public
        test key, `spike_kit.mock.settings.DEFAULT_WEBHOOK_KEY`).
    spec: the contract whose events these are (default: the one bundled with the kit); every
        delivery made through `signed` is checked against it first.
    """

    def __init__(self, key: str = DEFAULT_WEBHOOK_KEY, spec: Path | None = None) -> None:
        if not key:
            raise ValueError("the webhook key is empty")
        self._key = key
        self.contract = WebhookContract.from_spec(spec or bundled_spec_path())
        self._targets: list[WebhookTarget] = []

    def __repr__(self) -> str:
        return "WebhookDeliverer(key=<hidden>)"

    # Events ---------------------------------------------------------------------------------
    event = staticmethod(build.event)
    record_change = staticmethod(build.record_change)

    @staticmethod
    def integration_created(application_user_id: str, provider_slug: str) -> dict[str, Any]:
        return build.event(build.INTEGRATION_CREATED, application_user_id, provider_slug)

    @staticmethod
    def integration_deleted(application_user_id: str, provider_slug: str) -> dict[str, Any]:
        return build.event(build.INTEGRATION_DELETED, application_user_id, provider_slug)

    def signed(self, events: Sequence[Mapping[str, Any]]) -> SignedDelivery:
        """`events` as a signed delivery; ValueError if the contract does not allow them."""
        listed = [dict(item) for item in events]
        problem = self.contract.problem(listed)
        if problem is not None:
            raise ValueError(f"not a delivery the contract allows: {problem}")
        return signed_delivery(listed, self._key)

    def signed_body(self, body: bytes) -> SignedDelivery:
        """Any bytes, signed with the key (a body that is not JSON, or not UTF-8)."""
        return sign(body, self._key)

    # Targets --------------------------------------------------------------------------------
    def to_app(self, app: Any, path: str = "/") -> WebhookTarget:
        """A team's ASGI app, in-process (httpx's ASGI transports), at `path`."""
        import httpx

        from spike_kit.mock.transports import SyncASGITransport

        target = WebhookTarget(
            self,
            f"http://testserver{path if path.startswith('/') else '/' + path}",
            transport=SyncASGITransport(app),
            async_transport=httpx.ASGITransport(app=app),
        )
        self._targets.append(target)
        return target

    def to_url(self, url: str) -> WebhookTarget:
        """A receiver on the network, at its full webhook URL."""
        target = WebhookTarget(self, url)
        self._targets.append(target)
        return target

    def close(self) -> None:
        for target in self._targets:
            target.close()
        self._targets.clear()
