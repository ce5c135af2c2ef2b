"""JupyterLab sessions of a project member (see fivesafes.workspace.services.lab)."""

__all__: list[str] = []
