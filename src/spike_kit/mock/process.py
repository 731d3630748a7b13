"""The mock in its own process, for benchmarks and gates that must not share a GIL with it."""

from __future__ import annotations

import selectors
import signal
import subprocess
import sys
from types import TracebackType

from spike_kit.processes import stop_child


class MockProcess:
    """`python -m spike_kit.mock` on a free port of 127.0.0.1; stopped by its own PID on exit.

    `module` runs another server that says `... ready on URL` the same way (the benchmark's
    reference apps).
    """

    def __init__(
        self,
        *extra_args: str,
        ready_within: float = 20.0,
        stop_signal: signal.Signals = signal.SIGTERM,
        module: str = "spike_kit.mock",
    ) -> None:
        self._args = [sys.executable, "-m", module, "--port", "0", *extra_args]
        self._ready_within = ready_within
        self._stop_signal = stop_signal
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> MockProcess:
        process = subprocess.Popen(
            self._args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._process = process
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=self._ready_within)
        line = process.stdout.readline().strip() if ready else ""
        if " ready on " not in line:
            status, stderr = self.stop()
            said = stderr.strip().splitlines()[-20:] or [line or "no output"]
            if status is not None and process.poll() is not None and ready:
                raise RuntimeError(f"{self._args[2]} exited {status}: " + "\n".join(said))
            raise RuntimeError(f"{self._args[2]} did not become ready: " + "\n".join(said))
        self.base_url = line.rsplit(" ", 1)[-1]
        return self

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> tuple[int | None, str]:
        """Stop by signal (SIGTERM unless told), kill after a grace period; (status, stderr)."""
        process, self._process = self._process, None
        if process is None:
            return None, ""
        stop_child(process, self._stop_signal)
        _, stderr = process.communicate(timeout=10)
        return process.returncode, stderr

    def __enter__(self) -> MockProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
