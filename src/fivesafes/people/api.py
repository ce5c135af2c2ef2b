"""`/api/v1/people/...`: the same services as the pages, as JSON (in the OpenAPI document).

A rule refusal answers 400 with the rule, the field and the reason; a role refusal 403
(`fivesafes.api.errors`). Documents (agreement PDFs, evidence, the R3 guarantee) come back as
files, to the same people who may open them on the pages.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from fivesafes.accounts.models import User
from fivesafes.api.security import api_requires
from fivesafes.people.access import AccessAnswer, project_access, projects_within_reach
from fivesafes.people.models import (
    Authorisation,
    Breach,
    BreachEvidence,
    CertificationQuestion,
    ClarifyingQuestion,
    Institution,
    ResearcherAgreement,
)
from fivesafes.people.report import access_report
from fivesafes.people.services import agreements, certification, researchers, sanctions
from fivesafes.people.services import authorisation as cases
from fivesafes.people.views.common import may_see_institution
from fivesafes.people.views.documents import send_file
from fivesafes.people.workflow import OPEN_STATES, TRANSITIONS
from fivesafes.policy.checks import check_permission
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.api import call_service as _call
from fivesafes.shared.api import caller as _user
from fivesafes.shared.uploads import CONTENT_TYPES

router = Router()
NO_FILE = File(None)  # an optional file part of a multipart form


def _person(text: str) -> Any:
    person = (
        User.objects.filter(username=text).first()
        or User.objects.filter(email__iexact=text).first()
    )
    if person is None:
        raise HttpError(400, f"researcher: no person with the username or e-mail '{text}'.")
    return person


class ConditionOut(Schema):
    name: str
    met: bool
    why: str


class AccessOut(Schema):
    person: str
    project: str
    allowed: bool
    conditions: list[ConditionOut]


def _access(person: Any, project: Any, answer: AccessAnswer) -> AccessOut:
    return AccessOut(
        person=person.username,
        project=project.number,
        allowed=answer.allowed,
        conditions=[ConditionOut(name=c.name, met=c.met, why=c.why) for c in answer.conditions],
    )


class CaseOut(Schema):
    id: int
    institution: str
    kind: str
    state: str
    due_on: date
    valid_from: date | None
    valid_until: date | None
    credibility_assessment: str
    business_data_exemption: bool
    exemption_reason: str
    exemption_decided_by: str | None
    exemption_decided_at: datetime | None
    exemption_guarantee_sha256: str
    next_steps: list[str]


def _case(case: Authorisation) -> CaseOut:
    return CaseOut(
        id=case.pk,
        institution=case.institution.name,
        kind=case.institution.kind,
        state=case.state,
        due_on=case.due_on,
        valid_from=case.valid_from,
        valid_until=case.valid_until,
        credibility_assessment=case.credibility_assessment,
        business_data_exemption=case.business_data_exemption,
        exemption_reason=case.exemption_reason,
        exemption_decided_by=(
            case.exemption_decided_by.username if case.exemption_decided_by_id else None
        ),
        exemption_decided_at=case.exemption_decided_at,
        exemption_guarantee_sha256=case.exemption_guarantee_sha256,
        next_steps=[t.name for t in TRANSITIONS.values() if case.state_enum in t.sources],
    )


class ApplyIn(Schema):
    name: str
    kind: str
    country: str = "DK"
    recognition: str = ""
    address: str = ""
    application_text: str
    research_group: str


class StepIn(Schema):
    note: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


class TextIn(Schema):
    text: str


class QuestionOut(Schema):
    id: int
    question: str
    answer: str
    answered_at: datetime | None


@router.get("/my-access", response=list[AccessOut], summary="My projects: access today and why")
@api_requires(Permission.WORK_IN_PROJECTS)
def my_access(request: HttpRequest) -> list[AccessOut]:
    user = _user(request)
    return [
        _access(user, p, project_access(user, p, request=request))
        for p in projects_within_reach(user)
    ]


@router.get(
    "/projects/{project_id}/access", response=AccessOut, summary="May I work in this project now?"
)
@api_requires(Permission.WORK_IN_PROJECTS)
def project_access_now(request: HttpRequest, project_id: int) -> AccessOut:
    user = _user(request)
    project = get_object_or_404(Project, pk=project_id)
    return _access(user, project, project_access(user, project, request=request))


@router.get(
    "/cases", response=list[CaseOut], summary="Authorisation cases (open ones unless state=all)"
)
@api_requires(Permission.VIEW_PEOPLE_CASES)
def case_list(request: HttpRequest, state: str = "") -> list[CaseOut]:
    found = Authorisation.objects.select_related("institution")
    if state == "all":
        pass
    elif state:
        found = found.filter(state=state)
    else:
        found = found.filter(state__in=[s.value for s in OPEN_STATES])
    return [_case(c) for c in found]


def _visible_case(request: HttpRequest, case_id: int) -> Authorisation:
    case = get_object_or_404(Authorisation.objects.select_related("institution"), pk=case_id)
    if not may_see_institution(_user(request), case.institution):
        raise HttpError(403, "This case belongs to another institution.")
    return case


@router.get("/cases/{case_id}", response=CaseOut, summary="One authorisation case")
@api_requires(Permission.VIEW_DASHBOARD)
def case_detail(request: HttpRequest, case_id: int) -> CaseOut:
    return _case(_visible_case(request, case_id))


@router.post("/cases", response={201: CaseOut}, summary="Apply for authorisation of an institution")
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def apply(request: HttpRequest, payload: ApplyIn) -> Status[CaseOut]:
    case = _call(lambda: cases.apply(actor=_user(request), request=request, **payload.dict()))
    return Status(201, _case(case))


class ApplyAgainIn(Schema):
    application_text: str
    research_group: str


@router.post(
    "/institutions/{institution_id}/cases",
    response={201: CaseOut},
    summary="Apply again for a known institution (renewal, or after it ended)",
)
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def apply_again(
    request: HttpRequest, institution_id: int, payload: ApplyAgainIn
) -> Status[CaseOut]:
    institution = get_object_or_404(Institution, pk=institution_id)
    case = _call(
        lambda: cases.apply_again(
            actor=_user(request), institution=institution, request=request, **payload.dict()
        )
    )
    return Status(201, _case(case))


@router.post("/cases/{case_id}/steps/{step}", response=CaseOut, summary="Take one step of the case")
@api_requires(Permission.VIEW_DASHBOARD)
def take_step(request: HttpRequest, case_id: int, step: str, payload: StepIn) -> CaseOut:
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise HttpError(404, f"'{step}' is not a step of the authorisation case.")
    _call(lambda: check_permission(_user(request), transition.permission))
    case = _visible_case(request, case_id)
    return _case(
        _call(
            lambda: cases.take_step(
                actor=_user(request),
                authorisation=case,
                step=step,
                request=request,
                **payload.dict(),
            )
        )
    )


@router.post(
    "/cases/{case_id}/credibility",
    response=CaseOut,
    summary="Record the credibility assessment (R6)",
)
@api_requires(Permission.EVALUATE_AUTHORISATIONS)
def credibility(request: HttpRequest, case_id: int, payload: TextIn) -> CaseOut:
    case = get_object_or_404(Authorisation, pk=case_id)
    return _case(
        _call(
            lambda: cases.record_credibility(
                actor=_user(request),
                authorisation=case,
                assessment=payload.text,
                request=request,
            )
        )
    )


@router.post(
    "/cases/{case_id}/questions",
    response={201: QuestionOut},
    summary="Ask the applicant a question",
)
@api_requires(Permission.EVALUATE_AUTHORISATIONS)
def ask(request: HttpRequest, case_id: int, payload: TextIn) -> Status[QuestionOut]:
    case = get_object_or_404(Authorisation, pk=case_id)
    asked = _call(
        lambda: cases.ask_question(
            actor=_user(request), authorisation=case, question=payload.text, request=request
        )
    )
    return Status(
        201, QuestionOut(id=asked.pk, question=asked.question, answer="", answered_at=None)
    )


@router.post(
    "/questions/{question_id}/answer", response=QuestionOut, summary="Answer a clarifying question"
)
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def answer(request: HttpRequest, question_id: int, payload: TextIn) -> QuestionOut:
    question = get_object_or_404(ClarifyingQuestion, pk=question_id)
    done = _call(
        lambda: cases.answer_question(
            actor=_user(request), question=question, answer=payload.text, request=request
        )
    )
    return QuestionOut(
        id=done.pk, question=done.question, answer=done.answer, answered_at=done.answered_at
    )


@router.post(
    "/cases/{case_id}/exemption",
    response=CaseOut,
    summary="Grant a consultancy firm the business-data exemption (R3), with the guarantee",
)
@api_requires(Permission.DECIDE_AUTHORISATIONS)
def exemption(
    request: HttpRequest,
    case_id: int,
    reason: Form[str],
    client_is_public_or_eligible_ngo: Form[bool] = False,
    guarantee: UploadedFile | None = NO_FILE,
) -> CaseOut:
    """Multipart form: `reason`, `client_is_public_or_eligible_ngo`, and the `guarantee` file
    (PDF, text, PNG or JPEG, checked by content)."""
    case = get_object_or_404(Authorisation.objects.select_related("institution"), pk=case_id)
    return _case(
        _call(
            lambda: cases.grant_exemption(
                actor=_user(request),
                authorisation=case,
                reason=reason,
                client_is_public_or_eligible_ngo=client_is_public_or_eligible_ngo,
                guarantee=guarantee,
                request=request,
            )
        )
    )


@router.get(
    "/cases/{case_id}/exemption/guarantee",
    response={200: bytes},
    summary="The client's written guarantee behind the R3 exemption",
)
@api_requires(Permission.VIEW_DASHBOARD)
def exemption_guarantee(request: HttpRequest, case_id: int) -> FileResponse:
    case = _visible_case(request, case_id)
    name = case.exemption_guarantee.name
    extension = name.rsplit(".", 1)[-1] if name else ""
    return send_file(
        name,
        f"guarantee-A-{case.pk}.{extension}",
        CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


@router.get(
    "/cases/{case_id}/agreement",
    response={200: bytes},
    summary="The authorisation agreement (PDF)",
)
@api_requires(Permission.VIEW_DASHBOARD)
def authorisation_agreement(request: HttpRequest, case_id: int) -> FileResponse:
    case = _visible_case(request, case_id)
    return send_file(case.agreement_document, f"authorisation-A-{case.pk}.pdf", "application/pdf")


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    authorised: bool


@router.get("/institutions/mine", response=list[InstitutionOut], summary="Institutions I manage")
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def my_institutions(request: HttpRequest) -> list[InstitutionOut]:
    return [
        InstitutionOut(
            id=i.pk, name=i.name, kind=i.kind, country=i.country, authorised=i.is_authorised()
        )
        for i in Institution.objects.filter(manager=_user(request))
    ]


class AttachIn(Schema):
    researcher: str
    starts_on: date | None = None
    working_abroad: bool = False
    affiliated: bool = False
    contact_person: str | None = None
    accepts_responsibility: bool = False


class AttachmentOut(Schema):
    id: int
    researcher: str
    institution: str
    kind: str
    starts_on: date
    ends_on: date | None = None
    current: bool = True
    working_abroad: bool = False
    contact_person: str | None = None


@router.get(
    "/institutions/{institution_id}/attachments",
    response=list[AttachmentOut],
    summary="The institution's researchers and affiliations, current and past",
)
@api_requires(Permission.VIEW_DASHBOARD)
def attachment_list(request: HttpRequest, institution_id: int) -> list[AttachmentOut]:
    from fivesafes.people.models import Attachment

    institution = get_object_or_404(Institution, pk=institution_id)
    if not may_see_institution(_user(request), institution):
        raise HttpError(403, "This institution is another's; you cannot see its researchers.")
    current = set(
        Attachment.objects.current().filter(institution=institution).values_list("pk", flat=True)
    )
    return [
        AttachmentOut(
            id=a.pk,
            researcher=a.researcher.username,
            institution=institution.name,
            kind=a.kind,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            current=a.pk in current and a.is_accepted,
            working_abroad=a.working_abroad,
            contact_person=a.contact_person.username if a.contact_person_id else None,
        )
        for a in institution.attachments.select_related("researcher", "contact_person")
    ]


@router.post(
    "/institutions/{institution_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach or affiliate a researcher",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def attach(request: HttpRequest, institution_id: int, payload: AttachIn) -> Status[AttachmentOut]:
    institution = get_object_or_404(Institution, pk=institution_id)
    data = payload.dict()
    data["researcher"] = _person(data["researcher"])
    data["contact_person"] = _person(data["contact_person"]) if data["contact_person"] else None
    done = _call(
        lambda: researchers.attach(
            actor=_user(request), institution=institution, request=request, **data
        )
    )
    return Status(
        201,
        AttachmentOut(
            id=done.pk,
            researcher=done.researcher.username,
            institution=institution.name,
            kind=done.kind,
            starts_on=done.starts_on,
        ),
    )


class AgreementIn(Schema):
    researcher: str
    project: str
    starts_on: date
    ends_on: date
    allowed_networks: str


class SignatureOut(Schema):
    party: str
    signer: str
    signed_at: datetime
    document_sha256: str


class AgreementOut(Schema):
    id: int
    researcher: str
    project: str
    starts_on: date
    ends_on: date
    allowed_networks: list[str]
    researcher_signed_at: datetime | None
    countersigned_at: datetime | None
    current: bool
    status: str
    document_sha256: str
    signatures: list[SignatureOut]


def _agreement(agreement: ResearcherAgreement) -> AgreementOut:
    current, why = agreement.status()
    return AgreementOut(
        id=agreement.pk,
        researcher=agreement.researcher.username,
        project=agreement.project.number,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        allowed_networks=agreement.allowed_networks.split(),
        researcher_signed_at=agreement.researcher_signed_at,
        countersigned_at=agreement.countersigned_at,
        current=current,
        status=why,
        document_sha256=agreement.document_sha256,
        signatures=[
            SignatureOut(
                party=s.party,
                signer=s.signer.username,
                signed_at=s.signed_at,
                document_sha256=s.document_sha256,
            )
            for s in agreement.signatures.select_related("signer")
        ],
    )


@router.get(
    "/agreements",
    response=list[AgreementOut],
    summary="Researcher agreements: mine, and those of the institutions I manage",
)
@api_requires(Permission.VIEW_DASHBOARD)
def agreement_list(request: HttpRequest) -> list[AgreementOut]:
    user = _user(request)
    found = (
        ResearcherAgreement.objects.filter(
            Q(researcher=user) | Q(authorisation__institution__manager=user)
        )
        .select_related("researcher", "project", "authorisation__institution")
        .distinct()
    )
    return [_agreement(a) for a in found]


@router.get(
    "/agreements/{agreement_id}/document",
    response={200: bytes},
    summary="The researcher agreement (PDF): the researcher, their manager and staff",
)
@api_requires(Permission.VIEW_DASHBOARD)
def agreement_document(request: HttpRequest, agreement_id: int) -> FileResponse:
    agreement = get_object_or_404(
        ResearcherAgreement.objects.select_related("authorisation__institution"), pk=agreement_id
    )
    _call(lambda: agreements.check_may_read(_user(request), agreement))
    agreements.ensure_document(agreement, actor=_user(request))
    return send_file(
        agreement.document, f"researcher-agreement-R-{agreement.pk}.pdf", "application/pdf"
    )


@router.post(
    "/agreements", response={201: AgreementOut}, summary="Draw up a researcher agreement (R8)"
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def new_agreement(request: HttpRequest, payload: AgreementIn) -> Status[AgreementOut]:
    project = Project.objects.filter(number=payload.project).first()
    if project is None:
        raise HttpError(400, f"project: no project numbered '{payload.project}'.")
    data = payload.dict()
    data["researcher"], data["project"] = _person(data["researcher"]), project
    done = _call(lambda: agreements.create(actor=_user(request), request=request, **data))
    return Status(201, _agreement(done))


@router.post("/agreements/{agreement_id}/sign", response=AgreementOut, summary="Sign my agreement")
@api_requires(Permission.WORK_IN_PROJECTS)
def sign(request: HttpRequest, agreement_id: int) -> AgreementOut:
    agreement = get_object_or_404(ResearcherAgreement, pk=agreement_id)
    return _agreement(
        _call(lambda: agreements.sign(actor=_user(request), agreement=agreement, request=request))
    )


@router.post(
    "/agreements/{agreement_id}/countersign",
    response=AgreementOut,
    summary="Countersign as the manager",
)
@api_requires(Permission.SIGN_FOR_INSTITUTION)
def countersign(request: HttpRequest, agreement_id: int) -> AgreementOut:
    agreement = get_object_or_404(ResearcherAgreement, pk=agreement_id)
    return _agreement(
        _call(
            lambda: agreements.countersign(
                actor=_user(request), agreement=agreement, request=request
            )
        )
    )


@router.post(
    "/agreements/{agreement_id}/notice",
    response=AgreementOut,
    summary="End an agreement at three months' notice (the researcher or the manager)",
)
@api_requires(Permission.VIEW_DASHBOARD)
def agreement_notice(request: HttpRequest, agreement_id: int) -> AgreementOut:
    agreement = get_object_or_404(ResearcherAgreement, pk=agreement_id)
    return _agreement(
        _call(
            lambda: agreements.give_notice(
                actor=_user(request), agreement=agreement, request=request
            )
        )
    )


class TestQuestionOut(Schema):
    id: int
    text: str
    choices: list[str]


class AnswersIn(Schema):
    answers: dict[int, int]


class AttemptOut(Schema):
    correct: int
    total: int
    passed: bool
    valid_until: date | None


@router.get(
    "/certification/questions",
    response=list[TestQuestionOut],
    summary="The certification test (R9)",
)
@api_requires(Permission.WORK_IN_PROJECTS)
def test_questions(request: HttpRequest) -> list[TestQuestionOut]:
    return [
        TestQuestionOut(id=q.pk, text=q.text, choices=q.choices)
        for q in CertificationQuestion.objects.filter(active=True)
    ]


@router.post(
    "/certification/attempts", response={201: AttemptOut}, summary="Take the certification test"
)
@api_requires(Permission.WORK_IN_PROJECTS)
def take_test(request: HttpRequest, payload: AnswersIn) -> Status[AttemptOut]:
    done = _call(
        lambda: certification.take_test(
            actor=_user(request), answers=payload.answers, request=request
        )
    )
    return Status(
        201,
        AttemptOut(
            correct=done.correct,
            total=done.total,
            passed=done.passed,
            valid_until=done.valid_until if done.passed else None,
        ),
    )


class BreachIn(Schema):
    researcher: str
    what_happened: str
    evidence: str


class DecisionIn(Schema):
    decision: str
    permanent: bool = False
    exclusion_ends_on: date | None = None
    withdraw_institution_until: date | None = None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class BreachOut(Schema):
    id: int
    researcher: str
    state: str
    what_happened: str
    evidence: str
    decision: str
    files: list[EvidenceOut]


def _evidence(e: BreachEvidence) -> EvidenceOut:
    return EvidenceOut(
        id=e.pk,
        name=e.name,
        content_type=e.content_type,
        size=e.size,
        sha256=e.sha256,
        uploaded_by=e.uploaded_by.username,
        uploaded_at=e.uploaded_at,
    )


def _breach(breach: Breach) -> BreachOut:
    return BreachOut(
        id=breach.pk,
        researcher=breach.researcher.username,
        state=breach.state,
        what_happened=breach.what_happened,
        evidence=breach.evidence,
        decision=breach.decision,
        files=[_evidence(e) for e in breach.files.select_related("uploaded_by")],
    )


@router.get("/breaches", response=list[BreachOut], summary="Breach cases")
@api_requires(Permission.VIEW_PEOPLE_CASES)
def breach_list(request: HttpRequest) -> list[BreachOut]:
    return [_breach(b) for b in Breach.objects.select_related("researcher")]


@router.post("/breaches", response={201: BreachOut}, summary="Report a breach (R24)")
@api_requires(Permission.REPORT_BREACHES)
def report_breach(request: HttpRequest, payload: BreachIn) -> Status[BreachOut]:
    data = payload.dict()
    data["researcher"] = _person(data["researcher"])
    user = _user(request)
    breach = _call(lambda: sanctions.report_breach(actor=user, request=request, **data))
    return Status(201, _breach(breach))


@router.get("/breaches/{breach_id}", response=BreachOut, summary="One breach case")
@api_requires(Permission.VIEW_PEOPLE_CASES)
def breach_detail(request: HttpRequest, breach_id: int) -> BreachOut:
    return _breach(get_object_or_404(Breach.objects.select_related("researcher"), pk=breach_id))


@router.post(
    "/breaches/{breach_id}/evidence",
    response={201: list[EvidenceOut]},
    summary="Attach evidence files to a breach not yet decided (PDF, text, PNG, JPEG)",
)
@api_requires(Permission.REPORT_BREACHES)
def add_evidence(
    request: HttpRequest, breach_id: int, files: File[list[UploadedFile]]
) -> Status[list[EvidenceOut]]:
    breach = get_object_or_404(Breach, pk=breach_id)
    added = _call(
        lambda: sanctions.add_evidence(
            actor=_user(request), breach=breach, files=files, request=request
        )
    )
    return Status(201, [_evidence(e) for e in added])


@router.get(
    "/breaches/{breach_id}/evidence/{evidence_id}",
    response={200: bytes},
    summary="One evidence file of a breach (staff)",
)
@api_requires(Permission.VIEW_PEOPLE_CASES)
def evidence_file(request: HttpRequest, breach_id: int, evidence_id: int) -> FileResponse:
    evidence = get_object_or_404(BreachEvidence, pk=evidence_id, breach_id=breach_id)
    return send_file(sanctions.evidence_path(evidence), evidence.name, evidence.content_type)


@router.post(
    "/breaches/{breach_id}/decision", response=BreachOut, summary="Decide the sanction (R24)"
)
@api_requires(Permission.DECIDE_SANCTIONS)
def decide(request: HttpRequest, breach_id: int, payload: DecisionIn) -> BreachOut:
    breach = get_object_or_404(Breach, pk=breach_id)
    return _breach(
        _call(
            lambda: sanctions.decide(
                actor=_user(request), breach=breach, request=request, **payload.dict()
            )
        )
    )


@router.post(
    "/breaches/{breach_id}/dismissal",
    response=BreachOut,
    summary="Dismiss a breach report: no breach, no sanction (R24)",
)
@api_requires(Permission.DECIDE_SANCTIONS)
def dismiss(request: HttpRequest, breach_id: int, payload: TextIn) -> BreachOut:
    breach = get_object_or_404(Breach, pk=breach_id)
    return _breach(
        _call(
            lambda: sanctions.dismiss(
                actor=_user(request), breach=breach, decision=payload.text, request=request
            )
        )
    )


class ReportRowOut(AccessOut):
    variables: list[str]
    registers: list[str]


@router.get(
    "/access-report",
    response=list[ReportRowOut],
    summary="Who has access to what today, and why",
)
@api_requires(Permission.VIEW_ACCESS_REPORT)
def report(
    request: HttpRequest,
    person: str = "",
    project: str = "",
    institution: str = "",
    register_name: str = Query("", alias="register"),
    only_with_access: bool = False,
) -> list[ReportRowOut]:
    """Filter by person, project, institution or register (a catalogue short name): a register
    is reached through the projects whose approved scope holds its variables."""
    rows = _call(
        lambda: access_report(
            person=person or None,
            project=project or None,
            institution=institution or None,
            register=register_name or None,
            only_with_access=only_with_access,
        )
    )
    return [
        ReportRowOut(
            **_access(r.person, r.project, r.answer).dict(),
            variables=r.variables,
            registers=r.registers(),
        )
        for r in rows
    ]


@router.post(
    "/attachments/{attachment_id}/end",
    response=AttachmentOut,
    summary="End a researcher's attachment today",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def end_attachment(request: HttpRequest, attachment_id: int) -> AttachmentOut:
    from fivesafes.people.models import Attachment

    attachment = get_object_or_404(
        Attachment.objects.select_related("institution"), pk=attachment_id
    )
    done = _call(
        lambda: researchers.end_attachment(
            actor=_user(request), attachment=attachment, request=request
        )
    )
    return AttachmentOut(
        id=done.pk,
        researcher=done.researcher.username,
        institution=done.institution.name,
        kind=done.kind,
        starts_on=done.starts_on,
    )


class WorkingAbroadIn(Schema):
    working_abroad: bool


@router.post(
    "/attachments/{attachment_id}/working-abroad",
    response=AttachmentOut,
    summary="Mark a researcher as working abroad, or back home (R7)",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def working_abroad(
    request: HttpRequest, attachment_id: int, payload: WorkingAbroadIn
) -> AttachmentOut:
    from fivesafes.people.models import Attachment

    attachment = get_object_or_404(
        Attachment.objects.select_related("institution"), pk=attachment_id
    )
    done = _call(
        lambda: researchers.set_working_abroad(
            actor=_user(request),
            attachment=attachment,
            working_abroad=payload.working_abroad,
            request=request,
        )
    )
    return AttachmentOut(
        id=done.pk,
        researcher=done.researcher.username,
        institution=done.institution.name,
        kind=done.kind,
        starts_on=done.starts_on,
        ends_on=done.ends_on,
        working_abroad=done.working_abroad,
    )


class BankQuestionIn(Schema):
    text: str
    choices: list[str]
    correct_choice: int
    active: bool = True


class BankQuestionOut(TestQuestionOut):
    correct_choice: int
    active: bool


@router.get(
    "/certification/bank", response=list[BankQuestionOut], summary="The question bank (staff)"
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def question_bank(request: HttpRequest) -> list[BankQuestionOut]:
    return [
        BankQuestionOut(
            id=q.pk,
            text=q.text,
            choices=q.choices,
            correct_choice=q.correct_choice,
            active=q.active,
        )
        for q in CertificationQuestion.objects.all()
    ]


def _bank_question(q: CertificationQuestion) -> BankQuestionOut:
    return BankQuestionOut(
        id=q.pk, text=q.text, choices=q.choices, correct_choice=q.correct_choice, active=q.active
    )


@router.put(
    "/certification/bank/{question_id}",
    response=BankQuestionOut,
    summary="Change or retire a question (staff)",
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def edit_question(
    request: HttpRequest, question_id: int, payload: BankQuestionIn
) -> BankQuestionOut:
    question = get_object_or_404(CertificationQuestion, pk=question_id)
    return _bank_question(
        _call(
            lambda: certification.save_question(
                actor=_user(request), question=question, request=request, **payload.dict()
            )
        )
    )


@router.post(
    "/certification/bank", response={201: BankQuestionOut}, summary="Add a question (staff)"
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def add_question(request: HttpRequest, payload: BankQuestionIn) -> Status[BankQuestionOut]:
    q = _call(
        lambda: certification.save_question(actor=_user(request), request=request, **payload.dict())
    )
    return Status(201, _bank_question(q))
