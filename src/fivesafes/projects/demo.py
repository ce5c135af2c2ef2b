"""Demo data for safe projects: a draft application for the demo researcher.

`ensure_demo_projects()` is idempotent. Call it after `ensure_demo_people()` and after the
synthetic registers are in the catalogue. It puts three variables in the demo researcher's data
basket and starts a draft from it through the real services, half filled in, so the wizard
shows findings of every severity (a missing separate justification blocks).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.utils import timezone

from fivesafes.accounts.models import User

DEMO_TITLE = "Incomes over the life course"
DEMO_BORN_1960_TO_1990 = {
    "variable": "POPULATION.birth_date",
    "operator": "between",
    "values": ["1960-01-01", "1990-12-31"],
}
DEMO_VARIABLES = (("POPULATION", "sex"), ("POPULATION", "birth_date"), ("INCOME", None))


def draft_from_basket(researcher: User, institution: Any, title: str, **changes: Any) -> Any:
    """A draft started from the researcher's basket through the real services, under the
    public-interest legal basis, running from 30 days on for three years, with `changes`."""
    from fivesafes.projects.services import applications as service

    application = service.create_draft(
        actor=researcher, institution=institution, title=title, from_basket=True
    )
    today = timezone.localdate()
    service.update(
        actor=researcher,
        application=application,
        changes={
            "legal_basis_art6": "Art. 6(1)(e), task in the public interest",
            "starts_on": today + timedelta(days=30),
            "ends_on": today + timedelta(days=3 * 365),
            **changes,
        },
    )
    return application


def ensure_demo_projects() -> bool:
    """Create the demo draft once; True when created now."""
    from fivesafes.data.models import BasketItem, CatalogueVariable
    from fivesafes.people.demo import DEMO_INSTITUTION
    from fivesafes.people.models import Institution
    from fivesafes.projects.models import Application
    from fivesafes.projects.services import applications as service
    from fivesafes.projects.services import population
    from fivesafes.shared.refusals import RuleViolation

    researcher = User.objects.filter(username="researcher").first()
    institution = Institution.objects.filter(name=DEMO_INSTITUTION).first()
    if researcher is None or institution is None:
        return False
    if Application.objects.filter(applicant=researcher).exists():
        return False
    for register, name in DEMO_VARIABLES:
        found = CatalogueVariable.objects.filter(version__register__short_name=register)
        found = found.filter(name=name) if name else found.filter(role="measure")
        found = found.filter(directly_identifying=False)
        variable = (
            found.select_related("version").order_by("-version__imported_at", "position").first()
        )
        if variable is None:
            continue
        version = variable.version
        BasketItem.objects.get_or_create(
            user=researcher,
            variable=variable,
            defaults={
                "first_year": max(version.first_year, version.last_year - 5),
                "last_year": version.last_year,
            },
        )
    application = draft_from_basket(
        researcher,
        institution,
        DEMO_TITLE,
        purpose="How incomes develop with age, for men and women.",
        description="A register study of persons resident in 2015, followed yearly.",
        population_definition="Persons resident on 1 January 2015",
        sample_size=10000,
        sample_reason="Power calculation for differences of 2 %",
    )
    # A catalogue without POPULATION.birth_date leaves it empty: the findings ask for criteria.
    with contextlib.suppress(RuleViolation):
        population.set_population(
            actor=researcher,
            application=application,
            definition={"criteria": [DEMO_BORN_1960_TO_1990]},
        )
    for line in application.variables.all():
        if line.name == "sex":
            service.update_variable(
                actor=researcher,
                line=line,
                first_year=line.first_year,
                last_year=line.last_year,
                justification="The study compares men and women.",
            )
    return True
