"""The forms of the release pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fivesafes.release.models import RequestFile

DECLARATIONS_HELP = _(
    "For a CSV table without a check record: what each column holds, e.g. "
    "'region=label, sex=label, n=frequency' (roles: label, frequency, magnitude, mean, median, "
    "min, max, std, contributors, ignore)."
)


class UpdateFileForm(forms.Form):
    context = forms.CharField(
        label=_("What the file shows"), widget=forms.Textarea(attrs={"rows": 2})
    )
    exception = forms.CharField(
        label=_("Exception justification (only if the file does not pass)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    declarations = forms.CharField(
        label=_("Column roles"), required=False, max_length=2000, help_text=DECLARATIONS_HELP
    )


class FileForm(UpdateFileForm):
    path = forms.CharField(
        label=_("File in the outputs area"),
        max_length=500,
        widget=forms.TextInput(attrs={"list": "outputs-area"}),
    )

    field_order = ["path", "context", "exception", "declarations"]


class VoteForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your vote"), choices=RequestFile.Decision.choices)
    comment = forms.CharField(
        label=_("Comment (hidden from the other checker until both have voted)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsolidateForm(forms.Form):
    decision = forms.ChoiceField(label=_("Settled outcome"), choices=RequestFile.Decision.choices)
    note = forms.CharField(label=_("How it was settled"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreachForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What is disclosive in the released file"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SamplingForm(forms.Form):
    project = forms.CharField(label=_("Project number"), max_length=20)
    rate = forms.FloatField(
        label=_("Share of passing requests sampled"), min_value=0.0, max_value=1.0, initial=0.5
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
