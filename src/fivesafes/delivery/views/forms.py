"""The forms of the delivery pages: what to plan (copies besides Parquet) and staff time."""

from __future__ import annotations

from typing import Any

from django import forms

COPIES = (("csv", "CSV"), ("dta", "Stata (.dta)"), ("sav", "SPSS (.sav)"))


class PlanForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label="Copies besides Parquet (when the project asks for them)",
        choices=COPIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TimeForm(forms.Form):
    line = forms.ChoiceField(label="Quote line")
    hours = forms.DecimalField(label="Hours", min_value=0.01, max_value=1000, decimal_places=2)
    note = forms.CharField(label="What was done", max_length=300, required=False)

    def __init__(self, *args: Any, lines: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line["code"], f"{line.get('label', line['code'])} ({line.get('quantity', '')})")
            for line in lines or []
        ]
