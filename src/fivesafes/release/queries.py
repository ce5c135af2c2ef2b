"""The release room's lists, written once for the pages and the API: a person's requests, the
checkers' queue (oldest and riskiest first), the votes as a person may see them, the released
files of a project and the release log.

Who may see which rows is the same rule as the policy's `can_see`
(`fivesafes.policy.releases`), written as a filter so a list is one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.release.models import ReleasedFile, ReleaseRequest, RequestFile, Vote
from fivesafes.release.workflow import REVIEW_STATES


def is_reader(person: Any) -> bool:
    return holds(person, Permission.REVIEW_OUTPUTS) or holds(person, Permission.VIEW_RELEASE_LOG)


def _mine(pk: Any) -> Q:
    return Q(project__responsible_id=pk) | Q(project__memberships__person_id=pk)


def visible_requests(person: Any) -> QuerySet[ReleaseRequest]:
    found = ReleaseRequest.objects.select_related("project", "author")
    if is_reader(person):
        return found
    if not holds(person, Permission.WORK_IN_PROJECTS):
        return found.none()
    return found.filter(_mine(pk_of(person))).distinct()


def my_requests(person: Any) -> QuerySet[ReleaseRequest]:
    """The requests of the person's projects (a checker's own projects too, if any)."""
    found = ReleaseRequest.objects.select_related("project", "author")
    return found.filter(_mine(pk_of(person))).distinct()


def with_file_counts(requests: QuerySet[ReleaseRequest]) -> QuerySet[ReleaseRequest]:
    """Requests knowing how many files they hold (not withdrawn) as `file_count`, counted in
    the list's own query rather than once a row."""
    files = (
        RequestFile.objects.filter(request=OuterRef("pk"), withdrawn_at__isnull=True)
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return requests.annotate(file_count=Coalesce(Subquery(files), 0))


def waiting_for_checkers() -> QuerySet[ReleaseRequest]:
    return (
        ReleaseRequest.objects.filter(state__in=[s.value for s in REVIEW_STATES])
        .select_related("project", "author", "first_reviewer")
        .order_by("submitted_at", "pk")
    )


def review_queue() -> list[ReleaseRequest]:
    """Requests waiting for checkers: the oldest first, and among the same day the riskier
    (more risk factors) first."""
    return sorted(
        waiting_for_checkers(),
        key=lambda r: (
            r.submitted_at.date() if r.submitted_at else None,
            -len(r.risk_factors or []),
            r.submitted_at,
            r.pk,
        ),
    )


@dataclass(frozen=True)
class ShownVote:
    checker: str
    decision: str
    comment: str
    mine: bool


def votes_shown(file: RequestFile, person: Any, round_: int | None = None) -> list[ShownVote]:
    """The votes of a file's round as `person` may see them: a checker sees their own; the
    others' decisions and comments only once both votes are in (then everyone who may see
    the request sees them)."""
    request = file.request
    votes = list(
        Vote.objects.filter(file=file, round=round_ or request.round).select_related("checker")
    )
    both_in = len({v.checker_id for v in votes}) >= 2
    shown = []
    for vote in votes:
        mine = vote.checker_id == pk_of(person)
        if both_in or mine:
            shown.append(
                ShownVote(
                    checker=str(vote.checker),
                    decision=vote.get_decision_display(),
                    comment=vote.comment,
                    mine=mine,
                )
            )
    return shown


def hidden_votes(file: RequestFile, person: Any) -> int:
    """How many votes of the file's round `person` may not see yet."""
    total = Vote.objects.filter(file=file, round=file.request.round).count()
    return total - len(votes_shown(file, person))


def released_files(person: Any) -> QuerySet[ReleasedFile]:
    """Released files a person may see: members their projects', readers of the log all."""
    found = ReleasedFile.objects.select_related("project", "request", "withdrawn_by")
    if holds(person, Permission.VIEW_RELEASE_LOG):
        return found
    if not holds(person, Permission.WORK_IN_PROJECTS):
        return found.none()
    return found.filter(_mine(pk_of(person))).distinct()


def release_log() -> QuerySet[ReleasedFile]:
    return ReleasedFile.objects.select_related("project", "request", "withdrawn_by").order_by(
        "-released_at", "-pk"
    )


def after_review_queue() -> QuerySet[ReleasedFile]:
    return release_log().filter(after_review=True, withdrawn_at__isnull=True)


def earlier_records(project: Any, exclude_request: Any = None) -> list[dict[str, Any]]:
    """The check records of the project's released tables, for differencing."""
    found = RequestFile.objects.filter(
        request__project=project, released__isnull=False, check_record__isnull=False
    )
    if exclude_request is not None:
        found = found.exclude(request=exclude_request)
    return [r for r in found.values_list("check_record", flat=True) if r]


def project_sampling() -> QuerySet[Any]:
    from fivesafes.release.models import ProjectSampling

    return ProjectSampling.objects.select_related("project", "set_by").order_by("project__number")


def project_history(project: Any, exclude_request: Any = None) -> QuerySet[ReleasedFile]:
    """The project's earlier released files, for the checkers' review view."""
    found = release_log().filter(project=project)
    if exclude_request is not None:
        found = found.exclude(request=exclude_request)
    return found


def table_view(record: dict[str, Any] | None, failing: list[dict[str, str]]) -> dict[str, Any]:
    """A checked table as the researcher will see it, failing cells marked: the header and
    rows of the record's cells (labels, then each statistic, then contributors)."""
    if not record or "table" not in record:
        return {}
    section = record["table"]
    dims = [*section.get("rows", []), *section.get("columns", [])]
    stats = list(section.get("statistics", []))
    rows = []
    for cell in section.get("cells", [])[:500]:
        labels = {d: str(cell["labels"].get(d, "")) for d in dims}
        rows.append(
            {
                "labels": [labels[d] for d in dims],
                "values": [cell["values"].get(s) for s in stats],
                "contributors": cell.get("contributors"),
                "failing": labels in failing,
                "margin": cell.get("margin", False),
            }
        )
    return {"dims": dims, "stats": stats, "rows": rows}


# A member's browser is outside the research server: what the checks say about an unreleased
# file (its reasons, the labels of its failing cells) is shown to them only in part, so the
# check results are no channel for the file's contents (R20). Staff who check see it all.
SHOWN_TO_MEMBERS = 5


def shown_findings(file: RequestFile, person: Any) -> dict[str, Any]:
    """The reasons and failing cells of a file as `person` may see them, and how many more;
    `where` says each shown cell in words in the table's order of dimensions (PostgreSQL's
    jsonb does not keep the order of an object's keys)."""
    reasons, cells = list(file.reasons or []), list(file.failing_cells or [])
    if is_reader(person):
        more = 0
    else:
        more = max(0, len(reasons) - SHOWN_TO_MEMBERS) + max(0, len(cells) - SHOWN_TO_MEMBERS)
        reasons, cells = reasons[:SHOWN_TO_MEMBERS], cells[:SHOWN_TO_MEMBERS]
    section = (file.check_record or {}).get("table") or {}
    dims = [*section.get("rows", []), *section.get("columns", [])]
    return {
        "reasons": reasons,
        "cells": cells,
        "where": [_where(cell, dims) for cell in cells],
        "more": more,
    }


def _where(cell: dict[str, Any], dims: list[str]) -> str:
    """'region=South, sex=F': the table's dimensions first, in order, then any others."""
    order = [d for d in dims if d in cell] + sorted(k for k in cell if k not in dims)
    return ", ".join(f"{name}={cell[name]}" for name in order)


def route_reasons(release: ReleaseRequest, person: Any) -> list[str]:
    """Why the checks routed the request, as `person` may read it (see `shown_findings`)."""
    reasons = list(release.route_reasons or [])
    if is_reader(person):
        return reasons
    return [r if len(r) <= 300 else r[:300] + "…" for r in reasons[:SHOWN_TO_MEMBERS]]
