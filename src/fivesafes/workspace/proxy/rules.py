"""What the JupyterLab proxy lets through, by rule, whatever JupyterLab's own interface does (R20).

Pure functions over a request's method, path (after the session's base URL), query and body,
and over the host folders the session sees; no Django, no network, so every rule is tested on
its own (tests/workspace/test_proxy_rules.py). The list is an allow-list: an address that is
not named here is refused, so a JupyterLab or jupyter-server update that adds a new route
cannot open a new way out without someone adding it here.

Refused, always:
- `files/`, `view/`, `nbconvert/`, `api/nbconvert`: raw files and exports to the browser;
- any `download` query parameter;
- reading through the contents API a file that is, or a symbolic link that leads, into the
  data folder, anywhere outside the four areas, or a file over FIVESAFES_LAB_MAX_BINARY_BYTES
  that is not a notebook or text; and copying (`copy_from`) anything out of the data folder;
- terminals (turned off in the server too) and the extension manager's installs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from fivesafes.shared.labels import gettext_noop

AREAS = ("data", "files", "private", "outputs")
TEXT_SUFFIXES = {
    ".py", ".r", ".R", ".sql", ".txt", ".md", ".csv", ".tsv", ".json", ".yaml", ".yml",
    ".toml", ".ini", ".cfg", ".log", ".tex", ".rmd", ".Rmd", ".qmd", ".sh", ".html", ".svg",
}  # fmt: skip
MAX_TEXT_BYTES = 20 * 1000 * 1000  # even a notebook or a text file: no bulk copy through it
MAX_LINKS = 40

# The routes (after the base URL) that are forwarded at all; the rest are refused.
_HTTP_ALLOWED = re.compile(
    r"^(lab(/.*)?|static/.+|kernelspecs/.+|"
    r"api|api/(status|me|spec\.yaml|kernelspecs(/.*)?|kernels(/.*)?|sessions(/.*)?|"
    r"contents(/.*)?|config/.+|events(/.*)?)"
    r")$"
)
_WEBSOCKET_ALLOWED = re.compile(r"^api/(kernels/[0-9a-f-]{36}/channels|events/subscribe)$")
_NEVER = re.compile(r"^(files|view|nbconvert|api/nbconvert|api/terminals|terminals)(/|$)")
_EXTENSION_MANAGER = re.compile(r"^lab/api/extensions(/|$)")


@dataclass(frozen=True)
class Refusal:
    """A refused request: the HTTP status and a plain-words reason (shown and audited). The
    reasons here are written in English and marked `gettext_noop`; the proxy words them in the
    person's language (`access.worded`)."""

    status: int
    reason: str


NOT_OFFERED = Refusal(
    403, gettext_noop("This JupyterLab address is not offered through fivesafes.")
)


def check_path(subpath: str) -> Refusal | None:
    """Refuse paths that could mean something else to the server than to these rules."""
    if "\\" in subpath or "%" in subpath or "\x00" in subpath:
        return Refusal(400, gettext_noop("The address has characters that are not allowed."))
    parts = subpath.split("/")
    if parts[-1] == "":
        parts.pop()  # one trailing slash is fine
    if any(part in ("", ".", "..") for part in parts):
        return Refusal(
            400, gettext_noop("The address has empty, '.' or '..' parts, which are not allowed.")
        )
    return None


def check_query(query: str) -> Refusal | None:
    for name, _value in parse_qsl(query, keep_blank_values=True):
        if name.lower() == "download":
            return Refusal(
                403,
                gettext_noop(
                    "Downloading files is not possible: data and results stay on the server."
                ),
            )
    return None


def check_http(method: str, subpath: str, query: str) -> Refusal | None:
    """The route rules for an HTTP request; contents reads are checked further on."""
    refused = check_path(subpath) or check_query(query)
    if refused:
        return refused
    if _NEVER.match(subpath):
        if subpath.startswith(("nbconvert", "api/nbconvert")):
            return Refusal(
                403, gettext_noop("Exporting notebooks is not possible: they stay on the server.")
            )
        if "terminals" in subpath:
            return Refusal(
                403, gettext_noop("Terminals are not offered; use a Python or R notebook.")
            )
        return Refusal(403, gettext_noop("Opening raw files in the browser is not possible (R20)."))
    if _EXTENSION_MANAGER.match(subpath) and method != "GET":
        return Refusal(
            403, gettext_noop("Extensions cannot be installed; staff manage the analysis packages.")
        )
    if not _HTTP_ALLOWED.match(subpath.rstrip("/") if subpath != "" else "lab"):
        return NOT_OFFERED
    return None


