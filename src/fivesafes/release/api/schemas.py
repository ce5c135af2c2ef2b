"""What the release API answers and accepts: `from_attributes` schemas read from the models,
with `resolve_*` for what is not a plain column (user names, the asker's next steps, the votes
as the asker may see them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from fivesafes.policy import releases as policy
from fivesafes.release import queries
from fivesafes.shared.api import linked
from fivesafes.shared.inputs import In


def _name(person: Any) -> str | None:
    return person.get_username() if person is not None else None


def _asker(context: Any) -> Any:
    return getattr(context["request"], "auth", None)


class VoteOut(Schema):
    checker: str
    decision: str
    comment: str
    mine: bool


class FileOut(Schema):
    id: int
    path: str
    context: str
    exception: str
    declarations: dict[str, str]
    withdrawn: bool
    sha256: str
    size: int
    is_evidence: bool
    verdict: str
    reasons: list[str]
    failing_cells: list[dict[str, str]]
    decision: str
    votes: list[VoteOut]
    hidden_votes: int

    @staticmethod
    def resolve_reasons(f: Any, context: Any) -> list[str]:
        return list(queries.shown_findings(f, _asker(context))["reasons"])

    @staticmethod
    def resolve_failing_cells(f: Any, context: Any) -> list[dict[str, str]]:
        return list(queries.shown_findings(f, _asker(context))["cells"])

    @staticmethod
    def resolve_withdrawn(f: Any) -> bool:
        return f.withdrawn_at is not None

    @staticmethod
    def resolve_votes(f: Any, context: Any) -> list[Any]:
        return list(queries.votes_shown(f, _asker(context)))

    @staticmethod
    def resolve_hidden_votes(f: Any, context: Any) -> int:
        return queries.hidden_votes(f, _asker(context))


class RequestOut(Schema):
    id: int
    reference: str
    project: str = linked("project.number")
    author: str = linked("author.username")
    state: str
    state_label: str
    round: int
    sampled: bool
    risk_factors: list[str]
    route_reasons: list[str]
    decision_note: str
    first_reviewer: str | None
    second_reviewer: str | None
    created_at: datetime
    submitted_at: datetime | None
    checked_at: datetime | None
    released_at: datetime | None
    check_job: str
    files: list[FileOut]
    next_steps: list[str]

    @staticmethod
    def resolve_route_reasons(r: Any, context: Any) -> list[str]:
        return queries.route_reasons(r, _asker(context))

    @staticmethod
    def resolve_state_label(r: Any) -> str:
        return str(r.state_enum.label)

    @staticmethod
    def resolve_first_reviewer(r: Any) -> str | None:
        return _name(r.first_reviewer)

    @staticmethod
    def resolve_second_reviewer(r: Any) -> str | None:
        return _name(r.second_reviewer)

    @staticmethod
    def resolve_files(r: Any) -> list[Any]:
        files = list(r.files.all())
        for f in files:
            f.request = r
        return files

    @staticmethod
    def resolve_next_steps(r: Any, context: Any) -> list[str]:
        return [t.name for t in policy.next_steps(r, _asker(context))]


class RequestRow(Schema):
    id: int
    reference: str
    project: str = linked("project.number")
    author: str = linked("author.username")
    state: str
    sampled: bool
    risk_factors: list[str]
    submitted_at: datetime | None


class ReleasedOut(Schema):
    id: int
    name: str
    project: str = linked("project.number")
    request: str = linked("request.reference")
    sha256: str
    size: int
    checks: dict[str, Any]
    reviewers: list[str]
    recipients: list[str]
    automatic: bool
    released_at: datetime
    emailed_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str
    breach: int | None = Field(None, alias="breach_id")


class FileIn(In):
    path: str
    context: str
    exception: str = ""
    declarations: dict[str, str] = Field(default_factory=dict)


class FileChangesIn(In):
    context: str
    exception: str = ""
    declarations: dict[str, str] = Field(default_factory=dict)


class NoteIn(In):
    note: str = ""


class VoteIn(In):
    decision: str = Field(description="approve, changes or reject")
    comment: str = ""


class ConsolidateIn(In):
    decision: str = Field(description="approve, changes or reject")
    note: str


class BreachIn(In):
    what_happened: str


class SamplingIn(In):
    rate: float = Field(ge=0.0, le=1.0, description="the share of passing requests sampled")
    reason: str
