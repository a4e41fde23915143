"""A simulated TWS (IBM/HCL Workload Automation) engine serving the REST API v2 over real HTTP.

Start it with :func:`run_simulator` (background thread) or :func:`run_simulator_process`
(child process), or from the command line with ``resync-flows simulator``.
"""

from resync_simulator.config import FaultConfig, SimulatorConfig
from resync_simulator.server import (
    RunningSimulator,
    run_simulator,
    run_simulator_process,
)

__all__ = [
    "FaultConfig",
    "RunningSimulator",
    "SimulatorConfig",
    "run_simulator",
    "run_simulator_process",
]
