"""From models to the rule engine's plain facts, and the scope of an application (R16)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from fivesafes.accounts.models import User
from fivesafes.projects.models import Application
from fivesafes.projects.rules import (
    ApplicationFacts,
    ExternalDataFacts,
    MemberFacts,
    VariableFacts,
)
from fivesafes.projects.services.population import catalogue_entries, definition_of


def member_facts(person: User, day: date) -> MemberFacts:
    """Attached to (or an accepted affiliate of) an authorised institution; certified (R1, R7, R9)."""
    from fivesafes.people.models import Attachment
    from fivesafes.people.services.certification import current_certification

    attached = any(
        a.is_accepted and a.institution.is_authorised(day)
        for a in Attachment.objects.current(day)
        .select_related("institution")
        .filter(researcher=person)
    )
    return MemberFacts(
        name=person.get_username(),
        attached=attached,
        certified=current_certification(person, day) is not None,
    )


def application_facts(application: Application, on: date | None = None) -> ApplicationFacts:
    day = on or timezone.localdate()
    institution = application.institution
    authorisation = institution.current_authorisation(day)
    population = definition_of(application)
    variables = tuple(
        VariableFacts(
            register=line.register,
            name=line.name,
            first_year=line.first_year,
            last_year=line.last_year,
            justification=line.justification,
            identifying_justification=line.identifying_justification,
            coarsening=line.coarsening,
            directly_identifying=line.variable.directly_identifying,
            particularly_identifying=line.variable.particularly_identifying,
            special_category=line.variable.special_category,
            business_data=line.variable.business_data,
            subject_area=line.variable.version.register.subject_area,
            standard_register=line.variable.version.owner_is_office,
            available_from=line.variable.version.first_year,
            available_to=line.variable.version.last_year,
        )
        for line in application.variables.select_related("variable__version__register")
    )
    return ApplicationFacts(
        today=day,
        institution_name=institution.name,
        institution_kind=institution.kind,
        institution_authorised=authorisation is not None,
        institution_authorised_until=authorisation.valid_until if authorisation else None,
        business_data_exemption=bool(authorisation and authorisation.business_data_exemption),
        title=application.title,
        purpose=application.purpose,
        description=application.description,
        has_protocol=application.protocol_id is not None,
        legal_basis_art6=application.legal_basis_art6,
        legal_basis_art9=application.legal_basis_art9,
        has_dpia=application.dpia_id is not None,
        no_dpia_reason=application.no_dpia_reason,
        population_definition=application.population_definition,
        population=population,
        population_catalogue=catalogue_entries(population.variables),
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        total_population=application.total_population,
        total_population_reason=application.total_population_reason,
        sample_size=application.sample_size,
        sample_reason=application.sample_reason,
        variables=variables,
        external_data=tuple(
            ExternalDataFacts(source=e.source, approval_reference=e.approval_reference)
            for e in application.external_data.all()
        ),
        members=tuple(
            member_facts(m.person, day) for m in application.members.select_related("person")
        ),
    )


def scope_of(application: Application) -> dict[str, Any]:
    """The scope a decision on this application grants (R16 compares against it)."""
    return {
        "variables": {
            line.label: {
                "first_year": line.first_year,
                "last_year": line.last_year,
                "coarsening": line.coarsening,
            }
            for line in application.variables.all()
        },
        "population": {
            "definition": application.population_definition,
            **definition_of(application).as_dict(),
            "total": application.total_population,
            "sample_size": application.sample_size,
        },
        "members": {
            str(m.person_id): m.person.get_username()
            for m in application.members.select_related("person")
        },
        "period": {
            "starts_on": application.starts_on.isoformat() if application.starts_on else None,
            "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        },
        "external_data": [e.source for e in application.external_data.all()],
        "terms": terms_of(application),
    }


def terms_of(application: Application) -> dict[str, str]:
    """What the decision weighed besides the data: purpose, protocol, legal basis, DPIA (R12).
    Documents count by their content (sha256), so a new upload of the same file is no change."""
    return {
        "title": application.title,
        "purpose": application.purpose,
        "description": application.description,
        "protocol": application.protocol.sha256 if application.protocol else "",
        "legal_basis_art6": application.legal_basis_art6,
        "legal_basis_art9": application.legal_basis_art9,
        "dpia": application.dpia.sha256
        if application.dpia
        else f"no DPIA: {application.no_dpia_reason}",
    }
