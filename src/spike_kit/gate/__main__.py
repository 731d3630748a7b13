"""`python -m spike_kit.gate`: the gate (see `spike_kit.gate.cli`)."""

import sys

from spike_kit.gate.cli import main

sys.exit(main())
