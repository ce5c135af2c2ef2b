"""Management commands of safe projects."""
