"""URLs of safe settings (mounted at /workspace/); every view declares its access rule.

`/workspace/<project number>/lab/...` is not here: the ASGI proxy (`workspace.proxy`) serves it
before Django's URL resolver is reached.
"""

from fivesafes.workspace.views import lab_urls, page_urls

app_name = "workspace"
urlpatterns = [*page_urls.urlpatterns, *lab_urls.urlpatterns]
