"""The catalogue's business logic: importing metadata, searching, coverage and charts."""
