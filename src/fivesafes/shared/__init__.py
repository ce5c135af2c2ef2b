"""Shared machinery every room uses, owned by none of them.

`refusals` (findings, rule violations, access refusals), `workflow` (state machines as data
and the one walker), `services` (the permission a service step needs, audit snapshots),
`uploads` (bounded, content-checked uploads), `pages` (how a page runs a service) and `api`
(how an API operation runs one). Nothing here imports a room; see docs/architecture.md.
"""
