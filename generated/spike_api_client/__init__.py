"""A client library for accessing Spike API v3 - provider integration"""

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
    ServerError,
    SpikeError,
    UnexpectedStatus,
    UnsafeRedirectError,
)

__version__ = "0.2.0"

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticatedClient",
    "AuthenticationError",
    "Client",
    "ContractError",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "SpikeError",
    "UnexpectedStatus",
    "UnsafeRedirectError",
    "__version__",
    "aexchange_token",
    "exchange_token",
    "sign_application_user_id",
]
