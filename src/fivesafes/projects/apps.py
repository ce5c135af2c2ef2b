"""Django app configuration for safe projects."""

from collections.abc import Iterator

from django.apps import AppConfig


def stored_files() -> Iterator[str]:
    """The file-store names safe projects' records refer to: documents, contracts, archives."""
    from fivesafes.projects.models import Project, Quote, UploadedDocument
    from fivesafes.projects.services.closure import ARCHIVE
    from fivesafes.projects.services.documents import CONTRACTS
    from fivesafes.projects.services.uploads import FOLDER

    for name in UploadedDocument.objects.values_list("stored_name", flat=True):
        yield f"{FOLDER}/{name}"
    for name in Quote.objects.exclude(contract_name="").values_list("contract_name", flat=True):
        yield f"{CONTRACTS}/{name}"
    for name in Project.objects.exclude(archive_name="").values_list("archive_name", flat=True):
        yield f"{ARCHIVE}/{name}"


class ProjectsConfig(AppConfig):
    name = "fivesafes.projects"
    label = "projects"
    verbose_name = "Safe projects"

    def ready(self) -> None:
        from fivesafes import files

        files.register_references(stored_files)
