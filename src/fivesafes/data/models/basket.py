"""The data basket: variables (with years) a researcher collects while browsing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class BasketItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="basket"
    )
    variable = models.ForeignKey(
        "data.CatalogueVariable", on_delete=models.CASCADE, related_name="+"
    )
    first_year = models.IntegerField()
    last_year = models.IntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["variable__version__register__short_name", "variable__position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "variable"], name="variable_once_per_basket"),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="basket_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable} {self.first_year}-{self.last_year}"
