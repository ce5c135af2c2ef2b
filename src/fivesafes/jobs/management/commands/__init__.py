"""Management commands of the jobs app (see each module)."""
