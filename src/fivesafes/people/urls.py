"""URLs of safe people."""

app_name = "people"
urlpatterns: list = []
