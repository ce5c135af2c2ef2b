"""Batch runs of researchers' scripts and SQL in the sandbox."""

__all__: list[str] = []
