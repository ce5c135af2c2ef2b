"""Django app configuration for safe people."""

from collections.abc import Iterator

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def stored_files() -> Iterator[str]:
    """The file-store names safe people's records refer to (guarantees and breach evidence)."""
    from fivesafes.people.models import Authorisation, BreachEvidence
    from fivesafes.people.services.sanctions import EVIDENCE_FOLDER

    yield from Authorisation.objects.exclude(exemption_guarantee="").values_list(
        "exemption_guarantee", flat=True
    )
    yield from Authorisation.objects.exclude(agreement_document="").values_list(
        "agreement_document", flat=True
    )
    for name in BreachEvidence.objects.values_list("stored_name", flat=True):
        yield f"{EVIDENCE_FOLDER}/{name}"


class PeopleConfig(AppConfig):
    name = "fivesafes.people"
    label = "people"
    verbose_name = "Safe people"

    def ready(self) -> None:
        from fivesafes import files
        from fivesafes.people.models import Sanction
        from fivesafes.people.queries import exclusion_reason, forget_exclusions
        from fivesafes.policy.checks import register_exclusion_check

        post_save.connect(forget_exclusions, sender=Sanction, dispatch_uid="people-exclusions")
        post_delete.connect(forget_exclusions, sender=Sanction, dispatch_uid="people-exclusions-d")
        register_exclusion_check(exclusion_reason)
        files.register_references(stored_files)
        # Every version of an agreement stays: a signature names the document it was made on.
        files.register_kept_folder("people/agreements")
