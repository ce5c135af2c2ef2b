"""Django app configuration for safe settings (the workspace)."""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "fivesafes.workspace"
    label = "workspace"
    verbose_name = "Safe settings"
