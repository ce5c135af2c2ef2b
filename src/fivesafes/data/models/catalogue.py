"""The catalogue as stored: registers, their versions, variables and code lists (R26).

The metadata document of each version is kept whole (`RegisterDocument`), so any version can be turned
back into the framework-free model (`fivesafes.metadata.register_from_dict`); the columns beside
it are what browsing and search need.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from fivesafes.metadata import Register, register_from_dict

QUALITY_HEADINGS = (
    ("purpose", "Purpose"),
    ("history", "History"),
    ("collectionMethod", "Collection method"),
    ("accuracy", "Accuracy"),
    ("referencePeriod", "Reference period"),
    ("comparability", "Comparability over time"),
)


class CatalogueRegister(models.Model):
    """A register (dataset); its content lives in versions, the newest being `current`."""

    short_name = models.CharField(max_length=64, unique=True)
    subject_area = models.CharField(max_length=40, db_index=True)
    unit_type = models.CharField(max_length=40, db_index=True)
    current = models.ForeignKey(
        "RegisterVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class RegisterVersion(models.Model):
    register = models.ForeignKey(
        CatalogueRegister, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField(max_length=20)
    fingerprint = models.CharField(max_length=64)
    title_en = models.CharField(max_length=300)
    title_da = models.CharField(max_length=300)
    description_en = models.TextField()
    description_da = models.TextField()
    temporality = models.CharField(max_length=12, db_index=True)
    first_year = models.IntegerField()
    last_year = models.IntegerField()
    data_owner = models.CharField(max_length=200)
    owner_is_office = models.BooleanField(default=True)
    rows_by_year = models.JSONField(default=dict, blank=True)
    # Lower-cased short name, titles and descriptions in both languages, for word search.
    search_text = models.TextField(default="", blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["register__short_name", "-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "version"], name="one_row_per_register_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.register.short_name} {self.version}"

    def model(self) -> Register:
        return register_from_dict(self.source.document)

    @property
    def quality(self) -> list[tuple[str, dict[str, str]]]:
        """The quality declaration as (heading, {"en": ..., "da": ...}) in the document's order."""
        declaration = self.source.document["qualityDeclaration"]
        return [(heading, declaration[key]) for key, heading in QUALITY_HEADINGS]


class RegisterDocument(models.Model):
    """The whole metadata document of a version, kept apart so that scans of versions stay small."""

    version = models.OneToOneField(RegisterVersion, on_delete=models.CASCADE, related_name="source")
    document = models.JSONField()

    def __str__(self) -> str:
        return f"metadata of {self.version}"


class CatalogueVariable(models.Model):
    version = models.ForeignKey(RegisterVersion, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(max_length=64)
    position = models.PositiveIntegerField()
    label_en = models.CharField(max_length=300)
    label_da = models.CharField(max_length=300)
    description_en = models.TextField()
    description_da = models.TextField()
    data_type = models.CharField(max_length=10)
    role = models.CharField(max_length=12)
    unit_of_measure = models.CharField(max_length=100, blank=True)
    links_to = models.CharField(max_length=40, blank=True)
    code_list_name = models.CharField(max_length=100, blank=True)
    directly_identifying = models.BooleanField(default=False)
    particularly_identifying = models.BooleanField(default=False)
    special_category = models.BooleanField(default=False)
    business_data = models.BooleanField(default=False)
    # Lower-cased names, labels and descriptions in both languages, for word search.
    search_text = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="one_variable_name_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version.register.short_name}.{self.name}"

    @property
    def sensitivity_labels(self) -> list[str]:
        labels = []
        if self.directly_identifying:
            labels.append(gettext_noop("directly identifying (removed at extraction)"))
        if self.particularly_identifying:
            labels.append(gettext_noop("particularly identifying (separate justification)"))
        if self.special_category:
            labels.append(gettext_noop("special category (GDPR art. 9)"))
        if self.business_data:
            labels.append(gettext_noop("business data"))
        return labels


class CatalogueCode(models.Model):
    variable = models.ForeignKey(CatalogueVariable, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=40)
    label_en = models.CharField(max_length=300)
    label_da = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    level = models.IntegerField(null=True, blank=True)
    parent = models.CharField(max_length=40, blank=True)
    is_sentinel = models.BooleanField(default=False)

    class Meta:
        ordering = ["variable", "is_sentinel", "code", "valid_from"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_en}"
