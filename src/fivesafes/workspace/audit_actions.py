"""The audit actions the workspace room records; what each means in words (see
`fivesafes.audit.actions`). The run's steps (`workspace.run.<step>`) are written by its
state machine."""

ACTIONS = {
    "workspace.run_started": "A member started a batch run of a script in the project's sandbox",
    "workspace.run_stop_requested": (
        "A running batch run was asked to stop (by its member, by staff, or because access ended)"
    ),
    "workspace.file_saved": "A member saved a text file in the project's workspace",
    "workspace.file_uploaded": "A member uploaded a small code or text file into the workspace",
    "workspace.file_deleted": "A member deleted a file of the project's workspace",
    "workspace.sql_console": "A member ran a read-only SQL query over the project's data",
    "workspace.limits_set": "Staff set the sandbox limits of a project's workspace",
    "workspace.access_ended": (
        "A person's (or a project's) access ended: their runs were stopped at once"
    ),
    "workspace.storage_measured": (
        "The periodic job measured the storage of every active project's workspace"
    ),
    "workspace.lost_runs_settled": (
        "The periodic job recorded as failed the runs whose worker had died"
    ),
    # JupyterLab sessions (issue 13)
    "lab_session.start": "A member asked for a JupyterLab session in the project's sandbox",
    "lab_session.started": "A JupyterLab session answered on its socket and is ready",
    "lab_session.start_failed": "A JupyterLab session could not be started (no session runs)",
    "lab_session.stopped": "A JupyterLab session was stopped (by its owner, staff or a rule)",
    "lab_session.culled": "An idle JupyterLab session was stopped",
    "lab_session.exited": "A JupyterLab session's server ended on its own or was lost",
    "lab_session.refused": "The JupyterLab proxy refused a request (the reason says which rule)",
    "lab_session.stream_closed": (
        "The JupyterLab proxy closed a stream: access ended, an output too large, or the session "
        "did not answer"
    ),
}
