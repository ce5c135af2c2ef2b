"""Django app configuration for the delivery room: at start-up it asks the closure of a project
to delete the project's data folder (R25), without projects knowing of this room."""

from typing import Any

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "fivesafes.delivery"
    label = "delivery"
    verbose_name = "Data delivery"

    def ready(self) -> None:
        from fivesafes.delivery.services import closure
        from fivesafes.projects.services.closure import when_closed
        from fivesafes.projects.views.projects import add_panel

        when_closed(closure.project_closed)
        add_panel(_deliveries_panel)


def _deliveries_panel(request: Any, project: Any) -> str:
    from fivesafes.delivery.views.pages import project_panel

    return project_panel(request, project)
