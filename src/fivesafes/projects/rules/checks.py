"""One function per rule: each reads the facts and returns its findings (empty: rule met).

The reason names the variable or member concerned, so the person who reads it can act. It is
written in English and read in the active language (`shared.labels.translated`, Django's
gettext once the web app has started), so the findings a page shows are in its reader's language.
"""

from __future__ import annotations

from datetime import date

from fivesafes.metadata.population import validate as validate_population
from fivesafes.people.rules import InstitutionKind, add_years, may_receive_business_data
from fivesafes.projects.rules.facts import ApplicationFacts
from fivesafes.projects.rules.findings import Finding, Severity
from fivesafes.shared.labels import gettext_noop, translated
from fivesafes.shared.labels import translated as _

B = Severity.BLOCKING
J = Severity.NEEDS_JUSTIFICATION
A = Severity.ADVICE

# R19: a compilation across more statistical fields than this is a case of doubt.
MANY_SUBJECT_AREAS = 3
# R13: anonymised business data only one year after the reference period.
BUSINESS_DATA_DELAY_YEARS = 1

COARSENING_HINTS = {
    "birth": gettext_noop("birth date to year or month"),
    "death": gettext_noop("date of death to year or month"),
    "post": gettext_noop("post code to municipality"),
    "address": gettext_noop("post code to municipality"),
}


def _names(labels: list[str]) -> str:
    return ", ".join(labels)


def institution(facts: ApplicationFacts) -> list[Finding]:
    """R1: the owning institution must be authorised today."""
    if not facts.institution_name:
        return [
            Finding(
                B,
                "R1",
                field="institution",
                message=_("Choose the institution that owns the project."),
            )
        ]
    if not facts.institution_authorised:
        return [
            Finding(
                B,
                "R1",
                field="institution",
                message=_(
                    "%(institution)s is not an authorised institution today; only authorised "
                    "institutions can own a project."
                )
                % {"institution": facts.institution_name},
            )
        ]
    return []


def business_data(facts: ApplicationFacts) -> list[Finding]:
    """R3/R4 (and R7 for institutions abroad): who may get microdata with business data."""
    wanted = [v.label for v in facts.variables if v.business_data]
    wanted += [
        _("%(variable)s (population)") % {"variable": e.label}
        for e in facts.population_entries()
        if e.business_data
    ]
    if not wanted or not facts.institution_kind:
        return []
    try:
        kind = InstitutionKind(facts.institution_kind)
    except ValueError:
        return [
            Finding(
                B,
                "R2",
                field="institution",
                message=_("Unknown kind '%(kind)s'.") % {"kind": facts.institution_kind},
            )
        ]
    findings = [
        Finding(
            B,
            found.rule,
            field="variables",
            message=_("%(reason)s Requested: %(variables)s.")
            % {"reason": found.message, "variables": _names(wanted)},
        )
        for found in may_receive_business_data(kind, exemption=facts.business_data_exemption)
    ]
    if not findings and kind == InstitutionKind.CONSULTANCY:
        findings.append(
            Finding(
                J,
                "R3",
                field="variables",
                message=_(
                    "Business data (%(variables)s) for a consultancy firm under the approver's "
                    "exemption: the work must be for the client named in the exemption."
                )
                % {"variables": _names(wanted)},
            )
        )
    return findings


def latest_business_year(today: date) -> int:
    """The last reference year of business data that may be accessed on `today` (R13)."""
    year = today.year - BUSINESS_DATA_DELAY_YEARS
    while add_years(date(year, 12, 31), BUSINESS_DATA_DELAY_YEARS) > today:
        year -= 1
    return year


def business_data_delay(facts: ApplicationFacts) -> list[Finding]:
    """R13: business data only one year after the end of its reference period."""
    findings = []
    for variable in facts.variables:
        if not variable.business_data:
            continue
        period_end = date(variable.last_year, 12, 31)
        available = add_years(period_end, BUSINESS_DATA_DELAY_YEARS)
        if facts.today < available:
            latest = latest_business_year(facts.today)
            findings.append(
                Finding(
                    B,
                    "R13",
                    field=f"variable:{variable.label}",
                    message=_(
                        "%(variable)s is business data; year %(year)s can be accessed from "
                        "%(available)s (one year after its reference period). Ask for years up "
                        "to %(latest)s."
                    )
                    % {
                        "variable": variable.label,
                        "year": variable.last_year,
                        "available": available,
                        "latest": latest,
                    },
                )
            )
    return findings


