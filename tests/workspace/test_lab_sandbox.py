"""The sandbox side of a JupyterLab session, without starting one: where its folders go and who
owns them, what its configuration says, where the token is (and is not), and what the spec
lets a session add to the sandbox."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from fivesafes.sandbox import Limits, ProjectAreas, SandboxError, SandboxSpec, bwrap_invocation, lab
from fivesafes.sandbox.bwrap import AnalysisPython
from fivesafes.sandbox.spec import Mount

OWNER = (os.getuid(), os.getgid())


def folders(tmp_path: Path) -> lab.LabFolders:
    return lab.prepare_folders(
        tmp_path / "s", "abc123", token="secret-token", base_url="/workspace/P-1/lab/", owner=OWNER
    )


def test_the_folders_are_private_and_the_configuration_read_only(tmp_path: Path) -> None:
    made = folders(tmp_path)
    assert stat.S_IMODE(made.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.run.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.config.stat().st_mode) == 0o500
    config_file = made.config / lab.CONFIG_NAME
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o400
    assert made.token() == "secret-token"


def test_the_server_listens_on_the_socket_only_without_terminals(tmp_path: Path) -> None:
    made = folders(tmp_path)
    config = json.loads((made.config / lab.CONFIG_NAME).read_text())
    server = config["ServerApp"]
    assert server["sock"] == "/run/lab/jupyter.sock" and "port" not in server
    assert server["terminals_enabled"] is False and server["root_dir"] == "/project"
    assert server["base_url"] == "/workspace/P-1/lab/"
    assert config["KernelSpecManager"]["allowed_kernelspecs"] == ["python3", "ir"]
    page = json.loads((made.config / "labconfig" / "page_config.json").read_text())
    for plugin in (
        "@jupyterlab/docmanager-extension:download",
        "@jupyterlab/filebrowser-extension:download",
        "@jupyterlab/notebook-extension:export",
    ):
        assert page["disabledExtensions"][plugin] is True


def test_a_socket_path_too_long_for_the_kernel_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="too deep"):
        lab.prepare_folders(tmp_path / ("x" * 120), "abc", token="t", base_url="/", owner=OWNER)


def test_the_token_is_not_on_the_command_line(tmp_path: Path) -> None:
    made = folders(tmp_path)
    areas = ProjectAreas.under(tmp_path, "P-1", "m1")
    share = tmp_path / "share"
    (share / "lab" / "static").mkdir(parents=True)
    spec = lab.lab_spec(areas, Limits(), made, share)
    python = AnalysisPython.from_venv(Path(sys.prefix))
    invocation = bwrap_invocation(spec, python, launcher_source="")
    assert "secret-token" not in " ".join(invocation.argv)
    assert "secret-token" not in json.dumps(invocation.env)
    argv = invocation.argv
    mounts = {(argv[i], argv[i + 1], argv[i + 2]) for i in range(len(argv) - 2)}
    assert ("--bind", str(made.run), "/run/lab") in mounts
    assert ("--ro-bind", str(made.config), "/opt/session/config") in mounts


def test_a_spec_adds_only_session_folders_and_jupyter_variables(tmp_path: Path) -> None:
    areas = ProjectAreas.under(tmp_path, "P-1", "m1")
    for inside in ("/project/data", "/etc", "/usr/lib", "/run/../etc", "/opt/analysis"):
        with pytest.raises(SandboxError):
            Mount(tmp_path, inside)
    with pytest.raises(SandboxError):
        SandboxSpec(areas, ("python",), environment=(("LD_PRELOAD", "/x.so"),))
    SandboxSpec(areas, ("python",), environment=(("JUPYTER_PATH", "/x"),))
