"""The forms of the delivery pages: what to plan (copies besides Parquet) and staff time."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

COPIES = (("csv", "CSV"), ("dta", "Stata (.dta)"), ("sav", "SPSS (.sav)"))


class PlanForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label=_("Copies besides Parquet (when the project asks for them)"),
        choices=COPIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TimeForm(forms.Form):
    line = forms.ChoiceField(label=_("Quote line"))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.01, max_value=1000, decimal_places=2)
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)

    def __init__(self, *args: Any, lines: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line["code"], f"{line.get('label', line['code'])} ({line.get('quantity', '')})")
            for line in lines or []
        ]


class LinkForm(forms.Form):
    """Staff make a one-time upload link for a source the scope names (R15)."""

    source = forms.ChoiceField(label=_("External data (as the approved scope names them)"))
    owner = forms.CharField(label=_("Data owner who sends the file"), max_length=200)
    table_name = forms.CharField(
        label=_("Short name in the delivery (capitals, digits, _; empty: made from the source)"),
        max_length=40,
        required=False,
    )
    keyed_by = forms.ChoiceField(
        label=_("The owner's file is keyed by"),
        choices=(
            ("person", _("Person number")),
            ("serial", _("Serial from a scrambling-key file we issue (distributed linking)")),
        ),
        initial="person",
        required=False,
    )

    def __init__(self, *args: Any, sources: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, s) for s in sources or []]


class UploadForm(forms.Form):
    """The data owner's upload through the one-time link."""

    agreement_reference = forms.CharField(
        label=_("Reference of the data-processing agreement"), max_length=100
    )
    file = forms.FileField(
        label=_("The data file (CSV, Parquet, Stata .dta, SPSS .sav, SAS .sas7bdat)"),
        allow_empty_file=True,
    )


class AskForm(forms.Form):
    """Staff ask to re-identify one pseudonym (R14)."""

    pseudonym = forms.CharField(
        label=_("Pseudonym (the pnr in the delivered files)"), max_length=20
    )
    reason = forms.CharField(label=_("Why the person must be identified"), widget=forms.Textarea)


class DecideForm(forms.Form):
    note = forms.CharField(label=_("Note (needed to refuse)"), max_length=500, required=False)
