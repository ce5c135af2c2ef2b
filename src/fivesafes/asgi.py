"""ASGI entry point: what `fivesafes serve` (uvicorn) runs, in the demo and in production.

WhiteNoise (static files) and the file downloads answer with synchronous file iterators, which
Django's ASGI handler reads in a worker thread and warns about on every response; the files are
small (style sheets, PDFs of a few hundred kB), so the warning is silenced here, once.

In front of Django sits the JupyterLab proxy (`fivesafes.workspace.proxy.LabProxy`): it serves
`/workspace/<project number>/lab/...` (HTTP and websockets) and passes everything else on.
"""

import os
import warnings

from django.core.asgi import get_asgi_application

warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivesafes.settings")
django_application = get_asgi_application()

from fivesafes.workspace.proxy import LabProxy  # noqa: E402 - needs Django set up first

application = LabProxy(django_application)
