"""The auditor's filters: person, action prefix, object type and id, date range."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fivesafes.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        required=False,
        max_length=150,
        label=gettext_lazy("Person"),
        help_text=gettext_lazy("Username, or part of it."),
    )
    action = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Action"),
        help_text=gettext_lazy("Start of the action, e.g. 'login.' or 'job'."),
    )
    object_type = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Object type"),
        help_text=gettext_lazy("e.g. accounts.user"),
    )
    object_id = forms.CharField(required=False, max_length=64, label=gettext_lazy("Object id"))
    since = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(form: AuditFilterForm, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Apply the valid filters of a bound form (an invalid form filters nothing out)."""
    if not form.is_valid():
        return events
    values = form.cleaned_data
    if values["person"]:
        events = events.filter(actor_label__icontains=values["person"].strip())
    if values["action"]:
        events = events.filter(action__startswith=values["action"].strip())
    if values["object_type"]:
        events = events.filter(object_type=values["object_type"].strip().lower())
    if values["object_id"]:
        events = events.filter(object_id=values["object_id"].strip())
    if values["since"]:
        events = events.filter(occurred_at__gte=_day_start(values["since"]))
    if values["until"]:
        events = events.filter(occurred_at__lt=_day_start(values["until"] + timedelta(days=1)))
    return events
