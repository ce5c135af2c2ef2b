"""Django app configuration for the web frame; at start-up it lets enum labels translate."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fivesafes.web"
    label = "web"
    verbose_name = "Web frame"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from fivesafes.shared.labels import use_translator

        use_translator(gettext)
