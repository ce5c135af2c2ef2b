"""Management commands of safe people."""
