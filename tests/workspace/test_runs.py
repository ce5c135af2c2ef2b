"""Batch runs through the room: started by a member, run by the workspace worker in the
sandbox, ended in plain words, audited; the bad inputs of the issue stopped at their limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from tests.workspace.conftest import WorkspaceWorld, run_queued, start_script


def actions_about(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk), object_type="workspace.run")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_run_reads_the_data_writes_an_output_and_is_recorded(ww: WorkspaceWorld) -> None:
    from fivesafes.workspace.services.execution import read_log

    run = start_script(
        ww,
        "import csv\n"
        "rows = list(csv.DictReader(open('/project/data/1/persons.csv')))\n"
        "total = sum(int(r['income']) for r in rows)\n"
        "open('/project/outputs/total.csv', 'w').write(f'total\\n{total}\\n')\n"
        "print('total is', total)\n",
    )
    assert run.state == "queued"
    assert run.limits["cpu_seconds"] == 3
    assert run.task_id
    run = run_queued(run)
    text, _ = read_log(run)
    assert run.state == "finished", (run.words, text)
    assert run.words == "finished"
    assert run.exit_code == 0
    assert "total is 100" in text
    assert {"area": "outputs", "path": "total.csv", "bytes": 10} in run.files_written
    assert run.cpu_seconds is not None and run.wall_seconds is not None
    assert (ww.areas().outputs / "total.csv").read_text() == "total\n100\n"
    assert actions_about(run) == [
        "workspace.run_started",
        "workspace.run.begin",
        "workspace.run.finish",
    ]
    # The log is kept outside every project's areas.
    log = ww.data_dir / "workspace" / "runs" / f"{run.pk}.log"
    assert log.is_file() and "projects" not in str(log.relative_to(ww.data_dir))


def test_a_loop_that_never_ends_is_stopped_at_its_cpu_limit_in_plain_words(
    ww: WorkspaceWorld,
) -> None:
    run = run_queued(start_script(ww, "while True:\n    pass\n", "loop.py"))
    assert run.state == "failed"
    assert run.words == "stopped: it used more than its 3 s CPU-time limit"
    event = AuditEvent.objects.filter(action="workspace.run.fail", object_id=str(run.pk)).get()
    assert event.data["result"]["stop"] == "cpu_limit"


def test_a_memory_eater_and_a_fork_bomb_are_stopped_at_their_limits(ww: WorkspaceWorld) -> None:
    eater = run_queued(
        start_script(
            ww, "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))\n", "eat.py"
        )
    )
    assert eater.state == "failed"
    assert "memory limit" in eater.words
    bomb = run_queued(
        start_script(
            ww,
            "import os, time\n"
            "for i in range(10_000):\n"
            "    if os.fork() == 0:\n"
            "        time.sleep(5)\n"
            "        os._exit(0)\n",
            "bomb.py",
        )
    )
    assert bomb.state == "failed"
    assert "processes" in bomb.words
    filler = run_queued(
        start_script(
            ww, "open('/project/outputs/big.bin', 'wb').write(b'0' * 3_000_000)\n", "fill.py"
        )
    )
    assert filler.state == "failed"
    assert "file-size limit" in filler.words


def test_a_run_cannot_reach_the_network_the_servers_secrets_or_another_project(
    ww: WorkspaceWorld,
) -> None:
    from fivesafes.workspace.services.execution import read_log

    other = ww.areas(ww.other_member, ww.other_project)
    run = run_queued(
        start_script(
            ww,
            "import os, socket\n"
            "def attempt(name, call):\n"
            "    try:\n"
            "        call()\n"
            "        print(name, 'REACHED')\n"
            "    except Exception as error:\n"
            "        print(name, 'refused', type(error).__name__)\n"
            "attempt('network', lambda: socket.create_connection(('1.1.1.1', 53), timeout=2))\n"
            "attempt('dns', lambda: socket.getaddrinfo('example.org', 80))\n"
            "attempt('environ', lambda: open('/proc/1/environ').read())\n"
            f"attempt('data_dir', lambda: os.listdir({str(ww.data_dir)!r}))\n"
            f"attempt('other', lambda: open({str(other.files / 'x.txt')!r}, 'w').write('x'))\n"
            f"attempt('other_data', lambda: open({str(other.data / '1' / 'secret.csv')!r}).read())\n"
            "attempt('shadow', lambda: open('/etc/shadow').read())\n"
            "os.symlink('/etc/passwd', '/project/outputs/passwd.txt')\n"
            f"os.symlink({str(ww.data_dir)!r}, '/project/outputs/server')\n",
            "escape.py",
        )
    )
    text, _ = read_log(run)
    assert run.state == "finished", text
    assert "REACHED" not in text
    for name in ("network", "dns", "environ", "data_dir", "other", "other_data", "shadow"):
        assert f"{name} refused" in text
    assert not (other.files / "x.txt").exists()
    # The links the run planted are not files it wrote, and the room never follows them.
    assert run.files_written == []
    client = ww.client()
    base = reverse("workspace:area", args=[ww.project.pk, "outputs"])
    listing = client.get(base).content.decode()
    assert listing.count("link, not followed") == 2
    for query in ({"file": "passwd.txt"}, {"folder": "server"}, {"file": "server/secret_key"}):
        page = client.get(base, query)
        assert page.status_code == 400
        assert b"root:" not in page.content


def _while_running(monkeypatch, then) -> None:
    """Call `then(run)` in the worker's thread just after the sandbox has started the run."""
    from fivesafes.workspace.services import execution

    spawner = execution._spawner

    class Starting:
        def start(self, spec):
            handle = spawner().start(spec)
            then()
            return handle

    monkeypatch.setattr(execution, "_spawner", Starting)


