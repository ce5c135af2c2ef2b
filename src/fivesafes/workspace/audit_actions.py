"""The audit actions the workspace records, in words (see `fivesafes.audit.actions`)."""

ACTIONS = {
    # JupyterLab sessions (issue 13)
    "lab_session.start": "A member asked for a JupyterLab session in the project's sandbox",
    "lab_session.started": "A JupyterLab session answered on its socket and is ready",
    "lab_session.start_failed": "A JupyterLab session could not be started (no session runs)",
    "lab_session.stopped": "A JupyterLab session was stopped (by its owner, staff or a rule)",
    "lab_session.culled": "An idle JupyterLab session was stopped",
    "lab_session.exited": "A JupyterLab session's server ended on its own or was lost",
    "lab_session.refused": "The JupyterLab proxy refused a request (the reason says which rule)",
    "lab_session.stream_closed": "The JupyterLab proxy closed an open stream: access ended",
}
