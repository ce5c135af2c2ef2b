"""Forms of safe people: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fivesafes.people.rules import InstitutionKind

DATE = forms.DateInput(attrs={"type": "date"})


class ApplyForm(forms.Form):
    name = forms.CharField(label=_("Name of the institution"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of institution"), choices=InstitutionKind.choices)
    country = forms.CharField(label=_("Country code"), max_length=2, initial="DK")
    recognition = forms.CharField(
        label=_("Recognised by"),
        required=False,
        help_text=_("e.g. a research council or Eurostat; leave empty if not recognised."),
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    application_text = forms.CharField(
        label=_("The research environment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Purpose, ownership, staff qualifications, research experience, clients."),
    )
    research_group = forms.CharField(
        label=_("Researchers and analysts"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line; at least two (no authorisation to single persons, R5)."),
    )


class ApplyAgainForm(forms.Form):
    """A known institution applies anew (renewal, or after expiry, termination or refusal)."""

    application_text = ApplyForm.base_fields["application_text"]
    research_group = ApplyForm.base_fields["research_group"]


class CredibilityForm(forms.Form):
    assessment = forms.CharField(
        label=_("Credibility assessment (R6)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Clarifying question to the applicant"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_from = forms.DateField(label=_("Authorised from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Authorised until"), required=False, widget=DATE)


class PersonField(forms.CharField):
    """A person named by username or e-mail address."""

    def clean(self, value: Any) -> Any:
        from fivesafes.accounts.models import User

        text = super().clean(value)
        if not text:
            return None
        person = (
            User.objects.filter(username=text).first()
            or User.objects.filter(email__iexact=text).first()
        )
        if person is None:
            raise forms.ValidationError(
                gettext("No person with the username or e-mail '%(text)s'.") % {"text": text}
            )
        return person


class AttachForm(forms.Form):
    researcher = PersonField(label=_("Researcher (username or e-mail)"))
    starts_on = forms.DateField(label=_("Attached from"), required=False, widget=DATE)
    working_abroad = forms.BooleanField(label=_("Works abroad for a period"), required=False)
    affiliated = forms.BooleanField(
        label=_("Foreign researcher (affiliation)"),
        required=False,
        help_text=_(
            "A foreign researcher is affiliated under the institution's responsibility (R7)."
        ),
    )
    contact_person = PersonField(label=_("Contact person (for an affiliation)"), required=False)
    accepts_responsibility = forms.BooleanField(
        label=_("The institution accepts responsibility for the foreign researcher"), required=False
    )


class AgreementForm(forms.Form):
    researcher = PersonField(label=_("Researcher (username or e-mail)"))
    project = forms.CharField(label=_("Project number"), max_length=20)
    starts_on = forms.DateField(label=_("Access from"), widget=DATE)
    ends_on = forms.DateField(label=_("Access until"), widget=DATE)
    allowed_networks = forms.CharField(
        label=_("Allowed IP addresses or ranges"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. 192.0.2.10 or 192.0.2.0/24 (CIDR)."),
    )

    def clean_project(self) -> Any:
        from fivesafes.projects.models import Project

        number = self.cleaned_data["project"].strip()
        project = Project.objects.filter(number=number).select_related("institution").first()
        if project is None:
            raise forms.ValidationError(
                gettext("No project numbered '%(number)s'.") % {"number": number}
            )
        return project


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the service checks each by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


EVIDENCE_HELP = _("PDF, plain text, PNG or JPEG, up to 20 MB each; checked by their content.")


class BreachForm(forms.Form):
    researcher = PersonField(label=_("Researcher (username or e-mail)"))
    what_happened = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the evidence is: log references, requests, statements."),
    )
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=EVIDENCE_HELP)


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision and reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )
    permanent = forms.BooleanField(label=_("Exclude permanently"), required=False)
    exclusion_ends_on = forms.DateField(
        label=_("Exclusion ends on"),
        required=False,
        widget=DATE,
        help_text=_("At least three years from today (R24), unless permanent."),
    )
    withdraw_institution_until = forms.DateField(
        label=_("Withdraw the institution's authorisation until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to keep the institution's authorisation."),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why there was no breach"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E.g. the wrong person was named, or the evidence shows no breach of the rules."
        ),
    )


class QuestionBankForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Answers"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One per line.")
    )
    correct = forms.IntegerField(label=_("Number of the right answer"), min_value=1)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ReportFilterForm(forms.Form):
    person = forms.CharField(label=_("Person"), required=False)
    project = forms.CharField(label=_("Project number"), required=False)
    institution = forms.CharField(label=_("Institution"), required=False)
    register = forms.CharField(
        label=_("Register"),
        required=False,
        help_text=_(
            "A register's short name in the catalogue: who reaches it, through which project."
        ),
    )
    only_with_access = forms.BooleanField(label=_("Only those with access today"), required=False)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Institution"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from fivesafes.people.workflow import CaseState

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext("Any open")), ("all", gettext("Any"))] + [
            (s.value, s.label) for s in CaseState
        ]


class ExemptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Client and assignment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The public authority or eligible NGO the firm works for, and the assignment."),
    )
    client_is_public_or_eligible_ngo = forms.BooleanField(
        label=_("The client is a public authority or an NGO that would itself be eligible"),
        required=False,
    )
    guarantee = forms.FileField(
        label=_("The client's written guarantee of correct use"),
        required=False,
        help_text=_("PDF, plain text, PNG or JPEG scan, up to 20 MB; checked by its content."),
    )
