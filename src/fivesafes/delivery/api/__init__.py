"""`/api/v1/deliveries/...`: a project's deliveries (paged), one delivery with its
`next_steps`, planning, starting (or running again), discarding, and booking staff time. Every
operation declares its permission, loads its object through `fivesafes.policy.deliveries` and
calls the same services as the pages; refusals answer in the one error format."""

from fivesafes.delivery.api.deliveries import router

__all__ = ["router"]
