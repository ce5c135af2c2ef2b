"""Background jobs of safe outputs: the automatic checks of a submitted request (with
progress), the five-minute release batch (R22), and at a project's closure the deletion of
its unreleased frozen copies (R25)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe
from fivesafes.shared.labels import gettext_noop


@retry_safe
@task()
def run_checks(release_id: int) -> dict[str, Any]:
    """Check every file of a submitted request, then route it. Safe to run again: a request
    no longer submitted is left alone."""
    from fivesafes.release.services.requests import run_checks as check

    report(0.0, gettext_noop("Starting the automatic checks"))
    try:
        result = check(release_id, progress=report)
    except Exception as exc:
        _failed(release_id, exc)
        raise
    report(1.0, f"Routed: {result.get('route', result.get('skipped'))}")
    return result


@retry_safe
@task()
def release_batch() -> dict[str, Any]:
    """Release what is approved and mail what is released; a mail server that is down fails
    the job (it shows) and the next batch, five minutes later, tries again."""
    from fivesafes.release.services.release import run_batch

    report(0.1, gettext_noop("Releasing approved requests and mailing released files"))
    result = run_batch()
    report(1.0, f"{len(result['released'])} requests released, {result['mailed']} files mailed")
    return result


@retry_safe
@task()
def clear_frozen_copies(project_id: int) -> dict[str, Any]:
    """At a project's closure: delete the frozen copies of files that were not released (R25).
    Safe to run again: what is gone is not deleted twice."""
    from fivesafes.projects.models import Project
    from fivesafes.release.services.closure import clear_frozen_copies as clear

    done = clear(project=Project.objects.get(pk=project_id))
    return {
        "files": done.files,
        "bytes": done.bytes,
        "requests": done.requests,
        "released_files_kept": done.kept_released,
        "verified": done.verified,
    }


def _failed(release_id: int, exc: Exception) -> None:
    """The job failed as a whole (each file's check fails closed on its own): the request's
    history says so; it stays submitted and the job shows the failure."""
    from django.db import transaction

    from fivesafes.audit.services import record
    from fivesafes.release.models import ReleaseRequest

    release = ReleaseRequest.objects.filter(pk=release_id).first()
    if release is None:
        return
    with transaction.atomic():
        record(
            action="release_request.check_failed",
            obj=release,
            data={"error": f"{type(exc).__name__}: {exc}"[:300]},
        )
