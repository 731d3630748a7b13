"""`python -m spike_kit`: the `spike-kit` command (see `spike_kit.cli`)."""

import sys

from spike_kit.cli import main

sys.exit(main())
