"""Safe data: the catalogue of registers, extraction, pseudonymisation and delivery."""
