"""`/applications`: start, list, read and fill in applications (the wizard's fields, variables,
population, members, external data, documents)."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import File
from ninja.files import UploadedFile

from fivesafes.api.operations import Op, routes
from fivesafes.people.models import Institution
from fivesafes.policy import applications as applications_policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects import queries
from fivesafes.projects.api.common import APPLICATIONS, afresh, change
from fivesafes.projects.api.schemas import (
    ApplicationChangesIn,
    ApplicationOut,
    ApplicationSummary,
    ExternalDataIn,
    MemberIn,
    NewApplicationIn,
    PopulationIn,
    VariableIn,
)
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    ApplicationVariable,
    ExternalDataSource,
)
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import population
from fivesafes.shared.api import Call, Run, create, read


def _list(call: Call) -> QuerySet[Application]:
    found = queries.applications(call.user, **call.params)
    return found.prefetch_related("quotes__accepted_by", "quotes__invoice_to")


def _new(call: Call) -> dict[str, Any]:
    asked = call.payload
    institution = Institution.objects.filter(pk=asked.institution_id).first()
    return {"institution": institution, "title": asked.title, "from_basket": asked.from_basket}


def _variable(call: Call, application: Application) -> ApplicationVariable:
    return get_object_or_404(ApplicationVariable, pk=call.path["line_id"], application=application)


def _member(call: Call, application: Application) -> ApplicationMember:
    username = call.path["username"]
    return get_object_or_404(ApplicationMember, application=application, person__username=username)


def _external(call: Call, application: Application) -> ExternalDataSource:
    return get_object_or_404(ExternalDataSource, pk=call.path["item_id"], application=application)


def _draft(method: str, path: str, summary: str, run: Run, name: str, **more: Any) -> Op:
    """An operation on `/applications/{application_id}<path>` that changes a draft: it needs
    the permission to apply and answers with the application as it is now."""
    path = f"/applications/{{application_id}}{path}"
    return Op(method, path, ApplicationOut, summary, P.APPLY_FOR_PROJECTS, run, name, **more)


router = routes(
    __name__,
    [
        Op("GET", "/applications", list[ApplicationSummary],
           "My applications (applicant, member, manager of the institution); for staff who "
           "read applications, those waiting for the office",
           P.VIEW_DASHBOARD, _list, "application_list", paged=True,
           params={"state": (str, ""), "handler": (str, ""), "due": (str, "")},
           description='`state` is "all", one state, or empty (staff: the open cases; others: '
           'all of theirs).\nStaff filter by `handler` ("mine", "none" or a user name) and '
           '`due` ("overdue", "week").\nThe earliest due come first.'),
        Op("POST", "/applications", ApplicationOut, "Start a draft application",
           P.APPLY_FOR_PROJECTS, create(service.create_draft, _new, lambda _, a: afresh(a)),
           "create_application", body=NewApplicationIn, status=201),
        Op("GET", "/applications/{application_id}", ApplicationOut, "One application",
           P.VIEW_DASHBOARD, read(APPLICATIONS, applications_policy.check_see),
           "application_detail",
           description="The findings as of now for an open application, as the page shows "
           "them (certifications\nand authorisations change without a save); as stored once "
           "decided. `next_steps` are the\nsteps the asker may take now."),
        _draft("PATCH", "", "Save fields of a draft; the findings are recomputed",
               change(service.update,
                      fields=lambda call: {"changes": call.payload.dict(exclude_unset=True)}),
               "update_application", body=ApplicationChangesIn),
        _draft("PUT", "/variables/{line_id}", "Years, justifications and coarsening of one variable",
               change(service.update_variable, "line", _variable), "update_variable",
               body=VariableIn),
        _draft("PUT", "/population",
               "Replace the population's criteria, checked against the catalogue (R11)",
               change(population.set_population,
                      fields=lambda call: {"definition": call.payload.dict()}),
               "set_population", body=PopulationIn),
        _draft("POST", "/members", "Add a member to a draft by user name or full name",
               change(service.add_member), "add_member", body=MemberIn),
        _draft("DELETE", "/members/{username}",
               "Remove a member from a draft (a change request records it as narrowing, R16)",
               change(service.remove_member, "member", _member), "remove_member"),
        _draft("DELETE", "/variables/{line_id}", "Remove one variable from a draft",
               change(service.remove_variable, "line", _variable), "remove_variable"),
        _draft("POST", "/basket", "Add the variables of my data basket to a draft",
               change(service.add_from_basket), "add_from_basket"),
        _draft("POST", "/external-data",
               "Add external data to be linked, with its data-protection approval (R15)",
               change(service.add_external_data), "add_external_data", body=ExternalDataIn),
        _draft("DELETE", "/external-data/{item_id}", "Stop linking one source of external data",
               change(service.remove_external_data, "item", _external), "remove_external_data"),
        _draft("POST", "/documents/{kind}",
               "Upload the protocol or the DPIA (PDF, DOCX, ODT or TXT, checked by content)",
               change(service.attach_document,
                      fields=lambda call: {"kind": call.path["kind"], "upload": call.params["file"]}),
               "upload_document", params={"file": File[UploadedFile]}),
    ],
)  # fmt: skip
