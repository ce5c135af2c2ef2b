"""Linkage of external data (R15), free of Django: external files read, validated and keyed by
person number for extraction."""
