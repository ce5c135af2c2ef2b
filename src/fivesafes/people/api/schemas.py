"""What the people API reads and answers: input schemas, and answers read from the objects.

Every answer schema is filled from the object itself (`from_attributes`): a field named like
the model's is read as it is, a person or a project along a dotted path
(`linked("researcher.username", optional=True)`), what needs a little computing by
`resolve_*`. `next_steps` depends on who asks: the policy's one answer to "what may this
person do next".
"""

from datetime import date, datetime
from typing import Any

from ninja import Schema

from fivesafes.shared.api import caller, linked
from fivesafes.shared.inputs import In


def _request_user(context: Any) -> Any:
    request = (context or {}).get("request")
    return caller(request) if request is not None else None


# --- input ---


class ApplyIn(In):
    name: str
    kind: str
    country: str = "DK"
    recognition: str = ""
    address: str = ""
    application_text: str
    research_group: str


class ApplyAgainIn(In):
    application_text: str
    research_group: str


class CaseStepIn(In):
    note: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


class AttachIn(In):
    researcher: str
    starts_on: date | None = None
    working_abroad: bool = False
    affiliated: bool = False
    contact_person: str | None = None
    accepts_responsibility: bool = False


class WorkingAbroadIn(In):
    working_abroad: bool


class AgreementIn(In):
    researcher: str
    project: str
    starts_on: date
    ends_on: date
    allowed_networks: str


class AnswersIn(In):
    answers: dict[int, int]


class BankQuestionIn(In):
    text: str
    choices: list[str]
    correct_choice: int
    active: bool = True


class BreachReportIn(In):
    researcher: str
    what_happened: str
    evidence: str


class DecisionIn(In):
    decision: str
    permanent: bool = False
    exclusion_ends_on: date | None = None
    withdraw_institution_until: date | None = None


# --- answers ---


class ConditionOut(Schema):
    name: str
    met: bool
    why: str


class AccessOut(Schema):
    """One person and one project: may they work in it now, and each condition why."""

    person: str = linked("person.username", optional=True)
    project: str = linked("project.number", optional=True)
    allowed: bool = linked("answer.allowed", optional=True)
    conditions: list[ConditionOut] = linked("answer.conditions", optional=True)


class ReportRowOut(AccessOut):
    variables: list[str]
    registers: list[str]


class CaseOut(Schema):
    id: int
    institution: str = linked("institution.name", optional=True)
    kind: str = linked("institution.kind", optional=True)
    state: str
    due_on: date
    valid_from: date | None
    valid_until: date | None
    credibility_assessment: str
    business_data_exemption: bool
    exemption_reason: str
    exemption_decided_by: str | None = linked("exemption_decided_by.username", optional=True)
    exemption_decided_at: datetime | None
    exemption_guarantee_sha256: str
    next_steps: list[str]

    @staticmethod
    def resolve_next_steps(case: Any, context: Any) -> list[str]:
        from fivesafes.policy.authorisations import next_steps

        return [t.name for t in next_steps(_request_user(context), case)]


class CaseQuestionOut(Schema):
    id: int
    question: str
    answer: str
    answered_at: datetime | None


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    authorised: bool

    @staticmethod
    def resolve_authorised(institution: Any) -> bool:
        known = getattr(institution, "authorised_now", None)
        return bool(institution.is_authorised() if known is None else known)


class AttachmentOut(Schema):
    id: int
    researcher: str = linked("researcher.username", optional=True)
    institution: str = linked("institution.name", optional=True)
    kind: str
    starts_on: date
    ends_on: date | None
    current: bool
    working_abroad: bool
    contact_person: str | None = linked("contact_person.username", optional=True)

    @staticmethod
    def resolve_current(attachment: Any) -> bool:
        """Running today, and (for an affiliation) accepted: it ties the person now."""
        return bool(attachment.runs_on() and attachment.is_accepted)


class SignatureOut(Schema):
    party: str
    signer: str = linked("signer.username", optional=True)
    signed_at: datetime
    document_sha256: str


class AgreementOut(Schema):
    id: int
    researcher: str = linked("researcher.username", optional=True)
    project: str = linked("project.number", optional=True)
    starts_on: date
    ends_on: date
    allowed_networks: list[str]
    researcher_signed_at: datetime | None
    countersigned_at: datetime | None
    current: bool
    status: str
    document_sha256: str
    signatures: list[SignatureOut]

    @staticmethod
    def resolve_allowed_networks(agreement: Any) -> list[str]:
        return list(agreement.allowed_networks.split())

    @staticmethod
    def resolve_current(agreement: Any) -> bool:
        return bool(agreement.status()[0])

    @staticmethod
    def resolve_status(agreement: Any) -> str:
        return str(agreement.status()[1])


class TestQuestionOut(Schema):
    id: int
    text: str
    choices: list[str]


class BankQuestionOut(TestQuestionOut):
    correct_choice: int
    active: bool


class AttemptOut(Schema):
    correct: int
    total: int
    passed: bool
    valid_until: date | None

    @staticmethod
    def resolve_valid_until(attempt: Any) -> date | None:
        return attempt.valid_until if attempt.passed else None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str = linked("uploaded_by.username", optional=True)
    uploaded_at: datetime


class BreachOut(Schema):
    id: int
    researcher: str = linked("researcher.username", optional=True)
    state: str
    what_happened: str
    evidence: str
    decision: str
    files: list[EvidenceOut]
