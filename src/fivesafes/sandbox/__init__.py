"""The sandbox: every piece of researchers' code runs under bubblewrap (R20, R21).

Framework-free (no Django). `SandboxSpec` says what one run sees and may use, `bwrap` turns it
into a bubblewrap command line, `LocalBubblewrapSpawner` starts and supervises runs, and
`RunResult` says how a run ended, in words. docs/workspace/sandbox.md explains the design.
"""

from fivesafes.sandbox.bwrap import AnalysisPython, bwrap_invocation
from fivesafes.sandbox.outcome import RunResult, Stop
from fivesafes.sandbox.spawner import (
    BATCH_KINDS,
    LocalBubblewrapSpawner,
    RunHandle,
    Spawner,
    batch_command,
)
from fivesafes.sandbox.spec import GB, MB, Limits, ProjectAreas, SandboxError, SandboxSpec

__all__ = [
    "BATCH_KINDS",
    "GB",
    "MB",
    "AnalysisPython",
    "Limits",
    "LocalBubblewrapSpawner",
    "ProjectAreas",
    "RunHandle",
    "RunResult",
    "SandboxError",
    "SandboxSpec",
    "Spawner",
    "Stop",
    "batch_command",
    "bwrap_invocation",
]
