"""Management commands of the audit app (see each module)."""
