"""URLs of the delivery room (mounted at /delivery/); every view declares its access rule."""

from django.urls import path

from fivesafes.delivery.views import external, pages

app_name = "delivery"
urlpatterns = [
    path("", pages.queue, name="queue"),
    path("projects/<int:pk>/plan/", pages.plan_page, name="plan"),
    path("<int:pk>/", pages.delivery_page, name="delivery"),
    path("<int:pk>/progress/", pages.progress, name="progress"),
    path("<int:pk>/steps/<slug:step>/", pages.take_step, name="step"),
    path("<int:pk>/time/", pages.record_time, name="record_time"),
    path("<int:pk>/documents/<str:name>", pages.document, name="document"),
    path("<int:pk>/external/link/", external.issue_link, name="issue_link"),
    path("external/<int:pk>/cancel/", external.cancel_upload, name="cancel_upload"),
    path("external/<int:pk>/scrambling-key/", external.scrambling_key, name="scrambling_key"),
    path("external/upload/<str:token>/", external.upload_page, name="upload"),
    path("projects/<int:pk>/reidentify/", external.reidentify_page, name="reidentify"),
    path(
        "reidentifications/<int:pk>/decide/<slug:verdict>/",
        external.decide,
        name="decide_reidentification",
    ),
    path("reidentifications/<int:pk>/reveal/", external.reveal, name="reveal"),
]
