"""The audit actions of the catalogue and the data basket, in words (see `fivesafes.audit.actions`)."""

ACTIONS = {
    "catalogue.register_imported": "A register's metadata were imported into the catalogue (R26)",
    "catalogue.coverage_refreshed": "A register's rows per year were re-read from its data",
    "basket.variable_added": "A researcher put a variable in their data basket",
    "basket.variable_removed": "A researcher took a variable out of their data basket",
}
