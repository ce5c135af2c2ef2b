"""`{{ event.action|audit_words }}`: an audit action in words, for the log and any history."""

from django import template

from fivesafes.audit.presentation import in_words

register = template.Library()


@register.filter(name="audit_words")
def audit_words(action: str) -> str:
    return in_words(str(action))
