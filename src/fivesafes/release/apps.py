"""Django app configuration for safe outputs (release): the file-store names its records refer
to, and at start-up it asks the closure of a project to clear its unreleased outputs (R25)."""

from collections.abc import Iterator

from django.apps import AppConfig


def stored_files() -> Iterator[str]:
    """The file-store names the release room's records refer to: the frozen copies, of this
    round and of earlier ones, until they are deleted at the project's closure."""
    from fivesafes.release.models import RequestFile

    kept = RequestFile.objects.exclude(stored_name="").filter(frozen_deleted_at__isnull=True)
    yield from kept.values_list("stored_name", flat=True)
    for earlier in RequestFile.objects.exclude(earlier_copies=[]).values_list(
        "earlier_copies", flat=True
    ):
        yield from earlier


class ReleaseConfig(AppConfig):
    name = "fivesafes.release"
    label = "release"
    verbose_name = "Safe outputs"

    def ready(self) -> None:
        from fivesafes import files
        from fivesafes.release.models import FROZEN

        files.register_references(stored_files)
        # A frozen copy is the evidence of what was checked and released: it stays.
        files.register_kept_folder(FROZEN)
        # At closure the frozen copies of files never released are deleted (R25).
        from fivesafes.projects.services.closure import when_closed
        from fivesafes.release.services import closure

        when_closed(closure.project_closed)
