"""Pages for external data (R15) and re-identification (R14).

Staff make a one-time upload link from the delivery page (shown once, on the page the POST
answers) and withdraw it; the data owner opens the link without an account, gives the
data-processing agreement's reference and sends the file (`upload_page`, whose only
credential is the token: `policy.check_use_link`). A request larger than the limit is refused
before Django reads its body. Re-identification has one page per project: the questions,
the form to ask, and the buttons of the second person; the answer is shown once, never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fivesafes.delivery.models import Delivery, ExternalUpload, Reidentification
from fivesafes.delivery.services import external, reidentification
from fivesafes.delivery.views.forms import AskForm, DecideForm, LinkForm, UploadForm
from fivesafes.policy import deliveries as policy
from fivesafes.policy.decorators import public, requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.pages import (
    Refused,
    attempt,
    form_action,
    load,
    refuse,
    run_action,
    shows_refusals,
)

DELIVERIES = Delivery.objects.select_related("project")
UPLOADS = ExternalUpload.objects.select_related("delivery__project", "created_by")
# Room for the form's other fields and the multipart framing around the file.
FRAMING_BYTES = 64 * 1024


@require_POST
@never_cache
@requires(Permission.DELIVER_DATA)
@shows_refusals
def issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a one-time upload link; the page that answers shows it, once."""
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)
    form = LinkForm(request.POST, sources=policy.sources(delivery))
    return form_action(
        request,
        form,
        lambda data: external.issue_link(
            actor=request.user,
            delivery=delivery,
            source=data["source"],
            owner=data["owner"],
            table_name=data["table_name"],
            keyed_by=data.get("keyed_by") or "person",
            request=request,
        ),
        done=lambda made: render(
            request,
            "delivery/link_made.html",
            {
                "delivery": delivery,
                "upload": made[0],
                "url": request.build_absolute_uri(f"/delivery/external/upload/{made[1]}/"),
            },
        ),
        again=lambda form: _back_with_errors(request, form, pk),
    )


def _back_with_errors(request: HttpRequest, form: LinkForm, pk: int) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else _("Link")
        messages.error(
            request, _("%(field)s: %(errors)s") % {"field": label, "errors": " ".join(errors)}
        )
    return redirect("delivery:delivery", pk=pk)


@require_POST
@requires(Permission.DELIVER_DATA)
@shows_refusals
def cancel_upload(request: HttpRequest, pk: int) -> HttpResponse:
    upload = load(request, UPLOADS, lambda u, x: policy.check_see_delivery(u, x.delivery), pk=pk)
    return run_action(
        request,
        lambda: external.cancel(actor=request.user, upload=upload, request=request),
        done=lambda u: redirect("delivery:delivery", pk=u.delivery_id),
        failed=lambda: redirect("delivery:delivery", pk=upload.delivery_id),
        success=lambda u: (
            _("The upload of %(source)s is withdrawn; its files are deleted.")
            % {"source": u.source}
        ),
    )


def key_file(name: str, content: bytes) -> HttpResponse:
    """A scrambling-key file as a download, never cached (the page's and the API's)."""
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "scrambling-key.csv"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@requires(Permission.DELIVER_DATA)
@shows_refusals
def scrambling_key(request: HttpRequest, pk: int) -> HttpResponse:
    """The link's scrambling-key file, for staff to send the data owner (distributed linking)."""
    upload = load(request, UPLOADS, lambda u, x: policy.check_see_delivery(u, x.delivery), pk=pk)
    try:
        name, content = attempt(
            request,
            lambda: external.take_scrambling_key(
                actor=request.user, upload=upload, request=request
            ),
        )
    except Refused as refused:
        return refused.response or redirect("delivery:delivery", pk=upload.delivery_id)
    return key_file(name, content)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > external.max_bytes() + FRAMING_BYTES


