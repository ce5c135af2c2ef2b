"""Who may start, edit, submit, review, decide and download release requests (R21, R22, R24):
`check_x` raises the refusal naming the rule, `can_x` answers True/False.

Members of a project (its responsible researcher and members) make its requests and act on
them while they are with the author (a draft, or returned); never on a closed project. Output
checkers review, but never the author, a member of the project, nor a person of the project's
or the author's institution; one person never casts both votes on a file, however many
sessions they use. `next_steps` is the one answer for the buttons, the API's `next_steps` and
the service's guard (`check_step`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fivesafes.people.queries import accepted_institution_ids
from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.policy.projects import is_in_project
from fivesafes.projects.models import Project
from fivesafes.release.models import ReleasedFile, ReleaseRequest, RequestFile, Vote
from fivesafes.release.workflow import (
    EDITABLE_STATES,
    RELEASE_REQUEST,
    RequestState,
)
from fivesafes.shared.refusals import AccessDenied, RuleViolation, passes, unseen
from fivesafes.shared.workflow import StepPolicy, Transition

RULE = "R22"
MEMBER_STEPS = frozenset({"submit", "withdraw"})
VOTING_STATES = frozenset({RequestState.CHECKED, RequestState.PARTIALLY_REVIEWED})


def describe(request: ReleaseRequest) -> str:
    return f"Release request {request.reference}"


def _closed(project: Project) -> RuleViolation | None:
    if not project.is_closed:
        return None
    return RuleViolation(
        RULE,
        "project",
        _("Project %(project)s is closed; nothing more is released from it.")
        % {"project": project.number},
    )


# --- seeing ---------------------------------------------------------------------------------


def is_reader(person: Any) -> bool:
    """Output checkers and auditors read every request and the release log."""
    return holds(person, Permission.REVIEW_OUTPUTS) or holds(person, Permission.VIEW_RELEASE_LOG)


def can_see(person: Any, request: ReleaseRequest) -> bool:
    return is_reader(person) or (
        holds(person, Permission.WORK_IN_PROJECTS) and is_in_project(person, request.project)
    )


def check_see(person: Any, request: ReleaseRequest) -> None:
    if not can_see(person, request):
        raise unseen(_("release request"))


def check_see_file(person: Any, file: RequestFile) -> None:
    check_see(person, file.request)


def check_see_log(person: Any) -> None:
    if not holds(person, Permission.VIEW_RELEASE_LOG):
        raise AccessDenied(_("Your roles do not include reading the release log."))


def can_see_log(person: Any) -> bool:
    return holds(person, Permission.VIEW_RELEASE_LOG)


# --- members ---------------------------------------------------------------------------------


def check_create(person: Any, project: Project) -> None:
    """A member starts a request for an open project."""
    if not holds(person, Permission.WORK_IN_PROJECTS) or not is_in_project(person, project):
        raise AccessDenied(
            _("You are not a member of project %(project)s.") % {"project": project.number}
        )
    closed = _closed(project)
    if closed is not None:
        raise closed


def can_create(person: Any, project: Project) -> bool:
    return passes(lambda: check_create(person, project))


def check_edit(person: Any, request: ReleaseRequest) -> None:
    """Members add, update and withdraw files while the request is with the author."""
    check_create(person, request.project)
    if request.state_enum not in EDITABLE_STATES:
        raise RuleViolation(
            RULE,
            "state",
            _(
                "Release request %(request)s is %(state)s; its files change only while it is a "
                "draft or returned."
            )
            % {"request": request.reference, "state": request.state_enum.label.lower()},
        )


def can_edit(person: Any, request: ReleaseRequest) -> bool:
    return passes(lambda: check_edit(person, request))


# --- checkers --------------------------------------------------------------------------------


def _conflict(person: Any, request: ReleaseRequest) -> RuleViolation | None:
    """Why `person` may not review this request: the author, a member of the project, or a
    person of the project's or the author's institution (independent review, R22)."""
    what = describe(request)
    if request.author_id == pk_of(person):
        return RuleViolation(
            RULE,
            "reviewer",
            _("Four eyes: you wrote %(what)s; two other people review it.") % {"what": what},
        )
    if is_in_project(person, request.project):
        return RuleViolation(
            RULE,
            "reviewer",
            _("Independent review: you are a member of project %(project)s.")
            % {"project": request.project.number},
        )
    mine = accepted_institution_ids(person)
    theirs = {request.project.institution_id} | accepted_institution_ids(request.author)
    if mine & theirs or request.project.institution.manager_id == pk_of(person):
        return RuleViolation(
            RULE,
            "reviewer",
            _("Independent review: you belong to the institution behind %(what)s.")
            % {"what": what},
        )
    return None


def check_review(person: Any, request: ReleaseRequest) -> None:
    """An output checker outside the project and its institution."""
    if not holds(person, Permission.REVIEW_OUTPUTS):
        raise AccessDenied(_("Your roles do not include checking outputs."))
    conflict = _conflict(person, request)
    if conflict is not None:
        raise conflict


def can_review(person: Any, request: ReleaseRequest) -> bool:
    return passes(lambda: check_review(person, request))


def check_vote(person: Any, file: RequestFile) -> None:
    """A checker votes on a file while the request waits for reviews, and not after having
    submitted their own review of this round (the second vote is another person's)."""
    request = file.request
    check_review(person, request)
    if request.state_enum not in VOTING_STATES:
        raise RuleViolation(
            RULE,
            "state",
            _("%(request)s is %(state)s; votes are cast while it waits for its checkers.")
            % {"request": describe(request), "state": request.state_enum.label.lower()},
        )
    if file.withdrawn_at is not None or file.is_evidence:
        raise RuleViolation(
            RULE, "file", _("%(path)s is not a file to vote on.") % {"path": file.path}
        )
    if request.first_reviewer_id == pk_of(person):
        raise RuleViolation(
            RULE,
            "reviewer",
            _(
                "Four eyes: you have reviewed %(request)s already; the second review is "
                "another checker's."
            )
            % {"request": describe(request)},
        )
    others = Vote.objects.filter(file=file, round=request.round).exclude(checker_id=pk_of(person))
    if others.values("checker").distinct().count() >= 2:
        raise RuleViolation(
            RULE, "file", _("%(path)s has its two votes already.") % {"path": file.path}
        )


def can_vote(person: Any, file: RequestFile) -> bool:
    return passes(lambda: check_vote(person, file))


def check_consolidate(person: Any, file: RequestFile) -> None:
    """On disagreement, a checker (not the author's side) settles the file's outcome."""
    request = file.request
    check_review(person, request)
    if request.state_enum != RequestState.REVIEWED:
        raise RuleViolation(RULE, "state", _("A disagreement is settled once both reviews are in."))
    decisions = set(
        Vote.objects.filter(file=file, round=request.round).values_list("decision", flat=True)
    )
    if len(decisions) < 2:
        raise RuleViolation(
            RULE,
            "file",
            _("The checkers agree on %(path)s; nothing to settle.") % {"path": file.path},
        )


def can_consolidate(person: Any, file: RequestFile) -> bool:
    return passes(lambda: check_consolidate(person, file))


def _reviewable_files(request: ReleaseRequest) -> list[RequestFile]:
    return list(request.active_files().filter(is_evidence=False))


def _unvoted(request: ReleaseRequest, person: Any) -> list[str]:
    voted = set(
        Vote.objects.filter(
            file__request=request, round=request.round, checker_id=pk_of(person)
        ).values_list("file_id", flat=True)
    )
    return [f.path for f in _reviewable_files(request) if f.pk not in voted]


def room_refusal(
    request: ReleaseRequest, person: Any, transition: Transition[RequestState]
) -> Exception | None:
    """The room's conditions on top of the state machine's (see the module docstring)."""
    if transition.automatic:
        # Routing after the checks and the release itself are the system's, never a person's.
        return AccessDenied(
            _("'%(transition)s' is taken by the system, not by a person.")
            % {"transition": transition.label}
        )
    if transition.name in MEMBER_STEPS:
        if not is_in_project(person, request.project):
            return AccessDenied(
                _("You are not a member of project %(project)s.")
                % {"project": request.project.number}
            )
        closed = _closed(request.project)
        if closed is not None:
            return closed
        if transition.name == "submit" and not request.active_files().exists():
            return RuleViolation(RULE, "files", _("Add at least one file before submitting."))
        return None
    conflict = _conflict(person, request)
    if conflict is not None:
        return conflict
    if transition.name in ("first_review", "second_review", "approve"):
        closed = _closed(request.project)
        if closed is not None:
            return closed
    if transition.name in ("first_review", "second_review"):
        missing = _unvoted(request, person)
        if missing:
            return RuleViolation(
                RULE,
                "votes",
                _("Vote on every file before submitting your review: %(missing)s.")
                % {"missing": missing[0]},
            )
    if transition.name in ("approve", "reject"):
        files = _reviewable_files(request)
        undecided = [f.path for f in files if not f.decision]
        if undecided:
            return RuleViolation(
                RULE,
                "decision",
                _("The checkers disagree on %(undecided)s; settle it first.")
                % {"undecided": undecided[0]},
            )
        if transition.name == "approve" and any(
            f.decision != RequestFile.Decision.APPROVE for f in files
        ):
            return RuleViolation(
                RULE, "decision", _("Not every file was approved; return or reject the request.")
            )
        if transition.name == "reject" and not any(
            f.decision == RequestFile.Decision.REJECT for f in files
        ):
            return RuleViolation(
                RULE, "decision", _("No file was rejected; approve or return the request.")
            )
    return None


# What `person` may do next with a request: buttons, API and service answer alike.
STEPS = StepPolicy(RELEASE_REQUEST, room_refusal, describe)
step_refusal = STEPS.refusal
check_step = STEPS.check
can_step = STEPS.can
next_steps = STEPS.next_steps


# --- the release log, downloads and breaches -------------------------------------------------


def check_download(person: Any, released: ReleasedFile) -> None:
    """Members of the project download its released files: nothing withdrawn, nothing of a
    closed project, nothing else of the outputs area (R20, R22)."""
    if not holds(person, Permission.WORK_IN_PROJECTS) or not is_in_project(
        person, released.project
    ):
        if can_see_log(person):
            raise AccessDenied(
                _(
                    "Checkers and auditors read the release log; only the project's members "
                    "download its released files."
                )
            )
        raise unseen(_("released file"))
    if released.is_withdrawn:
        raise RuleViolation(
            "R24",
            "file",
            _("%(released)s was withdrawn and can no longer be downloaded.")
            % {"released": released.name},
        )
    closed = _closed(released.project)
    if closed is not None:
        raise closed


def can_download(person: Any, released: ReleasedFile) -> bool:
    return passes(lambda: check_download(person, released))


def check_see_released(person: Any, released: ReleasedFile) -> None:
    if can_see_log(person) or (
        holds(person, Permission.WORK_IN_PROJECTS) and is_in_project(person, released.project)
    ):
        return
    raise unseen(_("released file"))


def check_mark_breach(person: Any, released: ReleasedFile) -> None:
    """An output checker outside the project marks a released file as a breach (R24)."""
    check_review(person, released.request)
    if released.is_withdrawn:
        raise RuleViolation(
            "R24", "file", _("%(released)s is withdrawn already.") % {"released": released.name}
        )


def can_mark_breach(person: Any, released: ReleasedFile) -> bool:
    return passes(lambda: check_mark_breach(person, released))


def check_after_review(person: Any, released: ReleasedFile) -> None:
    check_review(person, released.request)
    if not released.after_review:
        raise RuleViolation(
            RULE,
            "file",
            _("%(released)s is not waiting to be looked at.") % {"released": released.name},
        )


def can_after_review(person: Any, released: ReleasedFile) -> bool:
    return passes(lambda: check_after_review(person, released))
