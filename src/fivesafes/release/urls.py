"""URLs of safe outputs (mounted at /release/); every view declares its access rule."""

from django.urls import path

from fivesafes.release.views import checking, requests

app_name = "release"
urlpatterns = [
    # Researchers
    path("", requests.my_requests, name="my_requests"),
    path("projects/<int:pk>/new/", requests.new_request, name="new"),
    path("requests/<int:pk>/", requests.request_page, name="request"),
    path("requests/<int:pk>/files/", requests.add_file, name="add_file"),
    path("requests/<int:pk>/steps/<slug:step>/", requests.take_step, name="step"),
    path("files/<int:pk>/", requests.update_file, name="update_file"),
    path("files/<int:pk>/withdraw/", requests.withdraw_file, name="withdraw_file"),
    # Checkers
    path("files/<int:pk>/vote/", requests.vote, name="vote"),
    path("files/<int:pk>/consolidate/", requests.consolidate, name="consolidate"),
    path("queue/", checking.queue, name="queue"),
    path("sampling/", checking.raise_sampling, name="sampling"),
    # The release log, downloads, breaches (R22, R24)
    path("log/", checking.log, name="log"),
    path("dashboard/", checking.dashboard, name="dashboard"),
    path("log.csv", checking.log_csv, name="log_csv"),
    path("released/<int:pk>/download/", checking.download, name="download"),
    path("released/<int:pk>/breach/", checking.mark_breach, name="breach"),
    path("released/<int:pk>/looked-at/", checking.after_review, name="after_review"),
]
