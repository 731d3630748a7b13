"""`python -m spike_kit.mock`: the same as the `spike-mock` command."""

from spike_kit.mock.cli import main

raise SystemExit(main())
