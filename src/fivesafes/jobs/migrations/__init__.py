"""Database migrations of the jobs app."""
