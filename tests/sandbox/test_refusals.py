"""Nothing runs unsandboxed: when the sandbox cannot be had as specified, the run is refused."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from fivesafes.sandbox import (
    LocalBubblewrapSpawner,
    SandboxError,
    SandboxSpec,
    Stop,
    batch_command,
    bwrap_invocation,
)
from fivesafes.sandbox import spawner as spawner_module
from fivesafes.sandbox.outcome import describe
from tests.sandbox.conftest import FAST, World


def _spec(world: World) -> SandboxSpec:
    return SandboxSpec(world.areas, batch_command("python", "/project/files/x.py"), FAST)


def test_missing_bubblewrap_is_refused_with_a_clear_message(world: World) -> None:
    python = LocalBubblewrapSpawner.from_environment().python
    spawner = LocalBubblewrapSpawner(python, bwrap="/nonexistent/bwrap", run_as=(61000, 61000))
    with pytest.raises(SandboxError, match="bubblewrap is not installed"):
        spawner.start(_spec(world))
    assert not list(world.areas.outputs.parent.glob("outputs/*"))


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root server can forget the sandbox user")
def test_a_root_server_without_a_sandbox_user_is_refused(world: World) -> None:
    python = LocalBubblewrapSpawner.from_environment().python
    with pytest.raises(SandboxError, match="process limit cannot be applied"):
        LocalBubblewrapSpawner(python, run_as=None).start(_spec(world))
    with pytest.raises(SandboxError, match="may not run as root"):
        LocalBubblewrapSpawner(python, run_as=(0, 0)).start(_spec(world))


def test_a_limit_above_the_servers_own_hard_limit_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resource.getrlimit

    def lower(kind: int) -> tuple[int, int]:
        return (10, 10) if kind == resource.RLIMIT_NPROC else real(kind)

    monkeypatch.setattr(spawner_module.resource, "getrlimit", lower)
    with pytest.raises(SandboxError, match="processes limit of 40 cannot be applied"):
        LocalBubblewrapSpawner.from_environment().start(_spec(world))


def test_a_limit_the_launcher_cannot_apply_means_nothing_ran() -> None:
    result = describe(
        returncode=125,
        report={"limits_failed": "the processes limit could not be applied: not applied"},
        head=["fivesafes-sandbox: the processes limit could not be applied: not applied"],
        tail=[],
        stopped_by_supervisor=None,
        cancel_note="",
        limits=FAST,
        cpu_seconds=0.0,
        max_rss_bytes=0,
        wall_seconds=0.1,
    )
    assert result.stop is Stop.NOT_STARTED
    assert result.words == "not run: the processes limit could not be applied: not applied"


def test_a_missing_data_folder_or_a_linked_area_is_refused(world: World) -> None:
    spawner = LocalBubblewrapSpawner.from_environment()
    world.areas.outputs.mkdir(parents=True, exist_ok=True)
    world.areas.outputs.rmdir()
    world.areas.outputs.symlink_to(world.other.files)
    with pytest.raises(SandboxError, match="outputs area is a symbolic link"):
        spawner.start(_spec(world))
    data = world.areas.data
    data.rename(data.with_name("elsewhere"))
    with pytest.raises(SandboxError, match="has no data folder"):
        spawner.start(_spec(world))


def test_a_bwrap_that_fails_to_set_up_is_reported_as_not_run(world: World) -> None:
    spawner = LocalBubblewrapSpawner.from_environment()
    spawner.python = type(spawner.python)(
        venv=spawner.python.venv,
        interpreter=spawner.python.interpreter,
        interpreter_prefix=Path("/nonexistent-python-prefix"),
    )
    (world.areas.files / "x.py").write_text("print('ran')")
    handle = spawner.start(_spec(world))
    result = handle.wait(timeout=20)
    assert result is not None
    assert result.stop is Stop.NOT_STARTED, result
    assert result.words.startswith("not run: the sandbox could not be set up (Can't find source")
    assert "ran" not in list(handle.lines())


def test_the_command_line_names_every_isolation_option(world: World) -> None:
    python = LocalBubblewrapSpawner.from_environment().python
    argv = bwrap_invocation(_spec(world), python, launcher_source="").argv
    end = argv.index("--")
    options = argv[:end]
    for option in (
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--as-pid-1",
    ):
        assert option in options
    assert options[options.index("--cap-drop") + 1] == "ALL"
    assert "--share-net" not in options
    ro = {options[i + 2] for i, a in enumerate(options) if a == "--ro-bind"}
    rw = {options[i + 2] for i, a in enumerate(options) if a == "--bind"}
    assert "/project/data" in ro and "/usr" in ro
    assert rw == {"/project/files", "/project/private", "/project/outputs"}
    assert str(world.root) not in " ".join(options[options.index("--remount-ro") :])
    assert not any(str(world.other.data) in a or str(world.key_file) in a for a in argv)