SLOW = "import time\nprint('working', flush=True)\ntime.sleep(30)\n"


def test_the_member_cancels_a_running_run_through_its_flag(ww: WorkspaceWorld, monkeypatch) -> None:
    from fivesafes.workspace.models import Run
    from fivesafes.workspace.services import runs

    run = start_script(ww, SLOW, "slow.py")
    _while_running(
        monkeypatch, lambda: runs.cancel(actor=ww.member, run=Run.objects.get(pk=run.pk))
    )
    run = run_queued(run)
    assert run.state == "cancelled"
    assert run.wall_seconds is not None and run.wall_seconds < 15
    assert "workspace.run_stop_requested" in actions_about(run)
    assert actions_about(run)[-1] == "workspace.run.cancelled"


def test_a_running_run_stops_when_the_members_agreement_ends(
    ww: WorkspaceWorld, monkeypatch
) -> None:
    """The worker asks the access rule again every second here (every few in production)."""
    from django.utils import timezone

    from fivesafes.people.models import ResearcherAgreement

    run = start_script(ww, SLOW, "slow.py")
    _while_running(
        monkeypatch,
        lambda: ResearcherAgreement.objects.filter(researcher=ww.member).update(
            ended_at=timezone.now(), end_reason="notice"
        ),
    )
    run = run_queued(run)
    assert run.state == "stopped"
    assert "agreement" in run.stop_reason
    assert run.words.startswith("stopped: You cannot work in project P-2026-013")


def test_a_sanction_stops_the_persons_runs_at_once(
    ww: WorkspaceWorld, django_capture_on_commit_callbacks
) -> None:
    from fivesafes.people.services.access_ended import access_ended

    run = start_script(ww, "print(1)\n")
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            access_ended(person=ww.member, project=None, reason="researcher excluded (R24)")
    run.refresh_from_db()
    assert run.state == "stopped"
    assert run.stop_reason == "researcher excluded (R24)"
    assert AuditEvent.objects.filter(action="workspace.access_ended").exists()


def test_without_bubblewrap_nothing_runs_and_the_member_reads_why(
    ww: WorkspaceWorld, monkeypatch
) -> None:
    monkeypatch.setenv("FIVESAFES_BWRAP", "/nowhere/bwrap")
    run = run_queued(start_script(ww, "print('should not run')\n"))
    assert run.state == "failed"
    assert "bubblewrap is not installed" in run.words


@pytest.mark.parametrize(
    ("script", "field"),
    [
        ("/project/files/../../other/x.py", "script"),
        ("/etc/passwd", "script"),
        ("/project/data/1/persons.csv", "script"),
        ("/project/files/missing.py", "script"),
    ],
)
def test_a_run_of_a_script_outside_the_work_areas_is_refused(
    ww: WorkspaceWorld, script: str, field: str
) -> None:
    from fivesafes.shared.refusals import RuleViolation
    from fivesafes.workspace.models import Run
    from fivesafes.workspace.services import runs

    with pytest.raises(RuleViolation) as refusal:
        runs.start(actor=ww.member, project=ww.project, script=script)
    assert refusal.value.field == field
    assert not Run.objects.exists()
