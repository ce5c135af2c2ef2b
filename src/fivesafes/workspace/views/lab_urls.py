"""URLs of the JupyterLab session pages: start, stop, the staff list of running sessions.

JupyterLab itself (`/workspace/<project number>/lab/...`) is served by the ASGI proxy.
"""

from django.urls import URLPattern, path

from fivesafes.workspace.views import lab

urlpatterns: list[URLPattern] = [
    path("sessions/running/", lab.running, name="lab_running"),
    path("sessions/<int:pk>/stop/", lab.stop, name="lab_stop"),
    path("sessions/<int:pk>/staff-stop/", lab.staff_stop, name="lab_staff_stop"),
    path("<str:number>/sessions/", lab.project_sessions, name="lab_sessions"),
    path("<str:number>/sessions/start/", lab.start, name="lab_start"),
]
