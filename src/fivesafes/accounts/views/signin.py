"""Sign-in: password first, then the authenticator code; enrolment on first sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from fivesafes.accounts import services, sessions, twofactor
from fivesafes.accounts.forms import CodeForm, EnrolForm, SignInForm
from fivesafes.accounts.models import User
from fivesafes.audit.services import record
from fivesafes.policy.checks import exclusion_reason, is_two_factor
from fivesafes.policy.decorators import public

BACKEND = "fivesafes.accounts.backends.UsernameOrEmailBackend"
NEXT_KEY = "fivesafes.next"
ENROL_KEY = "fivesafes.enrol_device"
CODES_KEY = "fivesafes.new_recovery_codes"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, {request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _disabled_with_right_password(username: str, password: str) -> bool:
    from django.db.models import Q

    user = User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username)).first()
    return bool(user and not user.is_active and user.check_password(password))


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_two_factor(request.user):
        return redirect(_safe_next(request, request.GET.get("next")))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        user = authenticate(request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            record(action="login.locked_out", request=request, data={"username": username[:150]})
            return render(request, "accounts/sign_in.html", {"form": form}, status=429)
        if user is None:
            if _disabled_with_right_password(username, password):
                record(
                    action="login.refused_disabled",
                    request=request,
                    data={"username": username[:150]},
                )
                form.add_error(None, _("This account is disabled. Contact the research service."))
            else:
                record(action="login.failed", request=request, data={"username": username[:150]})
                form.add_error(None, _("The username or password is wrong."))
        elif excluded := exclusion_reason(user):
            record(
                action="login.refused_excluded",
                actor=user,
                request=request,
                data={"reason": excluded[:500]},
            )
            form.add_error(None, f"You cannot sign in: {excluded}")
        else:
            next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
            sessions.set_pending(request, user)
            request.session[NEXT_KEY] = next_url
            record(action="login.password_accepted", actor=user, request=request)
            if twofactor.has_authenticator(user):
                return redirect("accounts:verify")
            return redirect("accounts:enrol")
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


def locked_out(request: HttpRequest, response: Any, credentials: Any) -> HttpResponse:
    """Axes calls this when a username has too many failed sign-ins."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )


def _complete(request: HttpRequest, user: User, device: Any) -> None:
    next_url = request.session.get(NEXT_KEY)
    auth_login(request, user, backend=BACKEND)
    otp_login(request, device)
    request.session[NEXT_KEY] = next_url
    sessions.clear_pending(request)
    record(
        action="login.succeeded",
        actor=user,
        request=request,
        data={
            "second_factor": "recovery code"
            if isinstance(device, StaticDevice)
            else "authenticator"
        },
    )


@public
def verify(request: HttpRequest) -> HttpResponse:
    user = sessions.pending_user(request)
    if user is None:
        messages.info(
            request, _("Sign in with your password first (the code step lasts five minutes).")
        )
        return redirect("accounts:login")
    if not twofactor.has_authenticator(user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device, problem = twofactor.verify_code(user, form.cleaned_data["code"])
            if device is None:
                record(
                    action="login.second_factor_failed",
                    actor=user,
                    request=request,
                    data={"reason": problem},
                )
                form.add_error("code", problem)
            else:
                _complete(request, user, device)
                if isinstance(device, StaticDevice):
                    left = twofactor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        _(
                            "You used a recovery code; %(left)s remain. Make new ones on your "
                            "account page."
                        )
                        % {"left": left},
                    )
                return redirect(request.session.pop(NEXT_KEY, None) or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "pending": user},
        status=400 if form.errors else 200,
    )


@public
def enrol(request: HttpRequest) -> HttpResponse:
    user = sessions.pending_user(request)
    if user is None:
        messages.info(request, _("Sign in with your password first."))
        return redirect("accounts:login")
    if twofactor.has_authenticator(user):
        return redirect("accounts:verify")
    device = twofactor.enrolment_device(user, request.session.get(ENROL_KEY))
    request.session[ENROL_KEY] = device.pk
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                codes = services.confirm_authenticator(person=user, device=device, request=request)
                _complete(request, user, device)
            request.session.pop(ENROL_KEY, None)
            request.session[CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
        record(action="two_factor.enrol_code_wrong", actor=user, request=request)
        form.add_error(
            "code",
            "That code does not match. Check the clock of your phone and "
            "enter the code the app shows now.",
        )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "pending": user,
        },
        status=400 if form.errors else 200,
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(action="logout", actor=request.user, request=request)
    auth_logout(request)
    request.fivesafes_signed_out = True
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")
