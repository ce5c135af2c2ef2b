"""Released files over the API: the log (checkers and auditors), a member's released files,
the download (members only, never withdrawn), breaches and after-the-fact review."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.release import queries
from fivesafes.release.api.schemas import BreachIn, NoteIn, ReleasedOut
from fivesafes.release.models import ReleasedFile
from fivesafes.release.services import release as releasing
from fivesafes.shared.api import Paging, call_service, caller, load

router = Router()


@router.get("/log", response=list[ReleasedOut], summary="The release log (R22)")
@api_requires(P.VIEW_RELEASE_LOG)
@paginate(Paging)
def release_log(request: HttpRequest) -> QuerySet[ReleasedFile]:
    return queries.release_log()


@router.get("/released", response=list[ReleasedOut], summary="Released files you may see")
@api_requires(P.VIEW_DASHBOARD)
@paginate(Paging)
def released_files(request: HttpRequest) -> QuerySet[ReleasedFile]:
    return queries.released_files(caller(request))


@router.get("/released/{released_id}", response=ReleasedOut, summary="One entry of the release log")
@api_requires(P.VIEW_DASHBOARD)
def released_detail(request: HttpRequest, released_id: int) -> ReleasedFile:
    return load(request, ReleasedFile, policy.check_see_released, pk=released_id)


@router.get(
    "/released/{released_id}/download",
    summary="Download a released file (members of its project; the only download route)",
)
@api_requires(P.WORK_IN_PROJECTS)
def download(request: HttpRequest, released_id: int) -> HttpResponse:
    released = load(request, ReleasedFile.objects.select_related("project", "file"), pk=released_id)
    name, content = call_service(
        lambda: releasing.download(actor=caller(request), released=released, request=request)
    )
    response = HttpResponse(content, content_type="application/octet-stream")
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "output"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/released/{released_id}/breach",
    response=ReleasedOut,
    summary="Mark a released file as a breach: withdrawn, a breach case opened (R24)",
)
@api_requires(P.REVIEW_OUTPUTS)
def mark_breach(request: HttpRequest, released_id: int, payload: BreachIn) -> ReleasedFile:
    released: ReleasedFile = load(request, ReleasedFile, policy.check_mark_breach, pk=released_id)
    return call_service(
        lambda: releasing.mark_breach(
            actor=caller(request),
            released=released,
            what_happened=payload.what_happened,
            request=request,
        )
    )


@router.post(
    "/released/{released_id}/looked-at",
    response=ReleasedOut,
    summary="Record that an automatically released file was looked at afterwards",
)
@api_requires(P.REVIEW_OUTPUTS)
def after_review(request: HttpRequest, released_id: int, payload: NoteIn) -> ReleasedFile:
    released: ReleasedFile = load(request, ReleasedFile, policy.check_after_review, pk=released_id)
    return call_service(
        lambda: releasing.after_review(
            actor=caller(request), released=released, note=payload.note, request=request
        )
    )
