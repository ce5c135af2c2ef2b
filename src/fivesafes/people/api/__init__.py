"""`/api/v1/people/...`: the same services as the pages, as JSON (in the OpenAPI document).

One module per topic, each the same shape: load the object through its policy check
(`shared.api.load`/`act`), call the service, map a refusal to the one error format (a rule
400 naming rule and field, an access refusal 403), answer a schema read from the object.
Lists page with `limit`/`offset` and report their `count`. Documents come back as files, to
the same people who may open them on the pages.
"""

from ninja import Router

from fivesafes.people.api import access, agreements, cases, certification, researchers, sanctions

router = Router()
for topic in (access, cases, researchers, agreements, certification, sanctions):
    router.add_router("", topic.router)

__all__ = ["router"]
