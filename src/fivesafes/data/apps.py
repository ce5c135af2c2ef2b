"""Django app configuration for safe data."""

from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "fivesafes.data"
    label = "data"
    verbose_name = "Safe data"
