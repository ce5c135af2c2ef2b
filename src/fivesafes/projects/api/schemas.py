"""What the safe-projects API answers and accepts: `from_attributes` schemas read straight from
the models: a link by a dotted path (`linked("applicant.username")`), with `resolve_*` for what
is not a plain column or a link that is always there (an optional person's user name, the
findings as of now, the asker's next steps). One schema per object, built one way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from fivesafes.audit.services import event_stream_for
from fivesafes.policy import applications as applications_policy
from fivesafes.projects.models import Application, Project, Quote
from fivesafes.projects.services import population
from fivesafes.projects.services.applications import current_findings
from fivesafes.projects.services.projects import changes_of, project_timeline
from fivesafes.shared.api import linked
from fivesafes.shared.inputs import In


def _name(person: Any) -> str | None:
    return person.get_username() if person is not None else None


class FindingOut(Schema):
    severity: str
    rule: str
    field: str
    message: str


class ApplicationVariableOut(Schema):
    id: int
    variable: str
    first_year: int
    last_year: int
    justification: str
    identifying_justification: str
    coarsening: str

    @staticmethod
    def resolve_variable(line: Any) -> str:
        return str(line.label)


class PopulationOut(Schema):
    unit: str
    criteria: list[dict[str, Any]]
    readable: list[str]


class QuestionOut(Schema):
    id: int
    text: str
    asked_by: str = linked("asked_by.username")
    asked_at: datetime
    answer: str
    answered_by: str | None
    answered_at: datetime | None

    @staticmethod
    def resolve_answered_by(question: Any) -> str | None:
        return _name(question.answered_by)


class ChangeOut(Schema):
    """One difference between a change request and the approved scope (R16)."""

    part: str
    item: str
    description: str
    widens: bool


class EventOut(Schema):
    at: datetime
    who: str
    action: str

    @staticmethod
    def resolve_at(event: Any) -> datetime:
        at: datetime = event.occurred_at
        return at

    @staticmethod
    def resolve_who(event: Any) -> str:
        return str(event.actor_label or "system")


class QuoteOut(Schema):
    id: int
    reference: str
    application: str = linked("application.reference")
    state: str
    lines: list[dict[str, str]]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    delivery_days: int
    estimated_delivery_on: date
    invoice_to: str = linked("invoice_to.name")
    accepted_by: str | None
    contract_sha256: str

    @staticmethod
    def resolve_accepted_by(quote: Quote) -> str | None:
        return _name(quote.accepted_by)


class ApplicationSummary(Schema):
    """One row of an application list: what the lists show, in a fixed number of queries."""

    id: int
    reference: str
    kind: str
    state: str
    title: str
    institution: str = linked("institution.name")
    applicant: str = linked("applicant.username")
    fast_track: bool
    project: str | None
    case_handler: str | None
    due_on: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    quotes: list[QuoteOut]

    @staticmethod
    def resolve_project(a: Application) -> str | None:
        return a.project.number if a.project_id else None

    @staticmethod
    def resolve_case_handler(a: Application) -> str | None:
        return _name(a.case_handler) if a.case_handler_id else None

    @staticmethod
    def resolve_quotes(a: Application) -> list[Quote]:
        return list(a.quotes.all())


class ApplicationOut(ApplicationSummary):
    """One application as its page shows it, with the asker's next steps."""

    purpose: str
    description: str
    legal_basis_art6: str
    legal_basis_art9: str
    has_protocol: bool
    has_dpia: bool
    no_dpia_reason: str
    population_definition: str
    population: PopulationOut
    starts_on: date | None
    ends_on: date | None
    total_population: bool
    total_population_reason: str
    sample_size: int | None
    sample_reason: str
    variables: list[ApplicationVariableOut]
    members: list[str]
    external_data: list[dict[str, str]]
    findings: list[FindingOut]
    next_steps: list[str]
    # What the application page shows besides: questions and answers, the difference to the
    # approved scope (change requests), quotes, and the history.
    questions: list[QuestionOut]
    changes: list[ChangeOut]
    history: list[EventOut]

    @staticmethod
    def resolve_has_protocol(a: Application) -> bool:
        return a.protocol_id is not None

    @staticmethod
    def resolve_has_dpia(a: Application) -> bool:
        return a.dpia_id is not None

    @staticmethod
    def resolve_population(a: Application) -> PopulationOut:
        definition = population.definition_of(a)
        return PopulationOut(
            unit=definition.unit,
            criteria=definition.as_dict()["criteria"],
            readable=population.readable(a),
        )

    @staticmethod
    def resolve_variables(a: Application) -> list[Any]:
        return list(a.variables.all())

    @staticmethod
    def resolve_members(a: Application) -> list[str]:
        return [m.person.get_username() for m in a.members.select_related("person")]

    @staticmethod
    def resolve_external_data(a: Application) -> list[dict[str, str]]:
        return [
            {"source": e.source, "approval_reference": e.approval_reference}
            for e in a.external_data.all()
        ]

    @staticmethod
    def resolve_findings(a: Application) -> list[dict[str, str]]:
        return [f.as_dict() for f in current_findings(a)]

    @staticmethod
    def resolve_next_steps(a: Application, context: Any) -> list[str]:
        asker = getattr(context["request"], "auth", None)
        return [t.name for t in applications_policy.next_steps(a, asker)]

    @staticmethod
    def resolve_questions(a: Application) -> list[Any]:
        return list(a.questions.select_related("asked_by", "answered_by"))

    @staticmethod
    def resolve_changes(a: Application) -> list[Any]:
        return changes_of(a) if a.kind == Application.Kind.CHANGE else []

    @staticmethod
    def resolve_quotes(a: Application) -> list[Quote]:
        return list(a.quotes.select_related("application", "accepted_by", "invoice_to"))

    @staticmethod
    def resolve_history(a: Application) -> list[Any]:
        return list(event_stream_for(a))


