"""Bad input: each limit stops the job and says so in words; the server carries on."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

from fivesafes.sandbox import MB, LocalBubblewrapSpawner, Stop
from tests.sandbox.conftest import FAST, Ran, World


def _server_still_serves(run: Callable[..., Ran]) -> None:
    ran = run("print('still here')", name="after.py")
    assert ran.result.stop is Stop.FINISHED and "still here" in ran.lines


def test_a_loop_forever_is_stopped_by_the_cpu_limit(run: Callable[..., Ran]) -> None:
    ran = run("while True:\n    pass\n", limits=replace(FAST, cpu_seconds=1, wall_seconds=40))
    assert ran.result.stop is Stop.CPU_LIMIT, (ran.result, ran.text)
    assert ran.result.words == "stopped: it used more than its 1 s CPU-time limit"
    assert ran.result.signal == "SIGXCPU"
    # SIGXCPU is the kernel saying its own count reached the 1 s limit; the rusage figure is
    # sampled per tick and reads lower on a loaded machine (0.898 s in one CI run).
    assert ran.result.cpu_seconds >= 0.75


def test_a_sleeping_job_is_stopped_by_the_wall_clock_limit(run: Callable[..., Ran]) -> None:
    ran = run(
        "import subprocess, time\n"
        "subprocess.Popen(['sleep', '300'])\n"  # a child left behind is stopped as well
        "print('sleeping', flush=True)\n"
        "time.sleep(300)\n",
        limits=replace(FAST, wall_seconds=2),
    )
    assert ran.result.stop is Stop.WALL_CLOCK, (ran.result, ran.text)
    assert ran.result.words == "stopped after its 2 s wall-clock limit"
    assert "sleeping" in ran.lines
    assert ran.result.wall_seconds < 10


def test_a_memory_hog_is_stopped_by_the_memory_limit(run: Callable[..., Ran]) -> None:
    ran = run(
        "hog = []\nwhile True:\n    hog.append(bytearray(20_000_000))\n",
        limits=replace(FAST, memory_bytes=300 * MB),
    )
    assert ran.result.stop is Stop.MEMORY_LIMIT, (ran.result, ran.text)
    assert ran.result.words == "stopped: it used more than its 300 MB memory limit"
    assert ran.result.max_rss_bytes > 150 * MB
    _server_still_serves(run)


def test_a_fork_bomb_is_stopped_by_the_process_limit(run: Callable[..., Ran]) -> None:
    ran = run("import os\nwhile True:\n    os.fork()\n", limits=replace(FAST, processes=20))
    assert ran.result.stop is Stop.PROCESS_LIMIT, (ran.result, ran.text[-2000:])
    assert ran.result.words == "stopped: it tried to run more than its 20 processes and threads"
    _server_still_serves(run)


def test_a_disk_filler_is_stopped_by_the_file_size_limit(run: Callable[..., Ran]) -> None:
    ran = run(
        "with open('/project/outputs/filler.bin', 'wb') as f:\n"
        "    while True:\n"
        "        f.write(b'0' * 100_000)\n"
    )
    assert ran.result.stop is Stop.FILE_SIZE_LIMIT, (ran.result, ran.text)
    assert (
        ran.result.words == "stopped: it tried to write a file larger than its 2 MB file-size limit"
    )


def test_a_shell_disk_filler_dies_of_sigxfsz(run: Callable[..., Ran]) -> None:
    ran = run(
        "import os, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; a shell would not\n"
        "os.execv('/bin/sh', ['sh', '-c', 'exec cat /dev/zero > /project/outputs/zeros'])\n"
    )
    assert ran.result.stop is Stop.FILE_SIZE_LIMIT, (ran.result, ran.text)
    assert ran.result.signal == "SIGXFSZ"


def test_filling_tmp_stops_at_its_size(run: Callable[..., Ran]) -> None:
    ran = run(
        "for i in range(100):\n"
        "    with open(f'/tmp/part{i}', 'wb') as f:\n"
        "        f.write(b'0' * 1_000_000)\n"
    )
    assert ran.result.stop is Stop.DISK_FULL, (ran.result, ran.text)
    assert ran.result.words == "stopped: the space it may write to is full"


def test_cancel_stops_the_whole_sandbox_and_output_streams(
    world: World, spawner: LocalBubblewrapSpawner, run: Callable[..., Ran]
) -> None:
    from fivesafes.sandbox import SandboxSpec, batch_command

    script = world.areas.files / "long.py"
    script.write_text(
        "import subprocess, time\n"
        "subprocess.Popen(['sleep', '300'])\n"
        "for i in range(300):\n"
        "    print('tick', i, flush=True)\n"
        "    time.sleep(0.1)\n"
    )
    spec = SandboxSpec(world.areas, batch_command("python", "/project/files/long.py"), FAST)
    handle = spawner.start(spec)
    lines = handle.lines()
    assert next(lines) == "tick 0"  # streamed while the job runs
    handle.cancel("by the researcher")
    result = handle.wait(timeout=15)
    assert result is not None
    assert result.stop is Stop.CANCELLED
    assert result.words == "cancelled: by the researcher"
    assert result.wall_seconds < 10
    try:
        os.kill(handle.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive


def _processes_running(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def test_the_sandbox_dies_with_the_server_process(world: World) -> None:
    """--die-with-parent: a supervisor that dies leaves no job running."""
    import subprocess
    import sys
    import time

    areas = world.areas
    (areas.files / "orphan_marker.py").write_text(
        "import time\nprint('up', flush=True)\ntime.sleep(300)\n"
    )
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from fivesafes.sandbox import *\n"
            f"areas = ProjectAreas.under(Path({str(world.root)!r}), 'P-2026-001', 'alice')\n"
            "spec = SandboxSpec(areas, batch_command('python', '/project/files/orphan_marker.py'))\n"
            "run = LocalBubblewrapSpawner.from_environment().start(spec)\n"
            "print(next(run.lines()), flush=True)\n"
            "time.sleep(300)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert supervisor.stdout is not None
        assert supervisor.stdout.readline().strip() == "up"
        sandboxed = set(_processes_running("orphan_marker.py")) - {supervisor.pid}
        assert len(sandboxed) >= 2  # bwrap, and the job inside
        supervisor.kill()
        supervisor.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _processes_running("orphan_marker.py") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _processes_running("orphan_marker.py")
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
