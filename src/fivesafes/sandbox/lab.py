"""A JupyterLab session in the sandbox: its folders, its configuration, its command, readiness.

Framework-free. A session is an ordinary sandboxed run (`SandboxSpec`, started by a `Spawner`)
whose command is `jupyter lab`, with two extra folders:

    /run/lab              the session's socket folder (host: <sessions>/<key>/run, 0700, owned by
                          the sandbox's user); jupyter-server listens on /run/lab/jupyter.sock
                          and on nothing else: no TCP port, and no network in the sandbox anyway
    /opt/session/config   read-only: jupyter_server_config.json (with the session's token),
                          labconfig/page_config.json (download and export commands disabled)
                          and the kernel specs (Python, R)
    /opt/session/share    read-only: the analysis environment's share/jupyter (JupyterLab's
                          static application and prebuilt extensions)

The token is written only to the 0400 configuration file on the host; the proxy reads it from
there and injects it. It is never on a command line (the host's `ps` shows bwrap's arguments)
and never shown to anyone. Terminals are off: a terminal would run inside the sandbox like a
kernel, but a kernel already gives the researcher everything a terminal would, and one fewer
websocket kind is one fewer thing to check.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fivesafes.sandbox.bwrap import ANALYSIS_PYTHON
from fivesafes.sandbox.spec import Limits, Mount, ProjectAreas, SandboxError, SandboxSpec

INSIDE_RUN = "/run/lab"
INSIDE_CONFIG = "/opt/session/config"
INSIDE_SHARE = "/opt/session/share"
SOCKET_NAME = "jupyter.sock"
CONFIG_NAME = "jupyter_server_config.json"
IOPUB_MESSAGES_PER_SECOND = 1000.0
IOPUB_BYTES_PER_SECOND = 1_000_000.0
ROOT_DIR = "/project"
MAX_SOCKET_PATH = 100  # a Unix socket's path must fit in 108 bytes
UPSTREAM = (
    "http://localhost"  # the Host jupyter-server is asked as (a local name: it refuses others)
)

# JupyterLab plug-ins turned off: every command that hands a file to the browser as a download
# or an export (R20), the raw-file browser tab, the extension manager, and terminals.
DISABLED_EXTENSIONS = (
    "@jupyterlab/docmanager-extension:download",
    "@jupyterlab/filebrowser-extension:download",
    "@jupyterlab/filebrowser-extension:open-browser-tab",
    "@jupyterlab/notebook-extension:export",
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/apputils-extension:announcements",  # asks to fetch news; there is no network
    "@jupyterlab/terminal-extension",
)

KERNELS = {
    "python3": {
        "argv": [ANALYSIS_PYTHON, "-s", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3",
        "language": "python",
    },
    "ir": {
        "argv": ["/usr/bin/R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
        "display_name": "R",
        "language": "R",
    },
}


def base_url_for(project: str) -> str:
    """Where fivesafes serves the project's JupyterLab: the proxy's prefix."""
    return f"/workspace/{project}/lab/"


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class LabFolders:
    """The host folders of one session: <sessions>/<key>/{run,config}."""

    root: Path

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def socket(self) -> Path:
        return self.run / SOCKET_NAME

    def token(self) -> str:
        """The session's token, read from its configuration (server side only)."""
        try:
            data = json.loads((self.config / CONFIG_NAME).read_text(encoding="utf-8"))
            return str(data["IdentityProvider"]["token"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SandboxError("the session's token cannot be read") from error

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def server_config(*, token: str, base_url: str) -> dict[str, object]:
    return {
        "ServerApp": {
            "sock": f"{INSIDE_RUN}/{SOCKET_NAME}",
            "sock_mode": "0600",
            "root_dir": ROOT_DIR,
            "base_url": base_url,
            "open_browser": False,
            "terminals_enabled": False,
            "allow_root": False,
            "quit_button": False,
            "tornado_settings": {"headers": {"X-Frame-Options": "SAMEORIGIN"}},
        },
        "IdentityProvider": {"token": token},
        "KernelSpecManager": {"ensure_native_kernel": False, "allowed_kernelspecs": list(KERNELS)},
        "ContentsManager": {"allow_hidden": False},
        # A kernel that prints without end: JupyterLab passes at most this much output on
        # (and says so in the notebook), and keeps none in memory for a browser that is away.
        "ZMQChannelsWebsocketConnection": {
            "limit_rate": True,
            "iopub_msg_rate_limit": IOPUB_MESSAGES_PER_SECOND,
            "iopub_data_rate_limit": IOPUB_BYTES_PER_SECOND,
            "rate_limit_window": 3.0,
        },
        "MappingKernelManager": {"buffer_offline_messages": False},
        "LabApp": {"check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
    }


def _write(path: Path, content: str, mode: int) -> None:
    path.write_text(content, encoding="utf-8")
    path.chmod(mode)


def prepare_folders(
    sessions: Path, key: str, *, token: str, base_url: str, owner: tuple[int, int]
) -> LabFolders:
    """Create the session's folders: `run` (0700) and `config` (0500, files 0400), owned by the
    sandbox's user `owner`, inside `sessions` (0711, so only that user reaches them)."""
    if not key.isalnum():
        raise SandboxError(f"{key!r} is not a session key")
    sessions.mkdir(parents=True, exist_ok=True, mode=0o711)
    folders = LabFolders(sessions / key)
    if len(str(folders.socket)) > MAX_SOCKET_PATH:
        raise SandboxError(
            f"not started: the session folder {sessions} is too deep for a Unix socket; "
            "an administrator sets FIVESAFES_LAB_SESSIONS_DIR to a shorter path"
        )
    folders.root.mkdir(mode=0o700)
    folders.run.mkdir(mode=0o700)
    config = folders.config
    config.mkdir(mode=0o700)
    _write(config / CONFIG_NAME, json.dumps(server_config(token=token, base_url=base_url)), 0o400)
    # jupyter-core "migrates" an old ~/.ipython (which the kernel makes in the member's private
    # folder) once, marking it here; the folder is read-only inside, so it is marked done now.
    _write(config / "migrated", "", 0o444)
    (config / "labconfig").mkdir(mode=0o700)
    page = {"disabledExtensions": dict.fromkeys(DISABLED_EXTENSIONS, True)}
    _write(config / "labconfig" / "page_config.json", json.dumps(page), 0o444)
    for name, spec in KERNELS.items():
        folder = config / "data" / "kernels" / name
        folder.mkdir(parents=True, mode=0o700)
        _write(folder / "kernel.json", json.dumps(spec), 0o444)
    uid, gid = owner
    for path in sorted(folders.root.rglob("*"), reverse=True):
        if path.is_dir():
            path.chmod(0o500 if config in (path, *path.parents) else 0o700)
    config.chmod(0o500)
    if (uid, gid) != (os.getuid(), os.getgid()):
        for path in (folders.root, *folders.root.rglob("*")):
            os.chown(path, uid, gid)
    return folders


def lab_spec(
    areas: ProjectAreas, limits: Limits, folders: LabFolders, jupyter_share: Path
) -> SandboxSpec:
    """The sandboxed run of one session: `jupyter lab` on the socket, in /project."""
    if not (jupyter_share / "lab" / "static").is_dir():
        raise SandboxError(
            f"not started: JupyterLab's application is missing ({jupyter_share}/lab/static)"
        )
    return SandboxSpec(
        areas=areas,
        command=(ANALYSIS_PYTHON, "-s", "-m", "jupyterlab", "--no-browser"),
        limits=limits,
        workdir=ROOT_DIR + "/files",
        mounts=(
            Mount(folders.run, INSIDE_RUN, writable=True),
            Mount(folders.config, INSIDE_CONFIG),
            Mount(jupyter_share, INSIDE_SHARE),
        ),
        environment=(
            ("JUPYTER_CONFIG_DIR", INSIDE_CONFIG),
            ("JUPYTER_CONFIG_PATH", INSIDE_CONFIG),
            ("JUPYTER_PATH", f"{INSIDE_CONFIG}/data:{INSIDE_SHARE}"),
            ("JUPYTERLAB_DIR", f"{INSIDE_SHARE}/lab"),
            ("JUPYTER_DATA_DIR", "/tmp/jupyter/data"),
            ("JUPYTER_RUNTIME_DIR", "/tmp/jupyter/runtime"),
            ("JUPYTER_PLATFORM_DIRS", "1"),
        ),
    )


def status_path(base_url: str) -> str:
    return f"{base_url}api/status"


def wait_ready(
    folders: LabFolders,
    base_url: str,
    *,
    timeout: float,
    alive: Callable[[], bool],
    poll: float = 0.1,
) -> float:
    """Wait until the session's socket answers `/api/status` with its token; the seconds it
    took. Raises SandboxError when the run ended first or `timeout` passed."""
    import httpx

    token = folders.token()
    began = time.monotonic()
    transport = httpx.HTTPTransport(uds=str(folders.socket))
    with httpx.Client(transport=transport, timeout=2.0) as client:
        while time.monotonic() - began < timeout:
            if not alive():
                raise SandboxError("the JupyterLab server ended while starting")
            if folders.socket.exists():
                try:
                    answer = client.get(
                        f"{UPSTREAM}{status_path(base_url)}",
                        headers={"Authorization": f"token {token}"},
                    )
                except httpx.HTTPError:
                    pass
                else:
                    if answer.status_code == 200:
                        return time.monotonic() - began
            time.sleep(poll)
    raise SandboxError(f"the JupyterLab server did not answer within {timeout:.0f} s")
