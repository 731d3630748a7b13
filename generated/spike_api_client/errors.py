"""The client's exceptions; all derive from `SpikeError`. Defined in `_exceptions`."""

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as __all__
