"""A client library for accessing Spike API v3 - provider integration"""

from ._application import ApplicationClient, UserClient
from ._retry import RetryPolicy
from .auth import aexchange_token, exchange_token, sign_application_user_id
from .client import AuthenticatedClient, Client
from .errors import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContractError,
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    SpikeError,
    UnsafeRedirectError,
)

__version__ = "1.0.0"

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "ApplicationClient",
    "AuthenticatedClient",
    "AuthenticationError",
    "Client",
    "ContractError",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "SpikeError",
    "UnsafeRedirectError",
    "UserClient",
    "__version__",
    "aexchange_token",
    "exchange_token",
    "sign_application_user_id",
]
