"""`/api/v1/workspace/...`: batch runs and the outputs' names (see `runs.py`)."""

from fivesafes.workspace.api.runs import router

__all__ = ["router"]
