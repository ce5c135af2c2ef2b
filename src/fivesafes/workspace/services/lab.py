"""JupyterLab sessions: start, stop, cull, and what the workspace pages show of them."""

from __future__ import annotations

from typing import Any


def stop_sessions(
    *, person: Any = None, project: Any = None, reason: str, actor: Any = None
) -> int:
    """Stop the running sessions of `person` (in `project`, or everywhere); how many stopped."""
    return 0


def panel_context(person: Any, project: Any) -> dict[str, Any]:
    """What the member's workspace page shows of their sessions (`workspace/_lab_panel.html`)."""
    return {}


def staff_context() -> dict[str, Any]:
    """What the staff overview shows of running sessions (`workspace/_lab_staff.html`)."""
    return {}
