"""What a job can reach from inside the sandbox: only its own project, and no network (R20)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import pytest

from fivesafes.sandbox import Stop
from tests.sandbox.conftest import SECRET_KEY, Ran, World


def test_a_job_sees_its_project_and_runs_unprivileged(run: Callable[..., Ran]) -> None:
    ran = run(
        "import os\n"
        "print('uid', os.getuid(), os.getgid())\n"
        "print('cwd', os.getcwd())\n"
        "print(open('/project/data/d1/persons.csv').read().splitlines()[-1])\n"
        "print('root', sorted(os.listdir('/')))\n"
        "print('project', sorted(os.listdir('/project')))\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert ran.result.words == "finished"
    assert "uid 1000 1000" in ran.lines
    assert "cwd /project/files" in ran.lines
    assert "# P-2026-001" in ran.lines
    assert "project ['data', 'files', 'outputs', 'private']" in ran.lines
    assert (
        "root ['bin', 'dev', 'etc', 'lib', 'lib64', 'opt', 'proc', 'project', 'sbin', 'tmp', 'usr']"
        in ran.lines
    )


def test_no_network_neither_connect_nor_name_resolution(run: Callable[..., Ran]) -> None:
    # A service of the host on loopback: the sandbox's loopback is its own, so it is not there.
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[object] = []
    server.settimeout(8)
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)), daemon=True)
    thread.start()
    try:
        ran = run(
            "import socket\n"
            "def attempt(label, f):\n"
            "    try:\n"
            "        f()\n"
            "        print(label, 'REACHED')\n"
            "    except OSError as e:\n"
            "        print(label, 'refused', type(e).__name__)\n"
            "attempt('internet', lambda: socket.create_connection(('1.1.1.1', 53), timeout=3))\n"
            "attempt('dns', lambda: socket.getaddrinfo('example.org', 443))\n"
            f"attempt('host-loopback', lambda: socket.create_connection(('127.0.0.1', {port}), timeout=3))\n"
            "import os\n"
            "print('interfaces', sorted(os.listdir('/sys/class/net')) if os.path.exists('/sys/class/net') else 'none')\n"
        )
    finally:
        thread.join(timeout=10)
        server.close()
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "REACHED" not in ran.text
    for label in ("internet", "dns", "host-loopback"):
        assert any(line.startswith(f"{label} refused") for line in ran.lines), ran.text
    assert accepted == [None]


def _accept(server: socket.socket) -> object:
    try:
        connection, _ = server.accept()
    except OSError:
        return None
    connection.close()
    return "connected"


def test_the_data_folder_is_read_only(run: Callable[..., Ran], world: World) -> None:
    ran = run(
        "import os\n"
        "for label, f in [\n"
        "    ('write', lambda: open('/project/data/d1/new.csv', 'w').write('x')),\n"
        "    ('append', lambda: open('/project/data/d1/persons.csv', 'a').write('x')),\n"
        "    ('delete', lambda: os.remove('/project/data/d1/persons.csv')),\n"
        "    ('rename', lambda: os.rename('/project/data/d1', '/project/data/d2')),\n"
        "    ('chmod', lambda: os.chmod('/project/data/d1/persons.csv', 0o777)),\n"
        "]:\n"
        "    try:\n"
        "        f()\n"
        "        print(label, 'ALLOWED')\n"
        "    except OSError as e:\n"
        "        print(label, 'refused', e.strerror)\n"
        "open('/project/outputs/table.csv', 'w').write('a,b\\n')\n"
        "print('outputs writable')\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "ALLOWED" not in ran.text
    assert "write refused Read-only file system" in ran.lines
    assert "outputs writable" in ran.lines
    assert sorted(p.name for p in (world.areas.data / "d1").iterdir()) == ["persons.csv"]
    assert (world.areas.outputs / "table.csv").read_text() == "a,b\n"


def test_other_projects_the_data_folder_and_keys_are_not_there(
    run: Callable[..., Ran], world: World
) -> None:
    probes = [
        str(world.other.data / "d1" / "secret.txt"),
        str(world.other.files),
        str(world.root),
        str(world.key_file),
        "/etc/shadow",
        "/etc/fivesafes",
        "/root",
        "/home",
        "/work",
        "/var",
        "/sys",
        "/run",
    ]
    ran = run(
        "import os, sys\n"
        f"for path in {probes!r}:\n"
        "    print(path, 'VISIBLE' if os.path.lexists(path) else 'absent')\n"
        "for top, dirs, files in os.walk('/project'):\n"
        "    for f in files:\n"
        "        print('file', os.path.join(top, f))\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "VISIBLE" not in ran.text, ran.text
    files = sorted(line for line in ran.lines if line.startswith("file "))
    assert files == ["file /project/data/d1/persons.csv", "file /project/files/job.py"], files
    assert SECRET_KEY not in ran.text


def test_the_environment_holds_nothing_of_the_server(
    run: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch, world: World
) -> None:
    monkeypatch.setenv("FIVESAFES_FAKE_SECRET", "hunter2-sandbox-marker")
    monkeypatch.setenv("DATABASE_URL", "postgres://admin:pw-marker@db/fivesafes")
    monkeypatch.setenv("FIVESAFES_DATA_DIR", str(world.root))
    ran = run(
        "import os\n"
        "for pid in ('1', 'self'):\n"
        "    try:\n"
        "        data = open(f'/proc/{pid}/environ', 'rb').read()\n"
        "        print(pid, 'environ', data.replace(b'\\0', b' ').decode())\n"
        "    except OSError as e:\n"
        "        print(pid, 'environ unreadable', e.strerror)\n"
        "print('keys', ' '.join(sorted(os.environ)))\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    for marker in ("hunter2-sandbox-marker", "pw-marker", "DATABASE_URL", str(world.root)):
        assert marker not in ran.text, ran.text
    keys = next(line for line in ran.lines if line.startswith("keys ")).split()[1:]
    assert set(keys) <= {
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "TMPDIR", "TERM", "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE", "PYTHONNOUSERSITE", "MPLBACKEND", "MPLCONFIGDIR",
        "FIVESAFES_PROJECT", "FIVESAFES_DATA", "FIVESAFES_OUTPUTS", "LC_CTYPE", "PWD",
        "PYTHONPATH",
    }, keys  # fmt: skip


def test_a_planted_symlink_leads_nowhere(run: Callable[..., Ran], world: World) -> None:
    """A job plants links to the other project, the key file and /etc/shadow; neither this run
    nor the next one can read anything through them."""
    targets = {
        "other": str(world.other.data / "d1" / "secret.txt"),
        "key": str(world.key_file),
        "relative": "../../" + world.other.project + "/data/d1/secret.txt",
        "shadow": "/etc/shadow",
        "proc-root": "/proc/1/root/etc/shadow",
    }
    plant = "import os\n" + "".join(
        f"os.symlink({target!r}, '/project/files/{name}')\n" for name, target in targets.items()
    )
    read = (
        "import os\n"
        f"for name in {sorted(targets)!r}:\n"
        "    try:\n"
        "        print(name, 'READ', open('/project/files/' + name).read())\n"
        "    except OSError as e:\n"
        "        print(name, 'refused', e.strerror)\n"
    )
    first = run(plant + read)
    second = run(read, name="again.py")
    for ran in (first, second):
        assert ran.result.stop is Stop.FINISHED, ran.text
        assert "READ" not in ran.text, ran.text
        assert "microdata" not in ran.text and SECRET_KEY not in ran.text
    # On the host the links are still there and do point outside: whatever serves the files area
    # (the file browser, a download of a released output) must never follow a link.
    assert (world.areas.files / "other").is_symlink()


def test_no_capabilities_no_new_namespaces_and_pid_1_is_closed(run: Callable[..., Ran]) -> None:
    ran = run(
        "import subprocess\n"
        "status = open('/proc/self/status').read()\n"
        "print('caps', [l.split()[1] for l in status.splitlines() if l.startswith('CapEff')][0])\n"
        "print('NoNewPrivs', [l.split()[1] for l in status.splitlines() if l.startswith('NoNewPrivs')][0])\n"
        "for flag in ('-U', '-n', '-m'):\n"
        "    done = subprocess.run(['unshare', flag, 'true'], capture_output=True)\n"
        "    print('unshare', flag, 'refused' if done.returncode else 'ALLOWED')\n"
        "for path in ('/proc/1/environ', '/proc/1/mem', '/proc/1/fd/0'):\n"
        "    try:\n"
        "        open(path, 'rb').read(1)\n"
        "        print(path, 'READ')\n"
        "    except OSError as e:\n"
        "        print(path, 'refused')\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "caps 0000000000000000" in ran.lines
    assert "NoNewPrivs 1" in ran.lines
    assert "ALLOWED" not in ran.text and "READ" not in ran.text, ran.text
