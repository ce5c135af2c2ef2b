"""The workspace's forms: a text file, an upload, a run, a SQL query, limits, a stop."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fivesafes.sandbox import MB, Limits
from fivesafes.workspace.models import RunKind


class TextFileForm(forms.Form):
    path = forms.CharField(max_length=300, label=_("File name (in this folder, e.g. analysis.py)"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}), required=False, label=_("Text")
    )


class UploadForm(forms.Form):
    folder = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)
    upload = forms.FileField(label=_("Code or text file (at most 1 MB)"))


class DeleteForm(forms.Form):
    path = forms.CharField(max_length=300)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds of run, in the reader's language; none chosen: the file's name says."""
    return [("", gettext("From the file's name")), *RunKind.choices()]


class RunForm(forms.Form):
    script = forms.CharField(
        max_length=500, label=_("Script (/project/files/... or /project/private/...)")
    )
    kind = forms.ChoiceField(choices=kind_choices, required=False, label=_("Kind"))


class SqlForm(forms.Form):
    sql = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 100}),
        label=_('SQL (one SELECT; each delivered file is the view "<delivery>"."<name>")'),
    )
    page = forms.IntegerField(min_value=0, initial=0, required=False, widget=forms.HiddenInput)


class LimitsForm(forms.Form):
    """Limits in the units staff think in; the service gets seconds and bytes."""

    cpu_minutes = forms.IntegerField(min_value=1, label=_("CPU time per process (minutes)"))
    memory_mb = forms.IntegerField(min_value=64, label=_("Memory per process (MB)"))
    processes = forms.IntegerField(min_value=1, max_value=100_000, label=_("Processes and threads"))
    file_size_mb = forms.IntegerField(min_value=1, label=_("Largest file a run writes (MB)"))
    wall_minutes = forms.IntegerField(min_value=1, label=_("Wall-clock per run (minutes)"))
    idle_minutes = forms.IntegerField(
        min_value=1, label=_("Idle JupyterLab session stops after (minutes)")
    )

    def values(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            "cpu_seconds": data["cpu_minutes"] * 60,
            "memory_bytes": data["memory_mb"] * MB,
            "processes": data["processes"],
            "file_size_bytes": data["file_size_mb"] * MB,
            "wall_seconds": data["wall_minutes"] * 60,
            "idle_minutes": data["idle_minutes"],
        }

    @classmethod
    def initial_for(cls, limits: Limits, idle_minutes: int) -> dict[str, int]:
        return {
            "cpu_minutes": max(1, limits.cpu_seconds // 60),
            "memory_mb": limits.memory_bytes // MB,
            "processes": limits.processes,
            "file_size_mb": limits.file_size_bytes // MB,
            "wall_minutes": max(1, limits.wall_seconds // 60),
            "idle_minutes": idle_minutes,
        }


class StopForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Why (the member reads this)"))
