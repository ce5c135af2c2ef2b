"""Background jobs of safe outputs: the automatic checks of a submitted request (with
progress), and the five-minute release batch (R22)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


@retry_safe
@task()
def run_checks(release_id: int) -> dict[str, Any]:
    """Check every file of a submitted request, then route it. Safe to run again: a request
    no longer submitted is left alone."""
    from fivesafes.release.services.requests import run_checks as check

    report(0.0, "Starting the automatic checks")
    result = check(release_id, progress=report)
    report(1.0, f"Routed: {result.get('route', result.get('skipped'))}")
    return result


@retry_safe
@task()
def release_batch() -> dict[str, Any]:
    """Release what is approved and mail what is released; a mail server that is down fails
    the job (it shows) and the next batch, five minutes later, tries again."""
    from fivesafes.release.services.release import run_batch

    report(0.1, "Releasing approved requests and mailing released files")
    result = run_batch()
    report(1.0, f"{len(result['released'])} requests released, {result['mailed']} files mailed")
    return result
