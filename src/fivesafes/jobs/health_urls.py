"""The health check's URL (mounted at /healthz; namespace `health`)."""

from django.urls import path

from fivesafes.jobs.health import healthz

app_name = "health"

urlpatterns = [path("", healthz, name="healthz")]
