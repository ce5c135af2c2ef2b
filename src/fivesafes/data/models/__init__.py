"""Models of safe data."""

from fivesafes.data.models.basket import BasketItem
from fivesafes.data.models.catalogue import (
    CatalogueCode,
    CatalogueRegister,
    CatalogueVariable,
    RegisterVersion,
)

__all__ = [
    "BasketItem",
    "CatalogueCode",
    "CatalogueRegister",
    "CatalogueVariable",
    "RegisterVersion",
]
