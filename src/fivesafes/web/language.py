"""The interface language: the person's own choice, kept on their account, before the browser's.

Django's LocaleMiddleware picks the language from the language cookie, else the browser's
Accept-Language, else settings.LANGUAGE_CODE; `PersonLanguageMiddleware` (after sign-in's
middleware) puts a signed-in person's saved choice first. `choose` is the footer's form: it
sets the cookie for everyone and saves the choice on the account of a signed-in person.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.accounts import services as accounts
from fivesafes.policy.checks import is_two_factor
from fivesafes.policy.decorators import public

CODES = {code for code, _name in settings.LANGUAGES}


class PersonLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and chosen in CODES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


@public
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_back(request))
    if language not in CODES:
        messages.error(
            request,
            _("Language: choose one of %(names)s.")
            % {"names": ", ".join(str(name) for _code, name in settings.LANGUAGES)},
        )
        return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    user = request.user
    if user.is_authenticated and is_two_factor(user):
        accounts.choose_language(actor=user, language=language, request=request)
    return response
