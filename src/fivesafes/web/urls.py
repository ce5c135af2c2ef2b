"""URLs of the web frame."""

from django.urls import path

from fivesafes.web import language, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("language/", language.choose, name="language"),
    path("rules/", views.rules, name="rules"),
]
