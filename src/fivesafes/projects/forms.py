"""Forms of safe projects: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from fivesafes.metadata.population import Operator
from fivesafes.projects.models import ApplicationVariable
from fivesafes.projects.services.population import OPERATOR_WORDS

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class NewApplicationForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution that owns the project"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    from_basket = forms.BooleanField(
        label=_("Start the variable list from my data basket"), required=False, initial=True
    )

    def __init__(self, *args, institutions=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        from fivesafes.people.models import Institution

        ids = [i.pk for i in institutions or []]
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=ids)


class ProjectStepForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=TEXT)
    description = forms.CharField(
        label=_("Project description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Each variable is justified against this description (R11)."),
    )


class LegalStepForm(forms.Form):
    legal_basis_art6 = forms.CharField(
        label=_("Legal basis (GDPR art. 6)"), max_length=300, required=False
    )
    legal_basis_art9 = forms.CharField(
        label=_("Legal basis for special categories (GDPR art. 9)"),
        max_length=300,
        required=False,
        help_text=_("Needed when special-category data (e.g. health) are requested (R12)."),
    )
    no_dpia_reason = forms.CharField(
        label=_("Reason no DPIA is needed"),
        required=False,
        widget=TEXT,
        help_text=_("Leave empty if you upload the DPIA."),
    )


class PopulationStepForm(forms.Form):
    population_definition = forms.CharField(
        label=_("Population in words"),
        required=False,
        widget=TEXT,
        help_text=_("Optional: explain the criteria below in your own words."),
    )
    starts_on = forms.DateField(label=_("Project starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Project ends"), required=False, widget=DATE)
    total_population = forms.BooleanField(label=_("Total population"), required=False)
    total_population_reason = forms.CharField(
        label=_("Why the total population is required"), required=False, widget=TEXT
    )
    sample_size = forms.IntegerField(label=_("Sample size"), required=False, min_value=1)
    sample_reason = forms.CharField(label=_("How the sample size was chosen"), required=False)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "project": ProjectStepForm,
    "legal": LegalStepForm,
    "population": PopulationStepForm,
}


class CriterionForm(forms.Form):
    """One criterion of the population; the service checks it against the catalogue."""

    variable = forms.CharField(
        label=_("Catalogue variable"),
        max_length=140,
        help_text=_(
            "Type part of its name or label and pick it, or type REGISTER.variable, e.g. "
            "RESIDENCE.municipality or POPULATION.birth_date."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "population-variables",
                "autocomplete": "off",
                "hx-get": reverse_lazy("data:variable_suggestions"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#population-variables",
                "hx-swap": "innerHTML",
            }
        ),
    )
    operator = forms.ChoiceField(
        label=_("Condition"), choices=[(o.value, OPERATOR_WORDS[o]) for o in Operator]
    )
    values = forms.CharField(
        label=_("Values"),
        required=False,
        help_text=_("Codes separated by commas (is one of), or low, high (is between)."),
    )
    on = forms.DateField(label=_("On the date"), required=False, widget=DATE)
    period_from = forms.DateField(label=_("In the period from"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("to"), required=False, widget=DATE)

    def criterion(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "variable": data["variable"],
            "operator": data["operator"],
            "values": data.get("values") or "",
            "on": data.get("on"),
            "from": data.get("period_from"),
            "to": data.get("period_to"),
        }


class VariableForm(forms.Form):
    first_year = forms.IntegerField(label=_("From year"))
    last_year = forms.IntegerField(label=_("To year"))
    justification = forms.CharField(label=_("Justification"), required=False, widget=TEXT)
    identifying_justification = forms.CharField(
        label=_("Separate justification (particularly identifying)"), required=False, widget=TEXT
    )
    coarsening = forms.ChoiceField(
        label=_("Coarsening"), required=False, choices=ApplicationVariable.Coarsening.choices
    )

    def __init__(
        self, *args: Any, data_type: str | None = None, identifying: bool = True, **kwargs: Any
    ) -> None:
        """With the variable's data type, offer only the coarsenings that apply to it (R11); ask
        for a separate justification only of a particularly identifying variable."""
        super().__init__(*args, **kwargs)
        if not identifying:
            del self.fields["identifying_justification"]
        if data_type is not None:
            from fivesafes.projects.services.applications import COARSENING_TYPES

            field = self.fields["coarsening"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                (value, label)
                for value, label in ApplicationVariable.Coarsening.choices
                if not value or data_type in COARSENING_TYPES[value]
            ]


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, ODT or TXT)"))


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("Member"),
        max_length=150,
        help_text=_(
            "Type part of their name or institution and pick them, or type their user name."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "member-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("projects:member_suggestions"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#member-suggestions",
                "hx-swap": "innerHTML",
            }
        ),
    )


class ExternalDataForm(forms.Form):
    source = forms.CharField(label=_("Source of the external data"), max_length=200)
    approval_reference = forms.CharField(
        label=_("Data-protection approval reference"),
        max_length=100,
        required=False,
        help_text=_("Must be on file before processing (R15)."),
    )


class StepForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deletion_deadline = forms.DateField(
        label=_("Deletion deadline (approval)"),
        required=False,
        widget=DATE,
        help_text=_("Data are deleted by this date after the project ends (R25)."),
    )

    def __init__(self, *args: Any, approving: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not approving:  # only an approval sets the deadline; nobody else is asked for it
            del self.fields["deletion_deadline"]


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question to the applicant"), widget=TEXT)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=TEXT)


class ChangeRequestForm(forms.Form):
    summary = forms.CharField(label=_("What should change, and why"), widget=TEXT)
