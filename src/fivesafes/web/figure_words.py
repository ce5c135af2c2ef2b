"""The words of the dashboards' figures in the person's language, agreeing with their count.

`panel_figures` writes each figure's label in English, in the plural ("quotes to accept"); this
table gives each label its singular and plural for the translation machinery, so "1 quote to
accept" reads "1 tilbud at acceptere" in Danish. A label missing here is shown in English.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

WORDS: dict[str, Any] = {
    "agreements to countersign": ngettext_lazy(
        "agreement to countersign", "agreements to countersign", "count"
    ),
    "approved agreements to send": ngettext_lazy(
        "approved agreement to send", "approved agreements to send", "count"
    ),
    "assigned to you": ngettext_lazy("assigned to you", "assigned to you", "count"),
    "authorisation agreements to sign": ngettext_lazy(
        "authorisation agreement to sign", "authorisation agreements to sign", "count"
    ),
    "authorisation cases overdue": ngettext_lazy(
        "authorisation case overdue", "authorisation cases overdue", "count"
    ),
    "breach cases to decide": ngettext_lazy(
        "breach case to decide", "breach cases to decide", "count"
    ),
    "drafts": ngettext_lazy("draft", "drafts", "count"),
    "not yet taken": ngettext_lazy("not yet taken", "not yet taken", "count"),
    "of them overdue": ngettext_lazy("of them overdue", "of them overdue", "count"),
    "open authorisation cases": ngettext_lazy(
        "open authorisation case", "open authorisation cases", "count"
    ),
    "projects you can work in now": ngettext_lazy(
        "project you can work in now", "projects you can work in now", "count"
    ),
    "questions from the office to answer": ngettext_lazy(
        "question from the office to answer", "questions from the office to answer", "count"
    ),
    "quotes to accept": ngettext_lazy("quote to accept", "quotes to accept", "count"),
    "recommended applications": ngettext_lazy(
        "recommended application", "recommended applications", "count"
    ),
    "recommended authorisations": ngettext_lazy(
        "recommended authorisation", "recommended authorisations", "count"
    ),
    "returned for changes": ngettext_lazy("returned for changes", "returned for changes", "count"),
    "signed agreements to register": ngettext_lazy(
        "signed agreement to register", "signed agreements to register", "count"
    ),
    "to applicants, unanswered": ngettext_lazy(
        "to applicants, unanswered", "to applicants, unanswered", "count"
    ),
    "to institutions, unanswered": ngettext_lazy(
        "to institutions, unanswered", "to institutions, unanswered", "count"
    ),
    # The rooms of delivery and release (web/panel_rooms.py).
    "approved projects without data": ngettext_lazy(
        "approved project without data", "approved projects without data", "count"
    ),
    "delivery plans to review": ngettext_lazy(
        "delivery plan to review", "delivery plans to review", "count"
    ),
    "failed deliveries": ngettext_lazy("failed delivery", "failed deliveries", "count"),
    "requests waiting for a first review": ngettext_lazy(
        "request waiting for a first review", "requests waiting for a first review", "count"
    ),
    "requests waiting for a second review": ngettext_lazy(
        "request waiting for a second review", "requests waiting for a second review", "count"
    ),
    "reviewed requests to decide": ngettext_lazy(
        "reviewed request to decide", "reviewed requests to decide", "count"
    ),
    "released files to look at again": ngettext_lazy(
        "released file to look at again", "released files to look at again", "count"
    ),
    "release requests returned to you": ngettext_lazy(
        "release request returned to you", "release requests returned to you", "count"
    ),
    "release requests not yet submitted": ngettext_lazy(
        "release request not yet submitted", "release requests not yet submitted", "count"
    ),
    "with the office": ngettext_lazy("with the office", "with the office", "count"),
    "without access now: see why": ngettext_lazy(
        "without access now: see why", "without access now: see why", "count"
    ),
}

# The short texts some figures show instead of a count.
TEXTS: dict[str, Any] = {
    "Not certified": _("Not certified"),
    "Renew": _("Renew"),
    "Valid": _("Valid"),
    "take the test to work in any project": _("take the test to work in any project"),
}
