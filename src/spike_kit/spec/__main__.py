import sys

from spike_kit.spec.check import main

sys.exit(main(prog="python -m spike_kit.spec"))
