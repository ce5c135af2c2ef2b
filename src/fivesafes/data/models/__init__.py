"""Models of safe data."""

from fivesafes.data.models.basket import BasketItem
from fivesafes.data.models.catalogue import (
    CatalogueCode,
    CatalogueRegister,
    CatalogueVariable,
    RegisterDocument,
    RegisterVersion,
)

__all__ = [
    "BasketItem",
    "CatalogueCode",
    "CatalogueRegister",
    "CatalogueVariable",
    "RegisterDocument",
    "RegisterVersion",
]
