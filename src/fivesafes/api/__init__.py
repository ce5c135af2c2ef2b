"""The JSON API (django-ninja) under /api/v1/, guarded by the same access policy as the web."""
