"""The workspace's records: batch runs (`runs`), per-project limits (`limits`),
JupyterLab sessions (`lab`) and the last storage measurement per project (`storage`)."""

from fivesafes.workspace.models.lab import *  # noqa: F403
from fivesafes.workspace.models.limits import *  # noqa: F403
from fivesafes.workspace.models.runs import *  # noqa: F403
from fivesafes.workspace.models.storage import *  # noqa: F403
