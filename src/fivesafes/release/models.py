"""Release requests, their files (frozen and hashed at submission), the checkers' votes and
the release log (process 5, R21, R22, R24).

A file's bytes are copied at submission into a store the request owns (`FROZEN` in the file
store) and hashed; what is checked, reviewed, released and downloaded is that copy, never the
outputs area, so what leaves is byte for byte what was checked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.release.workflow import EDITABLE_STATES, RELEASE_REQUEST, RequestState
from fivesafes.shared.labels import gettext_noop
from fivesafes.shared.models import InMachine, optional, state_field

USER = settings.AUTH_USER_MODEL
# The file-store folder of the frozen copies.
FROZEN = "release/frozen"


class Verdict(models.TextChoices):
    PASS = "pass", _("Passes the automatic checks")
    FAIL = "fail", _("Fails the automatic checks")
    REVIEW = "review", _("Needs review by two checkers")


# The verdicts as the release log records them (their stored values), marked for the
# catalogue so the log's pages can show them in the reader's language.
VERDICT_WORDS = (gettext_noop("pass"), gettext_noop("fail"), gettext_noop("review"))


class ReleaseRequest(InMachine[RequestState], models.Model):
    machine = RELEASE_REQUEST

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="release_requests"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="release_requests")
    state = state_field(RELEASE_REQUEST, max_length=20)
    # Each return starts a new round of reviews: votes of earlier rounds no longer count.
    round = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # The background job of the automatic checks (its progress is shown on the request's page).
    check_job = models.CharField(max_length=64, blank=True)
    sampled = models.BooleanField(default=False)
    risk_factors = models.JSONField(default=list, blank=True)
    route_reasons = models.JSONField(
        default=list, blank=True, help_text=_("Why the checks routed the request as they did.")
    )
    first_reviewer = optional()
    second_reviewer = optional()
    decided_by = optional()
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Release request {self.reference}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"

    @property
    def with_author(self) -> bool:
        return self.state_enum in EDITABLE_STATES

    def active_files(self) -> models.QuerySet[RequestFile]:
        return self.files.filter(withdrawn_at__isnull=True)


class RequestFile(models.Model):
    """One file of the outputs area in a request, with the researcher's words about it."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        CHANGES = "changes", _("Request changes")
        REJECT = "reject", _("Reject")

    request = models.ForeignKey(ReleaseRequest, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=500, help_text=_("Relative to the project's outputs area."))
    context = models.TextField(help_text=_("What the file shows, for the checkers."))
    exception = models.TextField(
        blank=True, help_text=_("Why a file that does not pass should be released anyway.")
    )
    declarations = models.JSONField(
        default=dict, blank=True, help_text=_("A CSV table's column roles (sdc's plain tables).")
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Frozen at submission: the copy in the request's store and its SHA-256.
    stored_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    frozen_at = models.DateTimeField(null=True, blank=True)
    # The copies frozen at earlier submissions (superseded by an update and a new submission):
    # kept as the evidence of those rounds until the project closes.
    earlier_copies = models.JSONField(default=list, blank=True)
    # When the frozen copy of a file never released was deleted at the project's closure (R25).
    frozen_deleted_at = models.DateTimeField(null=True, blank=True)
    # A check record (fivesafes.sdc.record/1): evidence for its table, never released itself.
    is_evidence = models.BooleanField(default=False)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    failing_cells = models.JSONField(default=list, blank=True)
    check_record = models.JSONField(null=True, blank=True)
    # The outcome of the two checkers' votes (or of their consolidation).
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    consolidated_by = optional()
    consolidation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["path", "pk"]

    def __str__(self) -> str:
        return f"{self.path} in {self.request.reference}"

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class Vote(models.Model):
    """One checker's vote on one file in one round; its comment stays hidden until both are in."""

    file = models.ForeignKey(RequestFile, on_delete=models.CASCADE, related_name="votes")
    checker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=RequestFile.Decision.choices)
    comment = models.TextField(blank=True)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["voted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "round", "checker"], name="one_vote_per_checker_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.file.path} (round {self.round})"


class ReleasedFile(models.Model):
    """The release log: one line a released file, with everything an auditor asks."""

    file = models.OneToOneField(RequestFile, on_delete=models.PROTECT, related_name="released")
    request = models.ForeignKey(ReleaseRequest, on_delete=models.PROTECT, related_name="released")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="released_files"
    )
    name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    checks = models.JSONField(default=dict)
    reviewers = models.JSONField(default=list)
    recipients = models.JSONField(default=list)
    automatic = models.BooleanField(default=False, help_text=_("Released without a checker."))
    released_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveIntegerField(default=0)
    after_review = models.BooleanField(
        default=False, help_text=_("Drawn to be looked at by a checker after its release.")
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = optional()
    withdrawal_reason = models.TextField(blank=True)
    breach = optional("people.Breach")

    class Meta:
        ordering = ["-released_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} released from {self.request.reference}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ProjectSampling(models.Model):
    """Staff raise a project's sampling rate: more of its passing requests go to checkers."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="release_sampling"
    )
    rate = models.FloatField(help_text=_("The share of passing requests sampled (0 to 1)."))
    reason = models.TextField()
    set_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Sampling {self.rate:.0%} for {self.project}"
