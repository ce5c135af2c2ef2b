"""An application for a project (R11, R12, R15) and, after approval, its change requests (R16).

The variable list starts from the researcher's data basket; each variable carries its years,
a justification and, when particularly identifying, a separate one. Findings of the rule
engine are stored with the application, recomputed on every save.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.projects.workflow import APPLICATION, ApplicationState
from fivesafes.shared.models import InMachine, Question, optional, state_field

USER = settings.AUTH_USER_MODEL


class Application(InMachine[ApplicationState], models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New project")
        CHANGE = "change", _("Change request")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEW)
    machine = APPLICATION
    state = state_field(APPLICATION, max_length=20)
    applicant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.PROTECT, related_name="applications"
    )
    project = optional(
        "projects.Project",
        related_name="applications",
        help_text=_("The project an approval created, or the project a change request changes."),
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text=_("Short project description."))
    protocol = optional("projects.UploadedDocument")
    legal_basis_art6 = models.CharField("Legal basis (GDPR art. 6)", max_length=300, blank=True)
    legal_basis_art9 = models.CharField(
        "Legal basis for special categories (GDPR art. 9)", max_length=300, blank=True
    )
    dpia = optional("projects.UploadedDocument")
    no_dpia_reason = models.TextField("Reason no DPIA is needed", blank=True)
    population_definition = models.TextField(
        "Population in words", blank=True, help_text=_("Explains the criteria; optional.")
    )
    population = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Criteria over catalogue variables (metadata/population.py), as JSON."),
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    total_population = models.BooleanField(default=False)
    total_population_reason = models.TextField(blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    sample_reason = models.TextField(blank=True)
    change_summary = models.TextField(blank=True, help_text=_("Change requests: what and why."))

    findings = models.JSONField(default=list, blank=True)
    fast_track = models.BooleanField(default=False)
    findings_at = models.DateTimeField(null=True, blank=True)

    case_handler = optional()
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("When the office means to have answered (case handling)."),
    )
    recommended_by = optional()
    recommendation = models.TextField(blank=True)
    decided_by = optional()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    deletion_deadline = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_state_display(self) -> str:
        """The state in the reader's language (the field's choices keep the English labels)."""
        return self.state_enum.label

    @property
    def reference(self) -> str:
        prefix = "C" if self.kind == self.Kind.CHANGE else "A"
        return f"{prefix}-{self.pk or 0:05d}"

    @property
    def is_overdue(self) -> bool:
        from fivesafes.projects.workflow import OPEN_STATES

        return bool(
            self.due_on and self.state_enum in OPEN_STATES and self.due_on < timezone.localdate()
        )


class ApplicationVariable(models.Model):
    """One line of the variable list; register and name are copied so the list outlives imports."""

    class Coarsening(models.TextChoices):
        NONE = "", _("None")
        YEAR = "year", _("To year")
        MONTH = "month", _("To year and month")
        MUNICIPALITY = "municipality", _("Post code to municipality")
        GROUPS = "groups", _("Grouped into intervals")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="variables")
    variable = models.ForeignKey(
        "data.CatalogueVariable", on_delete=models.PROTECT, related_name="+"
    )
    register = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    first_year = models.IntegerField()
    last_year = models.IntegerField()
    justification = models.TextField(blank=True)
    identifying_justification = models.TextField(
        blank=True, help_text=_("Particularly identifying variables: the separate justification.")
    )
    coarsening = models.CharField(max_length=20, choices=Coarsening.choices, blank=True)

    class Meta:
        ordering = ["register", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "variable"], name="variable_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.register}.{self.name} {self.first_year}-{self.last_year}"

    @property
    def label(self) -> str:
        return f"{self.register}.{self.name}"


class ExternalDataSource(models.Model):
    """Data from another source linked into the project (R15)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="external_data"
    )
    source = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    approval_reference = models.CharField(
        max_length=100, blank=True, help_text=_("The data-protection approval's reference.")
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.source


class ApplicationMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"], name="member_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class ApplicationQuestion(Question):
    """A case handler's question while reviewing, and the applicant's answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()

    class Meta(Question.Meta):
        pass

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def about(self) -> Application:
        return self.application
