"""`/api/v1/projects/...`: the same services as the pages, as JSON (in the OpenAPI document).

A rule refusal answers 400 with the rule, the field and the reason; a role or ownership
refusal 403; a missing object 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from fivesafes.api.security import api_requires
from fivesafes.audit.services import event_stream_for
from fivesafes.people.models import Institution
from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationVariable,
    ExternalDataSource,
    Invoice,
    PriceItem,
    Project,
    Publication,
    Quote,
)
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import assignment, closure, decisions, population, pricing
from fivesafes.projects.services import projects as project_service
from fivesafes.projects.views.common import findings_context
from fivesafes.projects.views.projects import may_see_project, project_timeline, visible_projects
from fivesafes.projects.workflow import OPEN_STATES, available
from fivesafes.shared.api import call_service as _call
from fivesafes.shared.api import caller as _user

router = Router()


class FindingOut(Schema):
    severity: str
    rule: str
    field: str
    message: str


class VariableOut(Schema):
    id: int
    variable: str
    first_year: int
    last_year: int
    justification: str
    identifying_justification: str
    coarsening: str


class PopulationOut(Schema):
    unit: str
    criteria: list[dict[str, Any]]
    readable: list[str]


class PopulationIn(Schema):
    """All criteria must hold; see docs/projects/README.md for the operators."""

    unit: str = "person"
    criteria: list[dict[str, Any]]


class QuoteOut(Schema):
    id: int
    reference: str
    application: str
    state: str
    lines: list[dict[str, str]]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    delivery_days: int
    estimated_delivery_on: date
    invoice_to: str
    accepted_by: str | None
    contract_sha256: str


class QuoteIn(Schema):
    coordination_hours: Decimal
    outside_list_hours: Decimal = Decimal(0)


def _quote(q: Quote) -> QuoteOut:
    return QuoteOut(
        id=q.pk,
        reference=q.reference,
        application=q.application.reference,
        state=q.state,
        lines=q.lines,
        subtotal=q.subtotal,
        vat=q.vat,
        total=q.total,
        delivery_days=q.delivery_days,
        estimated_delivery_on=q.estimated_delivery_on,
        invoice_to=q.invoice_to.name,
        accepted_by=q.accepted_by.get_username() if q.accepted_by else None,
        contract_sha256=q.contract_sha256,
    )


class QuestionOut(Schema):
    id: int
    text: str
    asked_by: str
    asked_at: datetime
    answer: str
    answered_by: str | None
    answered_at: datetime | None


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


def _events(events: Any) -> list[EventOut]:
    return [
        EventOut(at=e.occurred_at, who=e.actor_label or "system", action=e.action) for e in events
    ]


class ApplicationOut(Schema):
    id: int
    reference: str
    kind: str
    state: str
    title: str
    institution: str
    applicant: str
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
    variables: list[VariableOut]
    members: list[str]
    external_data: list[dict[str, str]]
    findings: list[FindingOut]
    fast_track: bool
    next_steps: list[str]
    project: str | None
    case_handler: str | None
    due_on: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    # What the application page shows besides: questions and answers, the difference to the
    # approved scope (change requests), quotes, and the history.
    questions: list[QuestionOut]
    changes: list[ChangeOut]
    quotes: list[QuoteOut]
    history: list[EventOut]


def _application(a: Application) -> ApplicationOut:
    return ApplicationOut(
        id=a.pk,
        reference=a.reference,
        kind=a.kind,
        state=a.state,
        title=a.title,
        institution=a.institution.name,
        applicant=a.applicant.get_username(),
        purpose=a.purpose,
        description=a.description,
        legal_basis_art6=a.legal_basis_art6,
        legal_basis_art9=a.legal_basis_art9,
        has_protocol=a.protocol_id is not None,
        has_dpia=a.dpia_id is not None,
        no_dpia_reason=a.no_dpia_reason,
        population_definition=a.population_definition,
        population=PopulationOut(
            unit=population.definition_of(a).unit,
            criteria=population.definition_of(a).as_dict()["criteria"],
            readable=population.readable(a),
        ),
        starts_on=a.starts_on,
        ends_on=a.ends_on,
        total_population=a.total_population,
        total_population_reason=a.total_population_reason,
        sample_size=a.sample_size,
        sample_reason=a.sample_reason,
        variables=[
            VariableOut(
                id=v.pk,
                variable=v.label,
                first_year=v.first_year,
                last_year=v.last_year,
                justification=v.justification,
                identifying_justification=v.identifying_justification,
                coarsening=v.coarsening,
            )
            for v in a.variables.all()
        ],
        members=[m.person.get_username() for m in a.members.select_related("person")],
        external_data=[
            {"source": e.source, "approval_reference": e.approval_reference}
            for e in a.external_data.all()
        ],
        findings=[FindingOut(**f) for f in a.findings],
        fast_track=a.fast_track,
        next_steps=[t.name for t in available(a.state_enum)],
        project=a.project.number if a.project_id else None,
        case_handler=a.case_handler.get_username() if a.case_handler_id else None,
        due_on=a.due_on,
        submitted_at=a.submitted_at,
        decided_at=a.decided_at,
        questions=[
            QuestionOut(
                id=q.pk,
                text=q.text,
                asked_by=q.asked_by.get_username(),
                asked_at=q.asked_at,
                answer=q.answer,
                answered_by=q.answered_by.get_username() if q.answered_by else None,
                answered_at=q.answered_at,
            )
            for q in a.questions.select_related("asked_by", "answered_by")
        ],
        changes=[
            ChangeOut(part=c.part, item=c.item, description=c.description, widens=c.widens)
            for c in (project_service.changes_of(a) if a.kind == Application.Kind.CHANGE else [])
        ],
        quotes=[
            _quote(q) for q in a.quotes.select_related("application", "accepted_by", "invoice_to")
        ],
        history=_events(event_stream_for(a)),
    )


def _visible(request: HttpRequest, application_id: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("institution", "applicant", "project"),
        pk=application_id,
    )
    _call(lambda: service.check_may_see(_user(request), application))
    return application


class NewApplicationIn(Schema):
    institution_id: int
    title: str
    from_basket: bool = True


class ApplicationChangesIn(Schema):
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


class VariableIn(Schema):
    first_year: int
    last_year: int
    justification: str = ""
    identifying_justification: str = ""
    coarsening: str = ""


class StepIn(Schema):
    note: str = ""
    deletion_deadline: date | None = None


class TextIn(Schema):
    text: str


class ProjectOut(Schema):
    id: int
    number: str
    title: str
    institution: str
    state: str
    starts_on: date
    ends_on: date
    deletion_deadline: date | None
    responsible: str
    members: list[str]
    approved_scope: dict[str, Any]
    data_deleted_on: date | None
    closed_at: datetime | None
    # Decisions, changes, closure and follow-up, oldest first (GET /{project_id} only).
    timeline: list[EventOut] = []


def _project(p: Project, timeline: bool = False) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        number=p.number,
        title=p.title,
        institution=p.institution.name,
        state=p.state,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        deletion_deadline=p.deletion_deadline,
        responsible=p.responsible.get_username(),
        members=[m.person.get_username() for m in p.memberships.select_related("person")],
        approved_scope=p.approved_scope,
        data_deleted_on=p.data_deleted_on,
        closed_at=p.closed_at,
        timeline=_events(project_timeline(p)) if timeline else [],
    )


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary="My applications (applicant, member, manager of the institution); for staff who "
    "read applications, those waiting for the office",
)
@api_requires(Permission.VIEW_DASHBOARD)
def application_list(
    request: HttpRequest, state: str = "", handler: str = "", due: str = ""
) -> list[ApplicationOut]:
    """Staff filter by `handler` ("mine", "none" or a user name) and `due` ("overdue", "week")."""
    user = _user(request)
    found = Application.objects.select_related("institution", "applicant", "project")
    if can(user, Permission.VIEW_PROJECT_APPLICATIONS):
        if state == "all":
            pass
        elif state:
            found = found.filter(state=state)
        else:
            found = found.filter(state__in=[s.value for s in OPEN_STATES])
        found = assignment.filter_cases(found, person=user, handler=handler, due=due)
    else:
        # The same people the application page lets in: applicant, members, and the manager
        # of the owning institution (who accepts its quotes, R18).
        found = found.filter(
            Q(applicant=user) | Q(members__person=user) | Q(institution__manager=user)
        ).distinct()
        if state and state != "all":
            found = found.filter(state=state)
    return [_application(a) for a in found[:200]]


@router.post("/applications", response={201: ApplicationOut}, summary="Start a draft application")
@api_requires(Permission.APPLY_FOR_PROJECTS)
def create_application(request: HttpRequest, payload: NewApplicationIn) -> Status[ApplicationOut]:
    institution = Institution.objects.filter(pk=payload.institution_id).first()
    application = _call(
        lambda: service.create_draft(
            actor=_user(request),
            institution=institution,
            title=payload.title,
            from_basket=payload.from_basket,
            request=request,
        )
    )
    return Status(201, _application(application))


@router.get("/applications/{application_id}", response=ApplicationOut, summary="One application")
@api_requires(Permission.VIEW_DASHBOARD)
def application_detail(request: HttpRequest, application_id: int) -> ApplicationOut:
    """The findings as of now for an open application, as the page shows them (certifications
    and authorisations change without a save); as stored once decided."""
    application = _visible(request, application_id)
    out = _application(application)
    out.findings = [FindingOut(**f.as_dict()) for f in findings_context(application)["findings"]]
    return out


@router.patch(
    "/applications/{application_id}",
    response=ApplicationOut,
    summary="Save fields of a draft; the findings are recomputed",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def update_application(
    request: HttpRequest, application_id: int, payload: ApplicationChangesIn
) -> ApplicationOut:
    application = _visible(request, application_id)
    changes = payload.dict(exclude_unset=True)
    updated = _call(
        lambda: service.update(
            actor=_user(request), application=application, changes=changes, request=request
        )
    )
    return _application(updated)


@router.put(
    "/applications/{application_id}/variables/{line_id}",
    response=ApplicationOut,
    summary="Years, justifications and coarsening of one variable",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def update_variable(
    request: HttpRequest, application_id: int, line_id: int, payload: VariableIn
) -> ApplicationOut:
    application = _visible(request, application_id)
    line = get_object_or_404(ApplicationVariable, pk=line_id, application=application)
    _call(
        lambda: service.update_variable(
            actor=_user(request), line=line, request=request, **payload.dict()
        )
    )
    application.refresh_from_db()
    return _application(application)


@router.put(
    "/applications/{application_id}/population",
    response=ApplicationOut,
    summary="Replace the population's criteria, checked against the catalogue (R11)",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def set_population(
    request: HttpRequest, application_id: int, payload: PopulationIn
) -> ApplicationOut:
    application = _visible(request, application_id)
    updated = _call(
        lambda: population.set_population(
            actor=_user(request),
            application=application,
            definition=payload.dict(),
            request=request,
        )
    )
    return _application(updated)


class MemberIn(Schema):
    username: str


class ExternalDataIn(Schema):
    source: str
    approval_reference: str = ""
    description: str = ""


@router.post(
    "/applications/{application_id}/members",
    response=ApplicationOut,
    summary="Add a member to a draft by user name",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def add_member(request: HttpRequest, application_id: int, payload: MemberIn) -> ApplicationOut:
    application = _visible(request, application_id)
    _call(
        lambda: service.add_member(
            actor=_user(request),
            application=application,
            username=payload.username,
            request=request,
        )
    )
    application.refresh_from_db()
    return _application(application)


@router.delete(
    "/applications/{application_id}/members/{username}",
    response=ApplicationOut,
    summary="Remove a member from a draft (a change request records it as narrowing, R16)",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def remove_member(request: HttpRequest, application_id: int, username: str) -> ApplicationOut:
    application = _visible(request, application_id)
    member = get_object_or_404(
        ApplicationMember, application=application, person__username=username
    )
    _call(lambda: service.remove_member(actor=_user(request), member=member, request=request))
    application.refresh_from_db()
    return _application(application)


@router.delete(
    "/applications/{application_id}/variables/{line_id}",
    response=ApplicationOut,
    summary="Remove one variable from a draft",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def remove_variable(request: HttpRequest, application_id: int, line_id: int) -> ApplicationOut:
    application = _visible(request, application_id)
    line = get_object_or_404(ApplicationVariable, pk=line_id, application=application)
    _call(lambda: service.remove_variable(actor=_user(request), line=line, request=request))
    application.refresh_from_db()
    return _application(application)


@router.post(
    "/applications/{application_id}/basket",
    response=ApplicationOut,
    summary="Add the variables of my data basket to a draft",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def add_from_basket(request: HttpRequest, application_id: int) -> ApplicationOut:
    application = _visible(request, application_id)
    _call(
        lambda: service.add_from_basket(
            actor=_user(request), application=application, request=request
        )
    )
    application.refresh_from_db()
    return _application(application)


@router.post(
    "/applications/{application_id}/external-data",
    response=ApplicationOut,
    summary="Add external data to be linked, with its data-protection approval (R15)",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def add_external_data(
    request: HttpRequest, application_id: int, payload: ExternalDataIn
) -> ApplicationOut:
    application = _visible(request, application_id)
    _call(
        lambda: service.add_external_data(
            actor=_user(request), application=application, request=request, **payload.dict()
        )
    )
    application.refresh_from_db()
    return _application(application)


@router.delete(
    "/applications/{application_id}/external-data/{item_id}",
    response=ApplicationOut,
    summary="Stop linking one source of external data",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def remove_external_data(request: HttpRequest, application_id: int, item_id: int) -> ApplicationOut:
    application = _visible(request, application_id)
    item = get_object_or_404(ExternalDataSource, pk=item_id, application=application)
    _call(lambda: service.remove_external_data(actor=_user(request), item=item, request=request))
    application.refresh_from_db()
    return _application(application)


@router.post(
    "/applications/{application_id}/documents/{kind}",
    response=ApplicationOut,
    summary="Upload the protocol or the DPIA (PDF, DOCX, ODT or TXT, checked by content)",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def upload_document(
    request: HttpRequest, application_id: int, kind: str, file: File[UploadedFile]
) -> ApplicationOut:
    application = _visible(request, application_id)
    _call(
        lambda: service.attach_document(
            actor=_user(request), application=application, kind=kind, upload=file, request=request
        )
    )
    application.refresh_from_db()
    return _application(application)


@router.post(
    "/applications/{application_id}/record-change",
    response=ProjectOut,
    summary="Record a change request that only narrows the scope, without a decision (R16)",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def record_small_change(request: HttpRequest, application_id: int) -> ProjectOut:
    application = _visible(request, application_id)
    project = _call(
        lambda: project_service.record_small_change(
            actor=_user(request), change=application, request=request
        )
    )
    return _project(project)


class AssignIn(Schema):
    handler: str | None = None
    due_on: date | None = None


@router.post(
    "/applications/{application_id}/assign",
    response=ApplicationOut,
    summary="Take the case (no handler) or assign it to a case handler, with a due date",
)
@api_requires(Permission.REVIEW_PROJECT_APPLICATIONS)
def assign(request: HttpRequest, application_id: int, payload: AssignIn) -> ApplicationOut:
    from fivesafes.accounts.models import User

    application = _visible(request, application_id)
    handler = None
    if payload.handler:
        handler = User.objects.filter(username=payload.handler).first()
        if handler is None:
            raise HttpError(
                400, f"R17 (case_handler): No person with the user name '{payload.handler}'."
            )
    updated = _call(
        lambda: assignment.assign(
            actor=_user(request),
            application=application,
            handler=handler,
            due_on=payload.due_on,
            request=request,
        )
    )
    return _application(updated)


@router.post(
    "/applications/{application_id}/steps/{step}",
    response=ApplicationOut,
    summary="Take one step: submit, start_review, return_for_changes, recommend, approve, ...",
)
@api_requires(Permission.VIEW_DASHBOARD)
def take_step(
    request: HttpRequest, application_id: int, step: str, payload: StepIn
) -> ApplicationOut:
    application = _visible(request, application_id)
    updated = _call(
        lambda: decisions.take_step(
            actor=_user(request),
            application=application,
            step=step,
            note=payload.note,
            deletion_deadline=payload.deletion_deadline,
            request=request,
        )
    )
    return _application(updated)


@router.post(
    "/applications/{application_id}/questions",
    response={201: dict[str, Any]},
    summary="Ask the applicant a question during the review",
)
@api_requires(Permission.REVIEW_PROJECT_APPLICATIONS)
def ask(request: HttpRequest, application_id: int, payload: TextIn) -> Status[dict[str, Any]]:
    application = _visible(request, application_id)
    question = _call(
        lambda: decisions.ask_question(
            actor=_user(request), application=application, text=payload.text, request=request
        )
    )
    return Status(201, {"id": question.pk, "text": question.text})


@router.post(
    "/questions/{question_id}/answer", response=dict[str, Any], summary="Answer a question"
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def answer(request: HttpRequest, question_id: int, payload: TextIn) -> dict[str, Any]:
    question = get_object_or_404(ApplicationQuestion, pk=question_id)
    done = _call(
        lambda: decisions.answer_question(
            actor=_user(request), question=question, text=payload.text, request=request
        )
    )
    return {"id": done.pk, "text": done.text, "answer": done.answer}


class PriceOut(Schema):
    code: str
    label: str
    unit: str
    unit_price: Decimal


@router.get("/prices", response=list[PriceOut], summary="The price list (R18)")
@api_requires(Permission.EDIT_PRICE_LIST)
def price_list(request: HttpRequest) -> list[PriceOut]:
    return [
        PriceOut(code=p.code, label=p.label, unit=p.unit, unit_price=p.unit_price)
        for p in PriceItem.objects.all()
    ]


class PriceIn(Schema):
    unit_price: Decimal


@router.put("/prices/{code}", response=PriceOut, summary="Change one price (R18; audited)")
@api_requires(Permission.EDIT_PRICE_LIST)
def set_price(request: HttpRequest, code: str, payload: PriceIn) -> PriceOut:
    item = _call(
        lambda: pricing.set_price(
            actor=_user(request), code=code, unit_price=payload.unit_price, request=request
        )
    )
    return PriceOut(code=item.code, label=item.label, unit=item.unit, unit_price=item.unit_price)


@router.post(
    "/applications/{application_id}/quotes",
    response={201: QuoteOut},
    summary="Offer a quote computed from an approved application (R18)",
)
@api_requires(Permission.REVIEW_PROJECT_APPLICATIONS)
def issue_quote(request: HttpRequest, application_id: int, payload: QuoteIn) -> Status[QuoteOut]:
    application = _visible(request, application_id)
    quote = _call(
        lambda: pricing.issue_quote(
            actor=_user(request), application=application, request=request, **payload.dict()
        )
    )
    return Status(201, _quote(quote))


@router.post(
    "/quotes/{quote_id}/accept",
    response=QuoteOut,
    summary="Accept a quote: only the owning institution's manager (R18)",
)
@api_requires(Permission.ACCEPT_QUOTES)
def accept_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    quote = get_object_or_404(Quote, pk=quote_id)
    return _quote(
        _call(lambda: pricing.accept_quote(actor=_user(request), quote=quote, request=request))
    )


class PublicationOut(Schema):
    id: int
    project: str
    title: str
    authors: str
    reference: str
    scrutiny: str
    scrutiny_note: str


class PublicationIn(Schema):
    title: str
    authors: str = ""
    reference: str = ""


class ScrutinyIn(Schema):
    result: str
    note: str = ""


class CloseIn(Schema):
    reason: str


def _publication(p: Publication) -> PublicationOut:
    return PublicationOut(
        id=p.pk,
        project=p.project.number,
        title=p.title,
        authors=p.authors,
        reference=p.reference,
        scrutiny=p.scrutiny,
        scrutiny_note=p.scrutiny_note,
    )


@router.get(
    "/publications", response=list[PublicationOut], summary="Publications waiting for scrutiny"
)
@api_requires(Permission.RECORD_SCRUTINY)
def scrutiny_queue(request: HttpRequest) -> list[PublicationOut]:
    pending = Publication.objects.filter(scrutiny="pending").select_related("project")
    return [_publication(p) for p in pending]


@router.post(
    "/publications/{publication_id}/scrutiny",
    response=PublicationOut,
    summary="Record the scrutiny result of a publication (R23)",
)
@api_requires(Permission.RECORD_SCRUTINY)
def record_scrutiny(
    request: HttpRequest, publication_id: int, payload: ScrutinyIn
) -> PublicationOut:
    publication = get_object_or_404(Publication, pk=publication_id)
    return _publication(
        _call(
            lambda: closure.record_scrutiny(
                actor=_user(request),
                publication=publication,
                result=payload.result,
                note=payload.note,
                request=request,
            )
        )
    )


class InvoiceOut(Schema):
    id: int
    number: str
    quote: str
    addressed_to: str
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    due_on: date


@router.post(
    "/quotes/{quote_id}/invoice",
    response={201: InvoiceOut},
    summary="Invoice an accepted quote to the owning institution (R18)",
)
@api_requires(Permission.ISSUE_INVOICES)
def issue_invoice(request: HttpRequest, quote_id: int) -> Status[InvoiceOut]:
    quote = get_object_or_404(Quote, pk=quote_id)
    invoice = _call(
        lambda: pricing.issue_invoice(actor=_user(request), quote=quote, request=request)
    )
    return Status(
        201,
        InvoiceOut(
            id=invoice.pk,
            number=invoice.number,
            quote=quote.reference,
            addressed_to=invoice.addressed_to.name,
            subtotal=invoice.subtotal,
            vat=invoice.vat,
            total=invoice.total,
            due_on=invoice.due_on,
        ),
    )


@router.get(
    "/invoices/{invoice_id}/pdf",
    summary="The invoice as PDF: the addressed institution's manager and the office's staff",
)
@api_requires(Permission.VIEW_DASHBOARD)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    from fivesafes.projects.services.documents import render_invoice

    invoice = get_object_or_404(
        Invoice.objects.select_related("addressed_to", "quote__application__project"),
        pk=invoice_id,
    )
    _call(lambda: pricing.check_may_see_invoice(_user(request), invoice))
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response


@router.get(
    "",
    response=list[ProjectOut],
    summary="My projects (responsible, member, manager); all for staff who read applications",
)
@api_requires(Permission.VIEW_DASHBOARD)
def project_list(request: HttpRequest, state: str = "") -> list[ProjectOut]:
    found = visible_projects(_user(request)).select_related("institution", "responsible")
    if state in Project.State.values:
        found = found.filter(state=state)
    return [_project(p) for p in found[:500]]


# Operations on /{project_id} come last, so that named paths (/prices) match first.
@router.get("/{project_id}", response=ProjectOut, summary="A project with its approved scope")
@api_requires(Permission.VIEW_DASHBOARD)
def project_detail(request: HttpRequest, project_id: int) -> ProjectOut:
    project = get_object_or_404(
        Project.objects.select_related("institution", "responsible"), pk=project_id
    )
    if not may_see_project(_user(request), project):
        raise HttpError(403, f"You are not a member of project {project.number}.")
    return _project(project, timeline=True)


@router.post(
    "/{project_id}/change-requests",
    response={201: ApplicationOut},
    summary="Start a change request (R16) as a draft copy of the approved scope",
)
@api_requires(Permission.APPLY_FOR_PROJECTS)
def start_change(request: HttpRequest, project_id: int, payload: TextIn) -> Status[ApplicationOut]:
    project = get_object_or_404(Project, pk=project_id)
    change = _call(
        lambda: project_service.start_change_request(
            actor=_user(request), project=project, summary=payload.text, request=request
        )
    )
    return Status(201, _application(change))


@router.post("/{project_id}/close", response=ProjectOut, summary="Close the project now (R25)")
@api_requires(Permission.VIEW_DASHBOARD)
def close_project(request: HttpRequest, project_id: int, payload: CloseIn) -> ProjectOut:
    project = get_object_or_404(Project, pk=project_id)
    return _project(
        _call(
            lambda: closure.close(
                actor=_user(request), project=project, reason=payload.reason, request=request
            )
        )
    )


class DeletedIn(Schema):
    deleted_on: date | None = None


@router.post(
    "/{project_id}/data-deleted",
    response=ProjectOut,
    summary="Record that a closed project's data were deleted (R25)",
)
@api_requires(Permission.CLOSE_PROJECTS)
def confirm_deletion(request: HttpRequest, project_id: int, payload: DeletedIn) -> ProjectOut:
    project = get_object_or_404(Project, pk=project_id)
    return _project(
        _call(
            lambda: closure.confirm_deletion(
                actor=_user(request),
                project=project,
                deleted_on=payload.deleted_on,
                request=request,
            )
        )
    )


@router.post(
    "/{project_id}/publications",
    response={201: PublicationOut},
    summary="Register a publication from the project for scrutiny (R23)",
)
@api_requires(Permission.WORK_IN_PROJECTS)
def register_publication(
    request: HttpRequest, project_id: int, payload: PublicationIn
) -> Status[PublicationOut]:
    project = get_object_or_404(Project, pk=project_id)
    publication = _call(
        lambda: closure.register_publication(
            actor=_user(request), project=project, request=request, **payload.dict()
        )
    )
    return Status(201, _publication(publication))
