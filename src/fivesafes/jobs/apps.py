"""Django app configuration for background jobs; connects the task signal handlers."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fivesafes.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from fivesafes.jobs import signals

        signals.connect()
