"""Demo data for safe data: the demo project delivered, so the workspace (journey 5) has data.

`ensure_demo_delivery()` is idempotent. Call it after `ensure_demo_people()` (the demo project
P-2026-001, its researcher with a signed agreement) and after the synthetic registers are
generated. The project has no application in the demo, so this gives it what journey 3 would:
an approved application with a scope (sex and birth year of persons born 1960-1990, a sample of
500 (fewer on a small base), and the wage income of the last three years the registers hold) and an accepted quote.
Then the demo case handler plans and starts delivery 1 through the real services and the run is
done here, at once, with the real extraction core. A refusal is printed and the demo goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fivesafes.accounts.models import User
from fivesafes.projects.models import Project

logger = logging.getLogger(__name__)

DEMO_PROJECT = "P-2026-001"
SAMPLE = 500


def _income_years() -> tuple[int, int] | None:
    from fivesafes.data.models import CatalogueVariable

    found = (
        CatalogueVariable.objects.filter(version__register__short_name="INCOME", name="wage_income")
        .select_related("version")
        .order_by("-version__imported_at")
        .first()
    )
    if found is None:
        return None
    last = found.version.last_year
    return max(found.version.first_year, last - 2), last


def _sample() -> int:
    """500, or a fifth of the persons of a small register base (a sample is smaller than the
    population born 1960-1990 in any base the generator makes)."""
    import pyarrow.parquet as pq

    from fivesafes.delivery.extract import registers_dir

    files = (registers_dir() / "POPULATION").glob("*/data.parquet")
    persons = sum(pq.read_metadata(f).num_rows for f in files)
    return max(1, min(SAMPLE, persons // 5))


def _scope(researcher: User, years: tuple[int, int]) -> dict[str, Any]:
    first, last = years
    return {
        "variables": {
            "POPULATION.sex": {"first_year": last, "last_year": last, "coarsening": ""},
            "POPULATION.birth_date": {"first_year": last, "last_year": last, "coarsening": "year"},
            "INCOME.wage_income": {"first_year": first, "last_year": last, "coarsening": ""},
        },
        "population": {
            "definition": "Persons born 1960-1990",
            "unit": "person",
            "criteria": [
                {
                    "variable": "POPULATION.birth_date",
                    "operator": "between",
                    "values": ["1960-01-01", "1990-12-31"],
                }
            ],
            "total": False,
            "sample_size": _sample(),
        },
        "members": {str(researcher.pk): researcher.username},
        "period": {"starts_on": None, "ends_on": None},
        "external_data": [],
    }


def _approve(project: Project, handler: User, scope: dict[str, Any]) -> None:
    """What journey 3 leaves behind: the approved application and the accepted quote."""
    from fivesafes.projects.models import Application, Quote

    today = timezone.localdate()
    project.approved_scope = scope
    project.save(update_fields=["approved_scope"])
    application = Application.objects.create(
        kind=Application.Kind.NEW,
        state="approved",
        applicant=project.responsible,
        institution=project.institution,
        project=project,
        title=project.title,
    )
    Quote.objects.create(
        application=application,
        state=Quote.State.ACCEPTED,
        lines=[
            {
                "code": "archiving_delivery",
                "label": "Archiving, documentation and delivery",
                "detail": "",
                "quantity": "1",
                "unit_price": "2750.00",
                "amount": "2750.00",
            }
        ],
        subtotal=Decimal("2750.00"),
        vat=Decimal("687.50"),
        total=Decimal("3437.50"),
        delivery_days=20,
        estimated_delivery_on=today + timedelta(days=20),
        invoice_to=project.institution,
        issued_by=handler,
        accepted_by=project.responsible,
        accepted_at=timezone.now(),
    )


def ensure_demo_delivery() -> bool:
    """Deliver the demo project's data once; True when delivered now."""
    from fivesafes.delivery.models import Delivery
    from fivesafes.delivery.services import planning, running
    from fivesafes.shared.refusals import RuleViolation

    project = Project.objects.filter(number=DEMO_PROJECT).first()
    researcher = User.objects.filter(username="researcher").first()
    handler = User.objects.filter(username="casehandler").first()
    years = _income_years()
    if project is None or researcher is None or handler is None or years is None:
        return False
    if Delivery.objects.filter(project=project).exists():
        return False
    if not project.applications.filter(state="approved").exists():
        _approve(project, handler, _scope(researcher, years))
    try:
        delivery = planning.plan(actor=handler, project=project, start_fast_track=False)
        running.start(actor=handler, delivery=delivery)
    except RuleViolation as refusal:
        logger.warning("The demo delivery was not started: %s", refusal)
        return False
    outcome = running.run(delivery.pk)  # the worker's job, done now; the queued one skips it
    return outcome.get("state") == "delivered"
