"""The pages start without the disclosure-control engine: sdc and its numeric libraries are
imported by the check job, not by the web process's first request (a slow first answer made
the health check's worker age drift)."""

from __future__ import annotations

import subprocess
import sys


def test_the_url_configuration_does_not_import_sdc() -> None:
    code = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'fivesafes.settings'); django.setup(); import fivesafes.urls; "
        "print('fivesafes.sdc' in sys.modules, 'statsmodels' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["False", "False"]
