"""The clients that every endpoint function takes; defined in `_client`."""

from ._client import AuthenticatedClient, Client

__all__ = ["AuthenticatedClient", "Client"]