def check_websocket(subpath: str, query: str) -> Refusal | None:
    refused = check_path(subpath) or check_query(query)
    if refused:
        return refused
    if not _WEBSOCKET_ALLOWED.match(subpath):
        return NOT_OFFERED
    return None


def contents_path(subpath: str) -> str | None:
    """For `api/contents/<path>` (not its checkpoints), the path inside /project."""
    if not subpath.startswith("api/contents"):
        return None
    rest = subpath[len("api/contents") :].strip("/")
    if "/checkpoints" in f"/{rest}":
        return None
    return rest


def resolve_inside(path: str, mounts: Mapping[str, Path]) -> str | None:
    """The real path inside the sandbox that `path` (under /project) leads to, following
    symbolic links as the sandbox would see them; None when it leaves the mounted areas.

    `mounts` maps each inside folder ("/project/data", ...) to its host folder."""
    parts = [p for p in path.split("/") if p]
    done: list[str] = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == ".":
            continue
        if part == "..":
            if done:
                done.pop()
            continue
        inside = "/" + "/".join([*done, part])
        host = _host_path(inside, mounts)
        if host is None:
            if inside == "/project":
                done.append(part)
                continue
            return None
        if host.is_symlink():
            hops += 1
            if hops > MAX_LINKS:
                return None
            target = os.readlink(host)
            parts = [p for p in target.split("/") if p] + parts
            if target.startswith("/"):
                done = []
            continue
        done.append(part)
    return "/" + "/".join(done)


def _host_path(inside: str, mounts: Mapping[str, Path]) -> Path | None:
    for folder, host in mounts.items():
        if inside == folder:
            return host
        if inside.startswith(folder + "/"):
            return host / inside[len(folder) + 1 :]
    return None


def is_text(path: Path) -> bool:
    if path.suffix in TEXT_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        head.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return b"\x00" not in head


def check_contents_read(
    inside_path: str, mounts: Mapping[str, Path], *, max_binary_bytes: int
) -> Refusal | None:
    """A GET of `api/contents/<inside_path>` (relative to /project)."""
    if inside_path == "":
        return None  # the root's listing: the four folders
    real = resolve_inside("/project/" + inside_path, mounts)
    if real is None:
        return Refusal(403, gettext_noop("That file is outside the project's folders."))
    host = _host_path(real, mounts)
    if host is None or not host.exists():
        return None  # the server answers "not found" itself
    if host.is_dir():
        return None  # a listing: names, sizes, dates
    if real == "/project/data" or real.startswith("/project/data/"):
        return Refusal(
            403,
            gettext_noop(
                "Files of the data folder cannot be opened in the browser; read them in a "
                "notebook or script (R20)."
            ),
        )
    size = host.stat().st_size
    if host.suffix == ".ipynb" or is_text(host):
        if size > MAX_TEXT_BYTES:
            return Refusal(403, gettext_noop("That file is too large to open in the browser."))
        return None
    if size > max_binary_bytes:
        return Refusal(
            403,
            gettext_noop(
                "Only notebooks, text files and small files (such as figures) open in the "
                "browser; this file is larger and stays on the server."
            ),
        )
    return None


def check_contents_write(body: bytes, mounts: Mapping[str, Path]) -> Refusal | None:
    """A POST/PUT/PATCH to the contents API: nothing is copied out of the data folder."""
    try:
        model = json.loads(body or b"{}")
    except ValueError:
        return None  # the server refuses what it cannot read
    if not isinstance(model, dict):
        return None
    source = model.get("copy_from")
    if isinstance(source, str):
        real = resolve_inside("/project/" + source.strip("/"), mounts)
        if real is None or real == "/project/data" or real.startswith("/project/data/"):
            return Refusal(
                403,
                gettext_noop(
                    "Files of the data folder cannot be copied; read them where they are."
                ),
            )
    return None
