"""URLs of the job pages (namespace `jobs`)."""

from django.urls import path

from fivesafes.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("self-check/", views.start_self_check, name="self_check"),
    path("<uuid:task_id>/", views.job_detail, name="detail"),
]
