"""Forms of safe projects: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy

from fivesafes.metadata.population import Operator
from fivesafes.projects.models import ApplicationVariable

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class NewApplicationForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="Institution that owns the project", queryset=None, empty_label=None
    )
    title = forms.CharField(label="Project title", max_length=200)
    from_basket = forms.BooleanField(
        label="Start the variable list from my data basket", required=False, initial=True
    )

    def __init__(self, *args, institutions=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        from fivesafes.people.models import Institution

        ids = [i.pk for i in institutions or []]
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=ids)


class ProjectStepForm(forms.Form):
    title = forms.CharField(label="Project title", max_length=200)
    purpose = forms.CharField(label="Purpose", required=False, widget=TEXT)
    description = forms.CharField(
        label="Project description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Each variable is justified against this description (R11).",
    )


class LegalStepForm(forms.Form):
    legal_basis_art6 = forms.CharField(
        label="Legal basis (GDPR art. 6)", max_length=300, required=False
    )
    legal_basis_art9 = forms.CharField(
        label="Legal basis for special categories (GDPR art. 9)",
        max_length=300,
        required=False,
        help_text="Needed when special-category data (e.g. health) are requested (R12).",
    )
    no_dpia_reason = forms.CharField(
        label="Reason no DPIA is needed",
        required=False,
        widget=TEXT,
        help_text="Leave empty if you upload the DPIA.",
    )


class PopulationStepForm(forms.Form):
    population_definition = forms.CharField(
        label="Population in words",
        required=False,
        widget=TEXT,
        help_text="Optional: explain the criteria below in your own words.",
    )
    starts_on = forms.DateField(label="Project starts", required=False, widget=DATE)
    ends_on = forms.DateField(label="Project ends", required=False, widget=DATE)
    total_population = forms.BooleanField(label="Total population", required=False)
    total_population_reason = forms.CharField(
        label="Why the total population is required", required=False, widget=TEXT
    )
    sample_size = forms.IntegerField(label="Sample size", required=False, min_value=1)
    sample_reason = forms.CharField(label="How the sample size was chosen", required=False)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "project": ProjectStepForm,
    "legal": LegalStepForm,
    "population": PopulationStepForm,
}


class CriterionForm(forms.Form):
    """One criterion of the population; the service checks it against the catalogue."""

    variable = forms.CharField(
        label="Catalogue variable",
        max_length=140,
        help_text="Type part of its name or label and pick it, or type REGISTER.variable, e.g. "
        "RESIDENCE.municipality or POPULATION.birth_date.",
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
    operator = forms.ChoiceField(label="Condition", choices=[(o.value, o.label) for o in Operator])
    values = forms.CharField(
        label="Values",
        required=False,
        help_text="Codes separated by commas (is one of), or low, high (is between).",
    )
    on = forms.DateField(label="On the date", required=False, widget=DATE)
    period_from = forms.DateField(label="In the period from", required=False, widget=DATE)
    period_to = forms.DateField(label="to", required=False, widget=DATE)

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
    first_year = forms.IntegerField(label="From year")
    last_year = forms.IntegerField(label="To year")
    justification = forms.CharField(label="Justification", required=False, widget=TEXT)
    identifying_justification = forms.CharField(
        label="Separate justification (particularly identifying)", required=False, widget=TEXT
    )
    coarsening = forms.ChoiceField(
        label="Coarsening", required=False, choices=ApplicationVariable.Coarsening.choices
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
    file = forms.FileField(label="File (PDF, DOCX, ODT or TXT)")


class MemberForm(forms.Form):
    username = forms.CharField(
        label="Member",
        max_length=150,
        help_text="Type part of their name or institution and pick them, or type their user name.",
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
    source = forms.CharField(label="Source of the external data", max_length=200)
    approval_reference = forms.CharField(
        label="Data-protection approval reference",
        max_length=100,
        required=False,
        help_text="Must be on file before processing (R15).",
    )


class StepForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deletion_deadline = forms.DateField(
        label="Deletion deadline (approval)",
        required=False,
        widget=DATE,
        help_text="Data are deleted by this date after the project ends (R25).",
    )

    def __init__(self, *args: Any, approving: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not approving:  # only an approval sets the deadline; nobody else is asked for it
            del self.fields["deletion_deadline"]


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question to the applicant", widget=TEXT)


class AnswerForm(forms.Form):
    text = forms.CharField(label="Your answer", widget=TEXT)


class ChangeRequestForm(forms.Form):
    summary = forms.CharField(label="What should change, and why", widget=TEXT)
