"""Background jobs: django-tasks with its database backend, worker heartbeats, progress, health.

Enqueue with `fivesafes.jobs.services.enqueue`; run workers with `fivesafes worker`; a running
task reports progress with `fivesafes.jobs.progress.report`.
"""
