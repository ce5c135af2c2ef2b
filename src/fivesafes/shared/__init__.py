"""Shared machinery every room uses, owned by none of them.

`refusals` (findings, rule violations, access refusals), `workflow` (state machines as data
and the one walker), `labels` (enums whose members carry a label), `models` (model pieces the
rooms repeat), `services` (the permission a service step needs, the locked row, audited
changes and questions), `uploads` (bounded, content-checked uploads), `pages` (how a page runs
a service) and `api` (how an API operation runs one). Nothing here imports a room; see
docs/architecture.md.
"""
