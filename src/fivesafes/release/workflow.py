"""The release request's lifecycle as a state machine, defined as data (process 5, R21, R22).

Modelled on OpenSAFELY airlock's: a member drafts a request of files from the project's
outputs area and submits it; the automatic checks run (a background job) and route it:
everything passes and it is not drawn for a sample -> approved for the next five-minute batch;
a failure without an exception -> returned to the author with the reasons; otherwise two
independent output checkers review it (the first review makes it partially reviewed, the
second, by a different person, reviewed), a checker then approves, returns or rejects it, and
the batch releases what is approved. Members withdraw a request while it is with them.
`services/requests.py` walks the table with the shared walker.
"""

from __future__ import annotations

from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.workflow import StateMachine, Steps, machine


class RequestState(Labelled):
    DRAFT = "draft", gettext_noop("Draft")
    SUBMITTED = "submitted", gettext_noop("Submitted: automatic checks running")
    CHECKED = "checked", gettext_noop("Checked: waiting for two checkers")
    PARTIALLY_REVIEWED = "partially_reviewed", gettext_noop("Reviewed by one checker")
    REVIEWED = "reviewed", gettext_noop("Reviewed by two checkers")
    APPROVED = "approved", gettext_noop("Approved: released in the next batch")
    RETURNED = "returned", gettext_noop("Returned to the researcher")
    REJECTED = "rejected", gettext_noop("Rejected")
    RELEASED = "released", gettext_noop("Released")
    WITHDRAWN = "withdrawn", gettext_noop("Withdrawn")


S = RequestState
P = Permission

# With the author: files may be added, updated or withdrawn, and the request submitted.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# With the office's checkers.
REVIEW_STATES = frozenset({S.CHECKED, S.PARTIALLY_REVIEWED, S.REVIEWED})
FINAL_STATES = frozenset({S.RELEASED, S.REJECTED, S.WITHDRAWN})
# Who reviews may not have: authored the request (the table's four eyes); the room's policy
# adds members of the project and people of its institution.
REVIEWERS = ("first_reviewer", "second_reviewer")

_t = Steps[RequestState]("release_request")


RELEASE_REQUEST: StateMachine[RequestState] = machine(
    name="release_request",
    subject=gettext_noop("a release request"),
    rule="R22",
    states=RequestState,
    initial=S.DRAFT,
    final=FINAL_STATES,
    owners={
        S.DRAFT: "project members",
        S.RETURNED: "project members",
        S.SUBMITTED: "the automatic checks",
        S.CHECKED: "output checker",
        S.PARTIALLY_REVIEWED: "a second output checker",
        S.REVIEWED: "output checker",
        S.APPROVED: "the five-minute release batch",
    },
    four_eyes_rule="R22",
    transitions=[
        _t(
            "submit",
            gettext_noop("Submit for checking"),
            EDITABLE_STATES,
            S.SUBMITTED,
            P.WORK_IN_PROJECTS,
        ),
        _t(
            "checks_passed",
            gettext_noop("Route after the automatic checks"),
            {S.SUBMITTED},
            S.CHECKED,
            P.REVIEW_OUTPUTS,
            automatic=True,
        ),
        _t(
            "auto_approve",
            gettext_noop("Approve: every file passed and the request was not sampled"),
            {S.SUBMITTED},
            S.APPROVED,
            P.REVIEW_OUTPUTS,
            automatic=True,
        ),
        _t(
            "auto_return",
            gettext_noop("Return: a file failed without an exception"),
            {S.SUBMITTED},
            S.RETURNED,
            P.REVIEW_OUTPUTS,
            automatic=True,
        ),
        _t(
            "first_review",
            gettext_noop("Submit my review"),
            {S.CHECKED},
            S.PARTIALLY_REVIEWED,
            P.REVIEW_OUTPUTS,
            actor_field="first_reviewer",
            not_by=("author",),
        ),
        _t(
            "second_review",
            gettext_noop("Submit my review"),
            {S.PARTIALLY_REVIEWED},
            S.REVIEWED,
            P.REVIEW_OUTPUTS,
            actor_field="second_reviewer",
            not_by=("author", "first_reviewer"),
        ),
        _t(
            "approve",
            gettext_noop("Approve the release"),
            {S.REVIEWED},
            S.APPROVED,
            P.REVIEW_OUTPUTS,
            actor_field="decided_by",
            not_by=("author",),
        ),
        _t(
            "return_to_author",
            gettext_noop("Return to the researcher"),
            REVIEW_STATES,
            S.RETURNED,
            P.REVIEW_OUTPUTS,
            actor_field="decided_by",
            not_by=("author",),
            needs_note=True,
            note_field="decision_note",
        ),
        _t(
            "reject",
            gettext_noop("Reject the request"),
            {S.REVIEWED},
            S.REJECTED,
            P.REVIEW_OUTPUTS,
            actor_field="decided_by",
            not_by=("author",),
            needs_note=True,
            note_field="decision_note",
        ),
        _t(
            "release",
            gettext_noop("Release in the batch"),
            {S.APPROVED},
            S.RELEASED,
            P.REVIEW_OUTPUTS,
            automatic=True,
        ),
        _t(
            "withdraw",
            gettext_noop("Withdraw the request"),
            EDITABLE_STATES,
            S.WITHDRAWN,
            P.WORK_IN_PROJECTS,
        ),
    ],
)

TRANSITIONS = RELEASE_REQUEST.transitions
# The steps the checks job takes on its own, by the route's outcome.
ROUTES = ("checks_passed", "auto_approve", "auto_return")
