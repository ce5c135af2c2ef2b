"""Synthetic register base: persons, families, jobs, income, health and enterprises, 1980-2025.

Framework-free; `fivesafes generate-registers` (see `cli`) writes Parquet data and metadata JSON
that `fivesafes.metadata` can load and verify.
"""
