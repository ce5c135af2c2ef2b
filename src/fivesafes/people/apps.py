"""Django app configuration for safe people."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fivesafes.people"
    label = "people"
    verbose_name = "Safe people"
