"""`fivesafes serve` answers HTTP under uvicorn (the ASGI server the demo and production use)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_pages_and_static_files_under_uvicorn(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "FIVESAFES_DATA_DIR": str(tmp_path), "FIVESAFES_ENV": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "fivesafes.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/static/css/fivesafes.css") as answer:  # noqa: S310
                    css = answer.read().decode()
                    headers = answer.headers
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "{" in css
        assert headers.get("Server") is None  # no server banner
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "Uvicorn running on" in output
