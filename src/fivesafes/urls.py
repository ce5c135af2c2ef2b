"""Root URL configuration: every route here passes the access policy (fivesafes.policy)."""

from django.contrib import admin
from django.urls import include, path

from fivesafes.api.root import api
from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission

admin.site.site_header = "fivesafes administration"
admin.site.has_permission = lambda request: can(request.user, Permission.ADMINISTER_SYSTEM)

urlpatterns = [
    path("", include("fivesafes.web.urls")),
    path("accounts/", include("fivesafes.accounts.urls")),
    path("people/", include("fivesafes.people.urls")),
    path("projects/", include("fivesafes.projects.urls")),
    path("data/", include("fivesafes.data.urls")),
    path("delivery/", include("fivesafes.delivery.urls")),
    path("release/", include("fivesafes.release.urls")),
    path("workspace/", include("fivesafes.workspace.urls")),
    path("audit/", include("fivesafes.audit.urls")),
    path("jobs/", include("fivesafes.jobs.urls")),
    path("healthz", include("fivesafes.jobs.health_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
