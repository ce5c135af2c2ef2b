"""Scheduled work of safe people, as background jobs (run daily).

`daily_sweep` expires authorisations past their period (their agreements lapse with them,
R8), reinstates institutions whose withdrawal period ended (R24), ends the agreements of
researchers no longer attached to the institution they were made under (R8), and reminds people whose
certification ends within 30 days (R9). Access itself never waits for the sweep: the access
rule reads the dates on every request.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


def run_daily_sweep() -> dict[str, Any]:
    from fivesafes.people.models import Authorisation
    from fivesafes.people.services.agreements import end_agreements_of_leavers
    from fivesafes.people.services.authorisation import expire_due, take_step
    from fivesafes.people.services.certification import send_reminders
    from fivesafes.people.workflow import CaseState

    today = timezone.localdate()
    report(0.1, "Expiring authorisations past their period")
    expired = expire_due(on=today)
    report(0.4, "Reinstating institutions after their withdrawal period")
    reinstated = 0
    for case in Authorisation.objects.filter(
        state=CaseState.WITHDRAWN, withdrawn_until__lt=today, valid_until__gte=today
    ):
        take_step(actor=None, authorisation=case, step="reinstate")
        reinstated += 1
    report(0.6, "Ending the agreements of researchers who left their institution")
    left = end_agreements_of_leavers(on=today)
    report(0.7, "Sending certification reminders")
    reminded = send_reminders(on=today)
    report(
        1.0,
        f"{expired} expired, {reinstated} reinstated, {left} agreements ended, {reminded} reminded",
    )
    return {
        "expired": expired,
        "reinstated": reinstated,
        "agreements_ended": left,
        "reminded": reminded,
    }


@retry_safe
@task()
def daily_sweep() -> dict[str, Any]:
    """The daily sweep as a job for the worker (safe to run again: each step is idempotent)."""
    return run_daily_sweep()
