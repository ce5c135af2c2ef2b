"""Django app configuration for safe outputs (release)."""

from collections.abc import Iterator

from django.apps import AppConfig


def stored_files() -> Iterator[str]:
    """The file-store names the release room's records refer to: the frozen copies."""
    from fivesafes.release.models import RequestFile

    yield from RequestFile.objects.exclude(stored_name="").values_list("stored_name", flat=True)


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
