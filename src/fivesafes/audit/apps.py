"""Django app configuration for the audit log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fivesafes.audit"
    label = "audit"
    verbose_name = "Audit log"
