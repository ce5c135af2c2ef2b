"""The authorisation case of an institution, its clarifying questions and signature events."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.people.models.signature import Signature
from fivesafes.people.workflow import CASE, CaseState
from fivesafes.shared.models import InMachine, Question, optional, state_field

USER = settings.AUTH_USER_MODEL


class AuthorisationQuerySet(models.QuerySet["Authorisation"]):
    def in_force(self, on: date | None = None) -> AuthorisationQuerySet:
        """Registered (or terminated with notice running) and inside the period on `on`."""
        day = on or timezone.localdate()
        return self.filter(
            Q(state=CaseState.REGISTERED) | Q(state=CaseState.TERMINATED),
            valid_from__lte=day,
            valid_until__gte=day,
        ).order_by("-valid_from")

    def open(self) -> AuthorisationQuerySet:
        from fivesafes.people.workflow import OPEN_STATES

        return self.filter(state__in=[s.value for s in OPEN_STATES])


class Authorisation(InMachine[CaseState], models.Model):
    """One application for authorisation, from applied to registered (and on to its end)."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.PROTECT, related_name="authorisations"
    )
    machine = CASE
    state = state_field(CASE, max_length=30)
    application_text = models.TextField(
        help_text=_("The research environment: its purpose, staff and research experience.")
    )
    research_group = models.TextField(
        help_text=_("R5: the researchers/analysts of the environment, one per line.")
    )
    applied_by = optional()
    applied_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(help_text=_("When the office should have finished its evaluation."))
    case_handler = optional()
    credibility_assessment = models.TextField(
        blank=True,
        help_text=_("R6: ownership, staff qualifications, research experience, clients."),
    )
    prepared_by = optional()
    recommended_by = optional()
    recommendation = models.TextField(blank=True)
    decided_by = optional()
    decision_note = models.TextField(blank=True)
    sent_by = optional()
    signed_by = optional()
    registered_by = optional()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    withdrawn_until = models.DateField(null=True, blank=True)
    notice_given_on = models.DateField(null=True, blank=True)
    business_data_exemption = models.BooleanField(
        default=False, help_text=_("R3: the approver's exemption for a consultancy firm.")
    )
    exemption_reason = models.TextField(blank=True)
    exemption_guarantee = models.FileField(upload_to="people/guarantees/", blank=True)
    exemption_guarantee_sha256 = models.CharField(max_length=64, blank=True)
    exemption_decided_by = optional()
    exemption_decided_at = models.DateTimeField(null=True, blank=True)
    agreement_document = models.CharField(max_length=300, blank=True)
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    agreement_language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text=_("The language the agreement was written in; its signed copy uses it too."),
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Authorisation A-{self.pk} of {self.institution}"

    @property
    def is_overdue(self) -> bool:
        from fivesafes.people.workflow import OPEN_STATES

        return self.state_enum in OPEN_STATES and self.due_on < timezone.localdate()


class ClarifyingQuestion(Question):
    """A question the case handler sends the applicant, answered in the system (R6)."""

    authorisation = models.ForeignKey(
        Authorisation, on_delete=models.CASCADE, related_name="questions"
    )
    question = models.TextField()

    text_field = "question"
    audit_id = "question_id"

    class Meta(Question.Meta):
        pass

    def __str__(self) -> str:
        return f"Question {self.pk} on {self.authorisation}"

    @property
    def about(self) -> Authorisation:
        return self.authorisation


class SignatureEvent(Signature):
    """Who signed the agreement document for which party, and which document (its hash)."""

    class Party(models.TextChoices):
        OFFICE = "office", _("The statistics office")
        INSTITUTION = "institution", _("The institution")

    authorisation = models.ForeignKey(
        Authorisation, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