def population_business_delay(facts: ApplicationFacts) -> list[Finding]:
    """R13 for the population: selecting on business data of a too recent reference year."""
    findings = []
    for n, c in enumerate(facts.population.criteria, 1):
        entry = facts.population_catalogue.get(c.variable)
        day = c.on or c.end
        if entry is None or not entry.business_data or day is None:
            continue
        available = add_years(date(day.year, 12, 31), BUSINESS_DATA_DELAY_YEARS)
        if facts.today < available:
            findings.append(
                Finding(
                    B,
                    "R13",
                    field=f"population:{n}",
                    message=_(
                        "Criterion %(number)s selects on %(variable)s, business data of "
                        "%(year)s, which can be used from %(available)s. Use a date up to "
                        "%(latest)s."
                    )
                    % {
                        "number": n,
                        "variable": entry.label,
                        "year": day.year,
                        "available": available,
                        "latest": latest_business_year(facts.today),
                    },
                )
            )
    return findings


def directly_identifying(facts: ApplicationFacts) -> list[Finding]:
    """R14: name, ID number and address are never delivered."""
    findings = [
        Finding(
            B,
            "R14",
            field=f"variable:{v.label}",
            message=_(
                "%(variable)s is directly identifying and is never delivered; the project gets a "
                "project-specific pseudonym instead. Remove it."
            )
            % {"variable": v.label},
        )
        for v in facts.variables
        if v.directly_identifying
    ]
    for n, c in enumerate(facts.population.criteria, 1):
        entry = facts.population_catalogue.get(c.variable)
        if entry is not None and entry.directly_identifying:
            findings.append(
                Finding(
                    B,
                    "R14",
                    field=f"population:{n}",
                    message=_(
                        "Criterion %(number)s selects on %(variable)s, which is directly "
                        "identifying; a list of persons of your own is linked as external data "
                        "(R15) instead."
                    )
                    % {"number": n, "variable": entry.label},
                )
            )
    return findings


def justifications(facts: ApplicationFacts) -> list[Finding]:
    """R11: each variable justified; particularly identifying ones separately."""
    findings: list[Finding] = []
    if not facts.variables:
        findings.append(
            Finding(
                B,
                "R11",
                field="variables",
                message=_("The variable list is empty: add the variables needed."),
            )
        )
    for v in facts.variables:
        where = f"variable:{v.label}"
        if not v.justification.strip():
            findings.append(
                Finding(
                    B,
                    "R11",
                    field=where,
                    message=_(
                        "%(variable)s has no justification: say why the project's purpose needs it."
                    )
                    % {"variable": v.label},
                )
            )
        if not v.particularly_identifying:
            continue
        if not v.identifying_justification.strip():
            findings.append(
                Finding(
                    B,
                    "R11",
                    field=where,
                    message=_(
                        "%(variable)s is particularly identifying: give a separate justification "
                        "for it."
                    )
                    % {"variable": v.label},
                )
            )
        else:
            findings.append(
                Finding(
                    J,
                    "R11",
                    field=where,
                    message=_(
                        "%(variable)s is particularly identifying; the case handler weighs its "
                        "separate justification."
                    )
                    % {"variable": v.label},
                )
            )
        if not v.coarsening.strip():
            hint = next(
                (text for key, text in COARSENING_HINTS.items() if key in v.name.lower()),
                gettext_noop("a coarser grouping"),
            )
            findings.append(
                Finding(
                    A,
                    "R11",
                    field=where,
                    message=_(
                        "Consider coarsening %(variable)s (%(hint)s) if the purpose allows it."
                    )
                    % {"variable": v.label, "hint": translated(hint)},
                )
            )
    return findings


