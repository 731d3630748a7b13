from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IntegrationInitUrl")


@_attrs_define
class IntegrationInitUrl:
    """Where to send the user's browser to start the provider's consent flow.

    Attributes:
        provider_slug (str): A provider's canonical lowercase name; open to values this contract does not list.
        path (str): Absolute https URL of Spike's consent entry point for this user and provider, with
            a host, a port (if any) within 0-65535, no user info and only visible ASCII (the
            rest percent-encoded). Redirect
            the user's browser here; the client checks it before use. Plain http is allowed
            only on loopback, for local mock servers.
    """

    provider_slug: str
    path: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider_slug = self.provider_slug

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider_slug": provider_slug,
                "path": path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider_slug = d.pop("provider_slug")

        path = d.pop("path")

        integration_init_url = cls(
            provider_slug=provider_slug,
            path=path,
        )

        integration_init_url.additional_properties = d
        return integration_init_url

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
