"""The signed-in person's account page: roles, second factors, recovery codes and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.accounts import services, twofactor
from fivesafes.accounts.forms import TokenForm
from fivesafes.accounts.models import ApiToken
from fivesafes.accounts.views.signin import CODES_KEY
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission


@requires(Permission.MANAGE_OWN_ACCOUNT)
def account(
    request: HttpRequest,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "roles": sorted(role.label for role in user.roles),
            "codes_left": twofactor.recovery_codes_left(user),
            "tokens": user.api_tokens.all(),
            "token_form": token_form
            or TokenForm(initial={"days": settings.FIVESAFES_API_TOKEN_DAYS}),
            "new_token": new_token,
        },
        status=status,
    )


@requires(Permission.MANAGE_OWN_ACCOUNT)
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly made recovery codes once; POST makes a new set and voids the old."""
    if request.method == "POST":
        codes = services.renew_recovery_codes(actor=request.user, request=request)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    codes = request.session.pop(CODES_KEY, None)
    if not codes:
        messages.info(
            request, _("Recovery codes are shown only once. Make a new set if you lost them.")
        )
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@requires(Permission.USE_API_TOKENS)
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return account(request, token_form=form, status=400)
    _token, plain = services.create_token(
        actor=request.user,
        name=form.cleaned_data["name"],
        days=form.cleaned_data["days"],
        request=request,
    )
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return account(request, new_token=plain)


@requires(Permission.USE_API_TOKENS)
@require_POST
def revoke_token(request: HttpRequest, key_id: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, key_id=key_id, user=request.user)
    if services.revoke_token(actor=request.user, token=token, request=request):
        messages.success(request, _("Token '%(token)s' is revoked.") % {"token": token.name})
    return redirect("accounts:account")
