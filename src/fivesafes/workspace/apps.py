"""Django app configuration for safe settings (the workspace): at start-up it asks safe people
(an agreement ended, a sanction) and the closure of a project to tell it when access ends, so
that runs and sessions stop at once, without those rooms knowing of this one; and it has every
change to what the access rule reads move the access generation, which the JupyterLab proxy
reads to reuse a passing answer of the rule (`policy/access_generation.py`)."""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "fivesafes.workspace"
    label = "workspace"
    verbose_name = "Safe settings"

    def ready(self) -> None:
        from fivesafes.people.services.access_ended import when_access_ends
        from fivesafes.policy import access_generation
        from fivesafes.projects.services.closure import when_closed
        from fivesafes.workspace.services import access

        when_access_ends(access.person_access_ended)
        when_closed(access.project_closed)
        access_generation.watch()
