"""URLs of the auditor's pages (namespace `audit`)."""

from django.urls import path

from fivesafes.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:sequence>/", views.event_detail, name="detail"),
]
