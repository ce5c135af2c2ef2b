"""Django app configuration for safe projects."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "fivesafes.projects"
    label = "projects"
    verbose_name = "Safe projects"
