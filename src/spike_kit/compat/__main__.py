"""`python -m spike_kit.compat`: the compatibility check, also outside a kit checkout."""

import sys

from spike_kit.compat.cli import main

sys.exit(main())
