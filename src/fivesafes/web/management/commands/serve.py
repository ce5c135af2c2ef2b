"""`fivesafes serve`: run the web service under uvicorn, a production ASGI server.

Static files are served by WhiteNoise inside the application; put a reverse proxy that
terminates TLS in front of it in production (`--proxy-headers` trusts its X-Forwarded-*).
"""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand


def add_address_arguments(parser: Any) -> None:
    """`--host` and `--port` of the web server (`fivesafes demo` runs this one, and takes them)."""
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")


class Command(BaseCommand):
    help = "Run the web service under uvicorn (ASGI)."

    def add_arguments(self, parser: Any) -> None:
        add_address_arguments(parser)
        parser.add_argument(
            "--workers", type=int, default=1, help="server processes (1 in the demo)"
        )
        parser.add_argument(
            "--proxy-headers",
            action="store_true",
            help="trust X-Forwarded-For/Proto from the reverse proxy in front",
        )

    def handle(
        self, *args: Any, port: int, host: str, workers: int, proxy_headers: bool, **options: Any
    ) -> None:
        uvicorn.run(
            "fivesafes.asgi:application",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=proxy_headers,
            forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
            lifespan="off",
            server_header=False,
        )
