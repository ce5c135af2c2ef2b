"""Django app configuration for the web frame."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fivesafes.web"
    label = "web"
    verbose_name = "Web frame"
