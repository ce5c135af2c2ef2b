"""Applies the access policy to every request, failing closed.

Web routes carry their rule (see decorators.py); Django's admin needs the administrator role;
the JSON API (namespace `api`) is guarded per operation by fivesafes.api.security. A route with
no rule is refused, and a test checks that no route lacks one.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from fivesafes.policy.checks import check_request
from fivesafes.policy.decorators import AccessRule, rule_of
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import REFUSAL_REASON, REFUSAL_RECORDED, refuse
from fivesafes.shared.refusals import AccessDenied

logger = logging.getLogger("fivesafes.policy")

ADMIN_RULE = AccessRule(public=False, permissions=(Permission.ADMINISTER_SYSTEM,))
API_NAMESPACE = "api"
# Static files and the health check are nobody's objects.
UNAUDITED_PREFIXES = ("/static/", "/favicon.ico", "/healthz")


# Answers that refuse an object: not yours (403) or, as a missing one reads, not found (404).
REFUSED_STATUSES = frozenset({403, 404})


def audit_refusal(request: HttpRequest, response: HttpResponse) -> None:
    """Every refusal is in the audit log (issue 15): a 403 or 404 that no check recorded yet
    (an object refused by its owner check, or asked for by an id that names nothing, which the
    policy answers alike) is recorded here, bounded for anonymous requests like the others."""
    if getattr(request, REFUSAL_RECORDED, False) or request.path.startswith(UNAUDITED_PREFIXES):
        return
    from fivesafes.audit.services import record_refusal

    reason = getattr(request, REFUSAL_REASON, "") or f"answered {response.status_code}"
    record_refusal(
        audit_action="access.denied",
        actor=getattr(request, "user", None),
        request=request,
        reason=reason,
        data={"status": response.status_code},
    )


def rule_for(request: HttpRequest, view_func: Any) -> AccessRule | None:
    match = request.resolver_match
    if match is not None and "admin" in match.namespaces:
        return ADMIN_RULE
    return rule_of(view_func)


class AccessPolicyMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from fivesafes.accounts.sessions import note_expired_session

        note_expired_session(request)
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            audit_refusal(request, response)
        from fivesafes.accounts.sessions import mark_session_cookie

        return mark_session_cookie(request, response)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and API_NAMESPACE in match.namespaces:
            return None
        rule = rule_for(request, view_func)
        if rule is None:
            logger.error("Route %s declares no access rule; refused.", request.path)
            return refuse(request, _("This page declares no access rule, so it is refused."))
        if rule.public:
            return None
        try:
            check_request(request, rule.permissions)
        except AccessDenied as denial:
            if denial.sign_in:
                target = (
                    reverse(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
                )
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
            from fivesafes.audit.services import record_refusal

            record_refusal(
                audit_action="access.denied",
                actor=request.user,
                request=request,
                reason=denial.reason,
            )
            return refuse(request, denial.reason, denial.status)
        return None