def years(facts: ApplicationFacts) -> list[Finding]:
    """R11: the years asked for exist in the register and are in order."""
    findings = []
    for v in facts.variables:
        where = f"variable:{v.label}"
        if v.first_year > v.last_year:
            findings.append(
                Finding(
                    B,
                    "R11",
                    field=where,
                    message=_("%(variable)s: first year %(first)s after %(last)s.")
                    % {"variable": v.label, "first": v.first_year, "last": v.last_year},
                )
            )
            continue
        low, high = v.available_from, v.available_to
        if (low is not None and v.first_year < low) or (high is not None and v.last_year > high):
            findings.append(
                Finding(
                    B,
                    "R11",
                    field=where,
                    message=_(
                        "%(variable)s exists for %(low)s-%(high)s; %(first)s-%(last)s was asked."
                    )
                    % {
                        "variable": v.label,
                        "low": low,
                        "high": high,
                        "first": v.first_year,
                        "last": v.last_year,
                    },
                )
            )
    return findings


def population(facts: ApplicationFacts) -> list[Finding]:
    """R11: a population definition; total population only when required, otherwise a sample."""
    findings: list[Finding] = []
    if facts.population.is_empty:
        findings.append(
            Finding(
                B,
                "R11",
                field="population",
                message=_(
                    "Define the population with criteria over catalogue variables (e.g. persons "
                    "resident on 1 January 2020, born 1980-1990, with a diagnosis in a list)."
                ),
            )
        )
    for problem in validate_population(facts.population, facts.population_catalogue, facts.today):
        findings.append(Finding(B, "R11", field=problem.field, message=problem.message))
    if facts.total_population:
        if not facts.total_population_reason.strip():
            findings.append(
                Finding(
                    B,
                    "R11",
                    field="total_population_reason",
                    message=_(
                        "The total population is given only when required: give the reason, or "
                        "ask for a sample."
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    J,
                    "R11",
                    field="total_population_reason",
                    message=_(
                        "Total population requested; the case handler weighs the reason against a "
                        "sample."
                    ),
                )
            )
    elif facts.sample_size is None or facts.sample_size <= 0:
        findings.append(
            Finding(
                B,
                "R11",
                field="sample_size",
                message=_(
                    "Give the sample size (a positive number), or ask for the total population "
                    "with a reason."
                ),
            )
        )
    elif not facts.sample_reason.strip():
        findings.append(
            Finding(
                A,
                "R11",
                field="sample_reason",
                message=_("Say how the sample size was chosen (power, cost)."),
            )
        )
    return findings


def description(facts: ApplicationFacts) -> list[Finding]:
    """R12: title, purpose, project description and protocol."""
    findings = []
    for name, value, missing in (
        ("title", facts.title, gettext_noop("Write the title.")),
        ("purpose", facts.purpose, gettext_noop("Write the purpose.")),
        ("description", facts.description, gettext_noop("Write the project description.")),
    ):
        if not value.strip():
            findings.append(Finding(B, "R12", field=name, message=translated(missing)))
    if not facts.has_protocol:
        findings.append(
            Finding(
                B,
                "R12",
                field="protocol",
                message=_("Upload the research protocol or project description."),
            )
        )
    return findings


def legal_basis(facts: ApplicationFacts) -> list[Finding]:
    """R12: GDPR art. 6 always; art. 9 when special-category data are asked for."""
    findings = []
    if not facts.legal_basis_art6.strip():
        findings.append(
            Finding(
                B,
                "R12",
                field="legal_basis_art6",
                message=_("Give the legal basis under GDPR article 6."),
            )
        )
    special = [v.label for v in facts.variables if v.special_category]
    special += [
        _("%(variable)s (population)") % {"variable": e.label}
        for e in facts.population_entries()
        if e.special_category
    ]
    if special and not facts.legal_basis_art9.strip():
        findings.append(
            Finding(
                B,
                "R12",
                field="legal_basis_art9",
                message=_(
                    "%(variables)s are special-category data: give the legal basis under GDPR "
                    "article 9."
                )
                % {"variables": _names(special)},
            )
        )
    return findings


def dpia(facts: ApplicationFacts) -> list[Finding]:
    """R12: a DPIA, or the reason none is needed."""
    if facts.has_dpia or facts.no_dpia_reason.strip():
        return []
    return [
        Finding(
            B,
            "R12",
            field="dpia",
            message=_(
                "Upload the data protection impact assessment (DPIA), or give the reason none is "
                "needed."
            ),
        )
    ]


def period(facts: ApplicationFacts) -> list[Finding]:
    """The project's period: both dates, in order, not ending in the past; advice when it
    outlasts the institution's authorisation (R8: agreements lapse with it)."""
    if facts.starts_on is None or facts.ends_on is None:
        return [
            Finding(B, "R12", field="period", message=_("Give the project's start and end dates."))
        ]
    if facts.ends_on < facts.starts_on:
        return [
            Finding(
                B,
                "R12",
                field="period",
                message=_("The project ends (%(end)s) before it starts (%(start)s).")
                % {"end": facts.ends_on, "start": facts.starts_on},
            )
        ]
    if facts.ends_on < facts.today:
        return [
            Finding(
                B,
                "R12",
                field="period",
                message=_("The end date %(end)s has passed.") % {"end": facts.ends_on},
            )
        ]
    until = facts.institution_authorised_until
    if facts.institution_authorised and until is not None and facts.ends_on > until:
        return [
            Finding(
                A,
                "R8",
                field="period",
                message=_(
                    "%(institution)s's authorisation runs until %(until)s, before the project "
                    "ends (%(end)s); the researchers' agreements lapse then unless the "
                    "authorisation is renewed."
                )
                % {"institution": facts.institution_name, "until": until, "end": facts.ends_on},
            )
        ]
    return []


def external_data(facts: ApplicationFacts) -> list[Finding]:
    """R15: linked data from other sources need the data-protection approval on file."""
    findings = []
    for item in facts.external_data:
        if not item.approval_reference.strip():
            findings.append(
                Finding(
                    B,
                    "R15",
                    field="external_data",
                    message=_(
                        "External data from %(source)s: give the reference of its data-protection "
                        "approval; it must be on file before processing."
                    )
                    % {"source": item.source},
                )
            )
    if facts.external_data:
        findings.append(
            Finding(
                A,
                "R15",
                field="external_data",
                message=_(
                    "External data are linked by distributed linking or by the office; the office "
                    "must receive them before processing starts."
                ),
            )
        )
    return findings


def members(facts: ApplicationFacts) -> list[Finding]:
    """R1/R7/R9: members attached to an authorised institution and certified."""
    findings: list[Finding] = []
    if not facts.members:
        findings.append(Finding(B, "R12", field="members", message=_("Add the project's members.")))
    for member in facts.members:
        if not member.attached:
            findings.append(
                Finding(
                    B,
                    "R1",
                    field=f"member:{member.name}",
                    message=_(
                        "%(person)s is not attached to (or an accepted affiliate of) an "
                        "authorised institution."
                    )
                    % {"person": member.name},
                )
            )
        if not member.certified:
            findings.append(
                Finding(
                    A,
                    "R9",
                    field=f"member:{member.name}",
                    message=_(
                        "%(person)s has not passed the certification test; they get no access "
                        "until they do."
                    )
                    % {"person": member.name},
                )
            )
    return findings


def compilation(facts: ApplicationFacts) -> list[Finding]:
    """R19: compilations across many statistical fields are cases of doubt (data quality)."""
    areas = sorted({v.subject_area for v in facts.variables if v.subject_area})
    if len(areas) > MANY_SUBJECT_AREAS:
        return [
            Finding(
                J,
                "R19",
                field="variables",
                message=_(
                    "The variables come from %(count)s statistical fields (%(fields)s); data "
                    "quality across fields is checked and a case of doubt goes to the approver."
                )
                % {"count": len(areas), "fields": _names(areas)},
            )
        ]
    return []


ALL_CHECKS = (
    institution,
    business_data,
    business_data_delay,
    population_business_delay,
    directly_identifying,
    description,
    legal_basis,
    dpia,
    period,
    population,
    justifications,
    years,
    external_data,
    members,
    compilation,
)
