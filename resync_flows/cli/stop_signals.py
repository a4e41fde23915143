"""A clean, bounded stop for a long-running command on Ctrl-C or SIGTERM.

SIGTERM becomes the same interrupt as Ctrl-C, once. While a flow runs, Prefect's engine puts
its own SIGTERM handler in place (it marks the run crashed, then sends the signal again, to
ours), so the interrupt may surface as Prefect's ``TerminationSignal`` instead of
``KeyboardInterrupt``: :func:`stop_exceptions` names both.

Teardown is bounded. Threads still blocked on a TWS that does not answer, and the interpreter
joining them at exit, could otherwise hold a stopped process for as long as a client timeout,
past a service manager's patience (systemd's 90 s, Kubernetes' 30 s grace period). A daemon
watchdog ends the process after ``grace_seconds`` from the first signal. Nothing is lost: a
poll cycle commits in one transaction, and a temporary Prefect server dies with its parent.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


def stop_exceptions() -> tuple[type[BaseException], ...]:
    """What a stop signal surfaces as (Prefect is imported only once a command needs it)."""
    from prefect.exceptions import TerminationSignal

    return (KeyboardInterrupt, TerminationSignal)


@dataclass
class StopRequest:
    """The signals received while the block ran; the first decides the exit code."""

    signals: list[int] = field(default_factory=list)

    def exit_code(self, error: BaseException | None = None) -> int:
        """128 + the signal number, as a shell reports a process ended by it (130 Ctrl-C)."""
        if self.signals:
            return 128 + self.signals[0]
        stopped_by = getattr(error, "signal", None)  # Prefect's TerminationSignal
        if isinstance(stopped_by, int):
            return 128 + stopped_by
        return 128 + signal.SIGINT


def _end_after(seconds: float, exit_code: int) -> None:
    def end() -> None:
        sys.stderr.write(f"stopped: teardown took longer than {seconds:g} s, exiting now\n")
        sys.stderr.flush()
        os._exit(exit_code)  # skips the joins of threads a hanging peer still holds

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


@contextmanager
def graceful_stop(grace_seconds: float) -> Iterator[StopRequest]:
    """Make Ctrl-C and SIGTERM one interrupt for the block, and bound the teardown after it.

    Only the first signal interrupts; later ones (a second SIGTERM from the service manager,
    the one Prefect hands back) are recorded and leave the teardown under way alone.
    """
    request = StopRequest()

    def interrupt(signum: int, _frame: object) -> None:
        request.signals.append(signum)
        if len(request.signals) == 1:
            _end_after(grace_seconds, 128 + signum)
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
