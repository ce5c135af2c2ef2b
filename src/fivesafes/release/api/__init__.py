"""`/api/v1/release/...`: the same services as the release pages, as JSON.

Every operation loads its object through the policy's check (`fivesafes.policy.releases`),
calls the service and maps a refusal to the one error format (`fivesafes.shared.api`).
"""

from ninja import Router

from fivesafes.release.api import released, requests

router = Router()
for topic in (requests, released):
    router.add_router("", topic.router)

__all__ = ["router"]
