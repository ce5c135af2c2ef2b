"""Django app configuration for the audit log; loads the declared audit actions at start-up."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fivesafes.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Every app's audit_actions module, now: a broken or conflicting table stops start-up.
        from fivesafes.audit.actions import REGISTRY
        from fivesafes.shared.workflow import MACHINES

        REGISTRY.machine_source = lambda: MACHINES
        REGISTRY.load()
