"""The workspace's records: batch runs (`runs`), per-project limits (`limits`) and
JupyterLab sessions (`lab`)."""

from fivesafes.workspace.models.lab import *  # noqa: F403
from fivesafes.workspace.models.limits import *  # noqa: F403
from fivesafes.workspace.models.runs import *  # noqa: F403