# Exempt from the CSRF check, which would read (and spool to disk) the whole body before the
# size check: the page has no session to ride on, and the token in its address is the secret
# a forged request would need.
@public
@csrf_exempt
@never_cache
def upload_page(request: HttpRequest, token: str) -> HttpResponse:
    """The data owner's page behind the one-time link (no account; the token is the key)."""
    upload = external.find(token)
    if not policy.can_use_link(upload):
        return refuse(request, _link_refusal(upload), status=404)
    assert upload is not None
    context: dict[str, Any] = {"upload": upload, "max_mib": external.max_bytes() // 2**20}
    if request.method != "POST":
        return render(request, "delivery/upload.html", context | {"form": UploadForm()})
    if _too_large(request):
        too_large = _("The file is larger than %(most)s MiB; it was not accepted.") % {
            "most": context["max_mib"]
        }
        return render(
            request,
            "delivery/upload.html",
            context | {"form": UploadForm(), "too_large": too_large},
            status=413,
        )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "delivery/upload.html", context | {"form": form}, status=400)
    try:
        received = attempt(
            request,
            lambda: external.receive(
                token=token,
                reference=form.cleaned_data["agreement_reference"],
                uploaded=form.cleaned_data["file"],
                request=request,
            ),
            form,
        )
    except Refused as refused:
        return refused.response or render(
            request, "delivery/upload.html", context | {"form": form}, status=400
        )
    return render(request, "delivery/upload_done.html", {"upload": received})


def _link_refusal(upload: ExternalUpload | None) -> str:
    try:
        policy.check_use_link(upload)
    except Exception as refusal:  # the policy's AccessDenied
        return str(getattr(refusal, "reason", refusal))
    return ""


@requires(Permission.VIEW_DASHBOARD, any_of=policy.DECIDERS)
@shows_refusals
def reidentify_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's re-identifications: ask (with the reason), decide, see the answer."""
    # Who may see re-identifications is asked before the project is looked up, so the answer
    # is the same whether or not the id names a project.
    policy.check_see_reidentifications(request.user)
    project: Project = load(request, Project, pk=pk)
    form = AskForm(request.POST if request.method == "POST" else None)

    def again(form: AskForm) -> HttpResponse:
        items = list(
            Reidentification.objects.filter(project=project).select_related(
                "asked_by", "decided_by", "project"
            )
        )
        return render(
            request,
            "delivery/reidentify.html",
            {
                "project": project,
                "form": form,
                "may_ask": policy.can_ask_reidentification(request.user, project),
                "items": [
                    {
                        "item": item,
                        "may_decide": policy.can_decide_reidentification(request.user, item),
                        "may_reveal": policy.can_reveal(request.user, item),
                    }
                    for item in items
                ],
                "decide_form": DecideForm(),
            },
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return again(form)
    return form_action(
        request,
        form,
        lambda data: reidentification.ask(
            actor=request.user,
            project=project,
            pseudonym=data["pseudonym"],
            reason=data["reason"],
            request=request,
        ),
        done=lambda item: redirect("delivery:reidentify", pk=project.pk),
        again=again,
        success=_("Asked; a second member of staff decides."),
    )


def _item(request: HttpRequest, pk: int) -> Reidentification:
    return load(
        request,
        Reidentification.objects.select_related("project", "asked_by"),
        lambda u, i: policy.check_see_reidentifications(u),
        pk=pk,
    )


@require_POST
@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    if verdict not in ("approve", "refuse"):
        raise Http404(_("Approve or refuse."))
    item = _item(request, pk)
    form = DecideForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: reidentification.decide(
            actor=request.user, item=item, approve=verdict == "approve", note=note, request=request
        ),
        done=lambda i: redirect("delivery:reidentify", pk=i.project_id),
        failed=lambda: redirect("delivery:reidentify", pk=item.project_id),
        success=lambda i: (
            _("Re-identification %(number)s is %(state)s.")
            % {"number": i.pk, "state": i.get_state_display().lower()}
        ),
    )


@require_POST
@never_cache
@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The person number, once, to the one who asked (after a second person approved)."""
    item = _item(request, pk)
    try:
        number = attempt(
            request, lambda: reidentification.reveal(actor=request.user, item=item, request=request)
        )
    except Refused as refused:
        return refused.response or redirect("delivery:reidentify", pk=item.project_id)
    return render(request, "delivery/revealed.html", {"item": item, "number": number})
