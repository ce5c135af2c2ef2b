"""The authenticating, asynchronous JupyterLab proxy (`LabProxy`, mounted in fivesafes.asgi).

`rules` says by rule what may pass (no Django); `access` asks Django who is asking and the
access rule; `app` is the ASGI application that forwards to the session's Unix socket.
"""

from fivesafes.workspace.proxy.app import LabProxy

__all__ = ["LabProxy"]
