"""`/api/v1/projects/...`: the same services as the pages, as JSON (in the OpenAPI document).

Each topic has its module; every operation loads its object through the policy's check
(`fivesafes.policy.applications`, `.projects`, `.quotes`), calls the service, maps a refusal
to the one error format (`fivesafes.shared.api`: a rule refusal 400 naming the rule and the
field, a role or ownership refusal 403, a missing object 404) and answers with a
`from_attributes` schema (`schemas.py`). Lists page with `limit`/`offset` and report `count`.
The project operations on `/{project_id}` are included last, so named paths match first.
"""

from ninja import Router

from fivesafes.projects.api import applications, closure, pricing, projects, publications, review

router: Router = projects.list_router
for topic in (applications, review, pricing, publications, projects, closure):
    router.add_router("", topic.router)

__all__ = ["router"]
