from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="IntegrationRedirectBack")


@_attrs_define
class IntegrationRedirectBack:
    """The query parameters Spike adds to `redirect_uri` (or to the application's default
    redirect URL) when it sends the user's browser back after the provider's consent. No
    `error` means Spike reports success; only a `state` the application issued and signed
    itself says for whom the flow was started. Parameters the redirect URL already had are
    kept beside these.

        Attributes:
            user_id (str): The application user id whose token asked for the integration URL (the
                `application_user_id` of `POST /auth/hmac`). Anyone can type it into a URL: trust it
                only when a signed `state` names the same user.
            provider_slug (str): A provider's canonical lowercase name; open to values this contract does not list.
            state (str | Unset): The `state` given to `init_url`, unchanged; absent when none was given.
            error (str | Unset): Present when the integration failed (for example the user refused consent): Spike's
                text for why, such as `access_denied`.
    """

    user_id: str
    provider_slug: str
    state: str | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        provider_slug = self.provider_slug

        state = self.state

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "provider_slug": provider_slug,
            }
        )
        if state is not UNSET:
            field_dict["state"] = state
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        provider_slug = d.pop("provider_slug")

        state = d.pop("state", UNSET)

        error = d.pop("error", UNSET)

        integration_redirect_back = cls(
            user_id=user_id,
            provider_slug=provider_slug,
            state=state,
            error=error,
        )

        integration_redirect_back.additional_properties = d
        return integration_redirect_back

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
