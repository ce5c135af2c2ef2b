"""`{{ event.action|audit_words }}`: an audit action in words, for the log and any history;
`{% history events %}`: an object's history in words, repeated edits folded."""

from typing import Any

from django import template

from fivesafes.audit.presentation import history as history_rows
from fivesafes.audit.presentation import in_words

register = template.Library()


@register.filter(name="audit_words")
def audit_words(action: str) -> str:
    return in_words(str(action))


@register.inclusion_tag("audit/_history.html")
def history(events: Any, about: bool = False) -> dict[str, Any]:
    return {"rows": history_rows(events), "about": about}
