"""Django app configuration for safe people."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PeopleConfig(AppConfig):
    name = "fivesafes.people"
    label = "people"
    verbose_name = "Safe people"

    def ready(self) -> None:
        from fivesafes.people.access import forget_exclusions
        from fivesafes.people.models import Sanction

        post_save.connect(forget_exclusions, sender=Sanction, dispatch_uid="people-exclusions")
        post_delete.connect(forget_exclusions, sender=Sanction, dispatch_uid="people-exclusions-d")
