"""`/api/v1/deliveries/...`: a project's deliveries (paged), one delivery with its
`next_steps`, planning, starting (or running again), discarding, and booking staff time;
external data's one-time upload links and uploads, and two-person re-identification
(`external.py`). Every
operation declares its permission, loads its object through `fivesafes.policy.deliveries` and
calls the same services as the pages; refusals answer in the one error format."""

from fivesafes.delivery.api import external
from fivesafes.delivery.api.deliveries import router

router.add_router("", external.router)

__all__ = ["router"]