class ProjectOut(Schema):
    id: int
    number: str
    title: str
    institution: str = linked("institution.name")
    state: str
    starts_on: date
    ends_on: date
    deletion_deadline: date | None
    responsible: str = linked("responsible.username")
    members: list[str]
    approved_scope: dict[str, Any]
    data_deleted_on: date | None
    closed_at: datetime | None
    # Decisions, changes, closure and follow-up, oldest first (GET /{project_id} only).
    timeline: list[EventOut] = []

    @staticmethod
    def resolve_members(p: Project) -> list[str]:
        return [m.person.get_username() for m in p.memberships.all()]

    @staticmethod
    def resolve_timeline(p: Project) -> list[Any]:
        return []


class ProjectDetailOut(ProjectOut):
    @staticmethod
    def resolve_timeline(p: Project) -> list[Any]:
        return project_timeline(p)


class PriceOut(Schema):
    code: str
    label: str
    unit: str
    unit_price: Decimal


class PublicationOut(Schema):
    id: int
    project: str = linked("project.number")
    title: str
    authors: str
    reference: str
    scrutiny: str
    scrutiny_note: str


class InvoiceOut(Schema):
    id: int
    number: str
    quote: str = linked("quote.reference")
    addressed_to: str = linked("addressed_to.name")
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    due_on: date


# What the API accepts.


class PopulationIn(In):
    """All criteria must hold; see docs/projects/README.md for the operators."""

    unit: str = "person"
    criteria: list[dict[str, Any]]


class QuoteIn(In):
    coordination_hours: Decimal
    outside_list_hours: Decimal = Decimal(0)


class NewApplicationIn(In):
    limits = {"title": 200}
    institution_id: int
    title: str
    from_basket: bool = True


class ApplicationChangesIn(In):
    limits = {"title": 200, "legal_basis_art6": 300, "legal_basis_art9": 300}
    title: str | None = None
    purpose: str | None = None
    description: str | None = None
    legal_basis_art6: str | None = None
    legal_basis_art9: str | None = None
    no_dpia_reason: str | None = None
    population_definition: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    total_population: bool | None = None
    total_population_reason: str | None = None
    sample_size: int | None = None
    sample_reason: str | None = None
    change_summary: str | None = None


class VariableIn(In):
    first_year: int
    last_year: int
    justification: str = ""
    identifying_justification: str = ""
    coarsening: str = ""


class ApplicationStepIn(In):
    note: str = ""
    deletion_deadline: date | None = None


class MemberIn(In):
    username: str = Field(
        description="The member's user name, or their full name when only one person has it"
    )


class ExternalDataIn(In):
    source: str
    approval_reference: str = ""
    description: str = ""


class AssignIn(In):
    handler: str | None = None
    due_on: date | None = None


class PriceIn(In):
    unit_price: Decimal


class PublicationIn(In):
    limits = {"title": 300}
    title: str
    authors: str = ""
    reference: str = ""


class ScrutinyIn(In):
    result: str
    note: str = ""


class CloseIn(In):
    reason: str


class DeletedIn(In):
    deleted_on: date | None = None
