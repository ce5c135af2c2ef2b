"""Released files over the API: the log (checkers and auditors), a member's released files,
the download (members only, never withdrawn), breaches and after-the-fact review."""

from typing import Any

from django.http import HttpResponse

from fivesafes.api.operations import Op, routes
from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.release import queries
from fivesafes.release.api.schemas import BreachIn, NoteIn, ReleasedOut
from fivesafes.release.models import ReleasedFile
from fivesafes.release.services import release as releasing
from fivesafes.release.views.checking import attachment
from fivesafes.shared.api import Call, Check, Run, call_service, load, on, read


def _on_released(service: Any, check: Check) -> Run:
    return on(ReleasedFile, "released", service, check=check)


def _download(call: Call) -> HttpResponse:
    released = load(
        call.request, ReleasedFile.objects.select_related("project", "file"), pk=call.pk
    )
    return attachment(
        *call_service(
            lambda: releasing.download(actor=call.user, released=released, request=call.request)
        )
    )


ONE = "/released/{released_id}"
router = routes(
    __name__,
    [
        Op("GET", "/log", list[ReleasedOut], "The release log (R22)", P.VIEW_RELEASE_LOG,
           lambda call: queries.release_log(), "release_log", paged=True),
        Op("GET", "/released", list[ReleasedOut], "Released files you may see", P.VIEW_DASHBOARD,
           lambda call: queries.released_files(call.user), "released_files", paged=True),
        Op("GET", ONE, ReleasedOut, "One entry of the release log", P.VIEW_DASHBOARD,
           read(ReleasedFile, policy.check_see_released), "released_detail"),
        Op("GET", f"{ONE}/download", None,
           "Download a released file (members of its project; the only download route)",
           P.WORK_IN_PROJECTS, _download, "download",
           # Whatever the file is, it is sent as bytes to save (an attachment, never sniffed).
           files=("application/octet-stream",)),
        Op("POST", f"{ONE}/breach", ReleasedOut,
           "Mark a released file as a breach: withdrawn, a breach case opened (R24)",
           P.REVIEW_OUTPUTS, _on_released(releasing.mark_breach, policy.check_mark_breach),
           "mark_breach", body=BreachIn),
        Op("POST", f"{ONE}/looked-at", ReleasedOut,
           "Record that an automatically released file was looked at afterwards",
           P.REVIEW_OUTPUTS, _on_released(releasing.after_review, policy.check_after_review),
           "after_review", body=NoteIn),
    ],
)  # fmt: skip
