"""URLs of the workspace pages: home, areas, runs, the SQL console, the staff overview."""

from django.urls import path

from fivesafes.workspace.views import pages, runs, staff

urlpatterns = [
    path("staff/", staff.overview, name="staff"),
    path("staff/projects/<int:pk>/limits/", staff.limits, name="limits"),
    path("staff/runs/<int:pk>/stop/", staff.stop_run, name="stop_run"),
    path("runs/<int:pk>/", runs.run_page, name="run"),
    path("runs/<int:pk>/output/", runs.run_output, name="run_output"),
    path("runs/<int:pk>/cancel/", runs.cancel, name="cancel_run"),
    path("<int:pk>/", pages.home, name="home"),
    path("<int:pk>/runs/", runs.run_list, name="runs"),
    path("<int:pk>/sql/", runs.sql_console, name="console"),
    path("<int:pk>/area/<slug:area>/", pages.area, name="area"),
    path("<int:pk>/area/<slug:area>/edit/", pages.edit, name="edit"),
    path("<int:pk>/area/<slug:area>/upload/", pages.upload, name="upload"),
    path("<int:pk>/area/<slug:area>/delete/", pages.delete, name="delete"),
]
