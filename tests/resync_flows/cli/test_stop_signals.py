"""A stop signal ends a command within its grace period, whatever still blocks its exit."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from resync_flows.cli.stop_signals import StopRequest

# A command that, once interrupted, would wait forever at exit for a thread stuck on a peer
# that never answers (as the interpreter joins executor threads).
_STUCK_AT_EXIT = textwrap.dedent(
    """
    import sys, threading, time
    from resync_flows.cli.stop_signals import graceful_stop

    with graceful_stop(grace_seconds=1.0) as stop:
        threading.Thread(target=threading.Event().wait).start()
        try:
            print("ready", flush=True)
            time.sleep(600)
        except KeyboardInterrupt:
            print("stopped", flush=True)
            code = stop.exit_code()
    sys.exit(code)
    """
)


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_ends_the_process_within_its_grace_period(
    sent: signal.Signals, code: int
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _STUCK_AT_EXIT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    process.send_signal(sent)
    started = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 15
    assert process.returncode == code, stderr
    assert stdout == "stopped\n"
    assert "teardown took longer than 1 s" in stderr


def test_the_first_signal_decides_the_exit_code() -> None:
    assert StopRequest([signal.SIGTERM, signal.SIGINT]).exit_code() == 143
    assert StopRequest().exit_code() == 130


def test_prefect_termination_names_its_signal_when_none_reached_us() -> None:
    from prefect.exceptions import TerminationSignal

    assert StopRequest().exit_code(TerminationSignal(signal.SIGTERM)) == 143
