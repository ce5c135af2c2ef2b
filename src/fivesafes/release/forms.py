"""The forms of the release pages."""

from __future__ import annotations

from django import forms

from fivesafes.release.models import RequestFile

DECLARATIONS_HELP = (
    "For a CSV table without a check record: what each column holds, e.g. "
    "'region=label, sex=label, n=frequency' (roles: label, frequency, magnitude, mean, median, "
    "min, max, std, contributors, ignore)."
)


class UpdateFileForm(forms.Form):
    context = forms.CharField(label="What the file shows", widget=forms.Textarea(attrs={"rows": 2}))
    exception = forms.CharField(
        label="Exception justification (only if the file does not pass)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    declarations = forms.CharField(
        label="Column roles", required=False, max_length=2000, help_text=DECLARATIONS_HELP
    )


class FileForm(UpdateFileForm):
    path = forms.CharField(
        label="File in the outputs area",
        max_length=500,
        widget=forms.TextInput(attrs={"list": "outputs-area"}),
    )

    field_order = ["path", "context", "exception", "declarations"]


class VoteForm(forms.Form):
    decision = forms.ChoiceField(label="Your vote", choices=RequestFile.Decision.choices)
    comment = forms.CharField(
        label="Comment (hidden from the other checker until both have voted)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsolidateForm(forms.Form):
    decision = forms.ChoiceField(label="Settled outcome", choices=RequestFile.Decision.choices)
    note = forms.CharField(label="How it was settled", widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BreachForm(forms.Form):
    what_happened = forms.CharField(
        label="What is disclosive in the released file", widget=forms.Textarea(attrs={"rows": 3})
    )


class SamplingForm(forms.Form):
    project = forms.CharField(label="Project number", max_length=20)
    rate = forms.FloatField(
        label="Share of passing requests sampled", min_value=0.0, max_value=1.0, initial=0.5
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
