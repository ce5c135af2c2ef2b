"""URLs of the JupyterLab session pages: start, stop, the staff list of running sessions."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
