"""``resync-flows simulator`` refuses ports outside 1-65535 with a clear error, not a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from resync_flows.cli import app

runner = CliRunner()


@pytest.mark.parametrize("port", ["70000", "0", "-1"])
def test_a_port_outside_1_to_65535_is_a_usage_error(port: str) -> None:
    result = runner.invoke(app, ["simulator", "--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
