"""Models of safe projects: project, application with its lists, uploaded documents."""

from fivesafes.projects.models.application import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationVariable,
    ExternalDataSource,
)
from fivesafes.projects.models.document import UploadedDocument
from fivesafes.projects.models.pricing import Invoice, PriceItem, Quote
from fivesafes.projects.models.project import Project, ProjectMembership
from fivesafes.projects.models.publication import Publication

__all__ = [
    "Application",
    "ApplicationMember",
    "ApplicationQuestion",
    "ApplicationVariable",
    "ExternalDataSource",
    "Invoice",
    "PriceItem",
    "Project",
    "ProjectMembership",
    "Publication",
    "Quote",
    "UploadedDocument",
]
