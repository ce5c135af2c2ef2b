"""URLs of the workspace pages: data, files, runs, outputs, the SQL console, staff overview."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
