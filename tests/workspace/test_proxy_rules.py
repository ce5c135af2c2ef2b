"""The JupyterLab proxy's rules, on their own: routes, downloads, exports, the data folder,
symbolic links planted by a kernel, large binary files, copies out of the data folder; and
the headers that never cross (cookies one way, Jupyter's cookies the other)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from fivesafes.workspace.proxy import rules
from fivesafes.workspace.proxy.app import downstream_headers, same_origin, upstream_headers

LIMIT = 1000


@pytest.fixture
def mounts(tmp_path: Path) -> dict[str, Path]:
    folders = {}
    for area in rules.AREAS:
        host = tmp_path / area
        host.mkdir()
        folders[f"/project/{area}"] = host
    (tmp_path / "data" / "d1").mkdir()
    (tmp_path / "data" / "d1" / "persons.csv").write_text("id,income\n1,100\n")
    (tmp_path / "data" / "d1" / "persons.parquet").write_bytes(b"PAR1" + b"\x00" * 5000)
    (tmp_path / "files" / "analysis.ipynb").write_text(json.dumps({"cells": []}))
    (tmp_path / "files" / "notes.md").write_text("# notes\n")
    (tmp_path / "files" / "big.bin").write_bytes(b"\x00\x01" * 5000)
    (tmp_path / "outputs" / "figure.png").write_bytes(b"\x89PNG" + b"\x00" * 100)
    return folders


@pytest.mark.parametrize(
    "path",
    [
        "lab",
        "lab/tree/files/analysis.ipynb",
        "lab/api/settings",
        "static/lab/main.js",
        "api/status",
        "api/kernels",
        "api/kernels/0b6e7f1c-1111-2222-3333-444455556666/interrupt",
        "api/sessions",
        "api/contents/files/analysis.ipynb",
        "api/kernelspecs",
        "kernelspecs/python3/logo-64x64.png",
    ],
)
def test_the_routes_jupyterlab_needs_pass(path: str) -> None:
    assert rules.check_http("GET", path, "") is None


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("files/data/d1/persons.csv", "", "raw files"),
        ("files/files/notes.md", "", "raw files"),
        ("view/data/d1/persons.csv", "", "raw files"),
        ("nbconvert/html/files/analysis.ipynb", "", "Exporting"),
        ("api/nbconvert", "", "Exporting"),
        ("api/terminals", "", "Terminals"),
        ("api/contents/files/notes.md", "download=1", "Downloading"),
        ("lab", "Download=", "Downloading"),
        ("tree/files", "", "not offered"),
        ("login", "", "not offered"),
        ("api/contents/../data/d1/persons.csv", "", "'..'"),
        ("api/contents//data", "", "empty"),
        ("api/contents/files%2F..%2Fdata", "", "characters"),
    ],
)
def test_refused_routes_say_why(path: str, query: str, words: str) -> None:
    refusal = rules.check_http("GET", path, query)
    assert refusal is not None and words in refusal.reason


def test_extensions_cannot_be_installed() -> None:
    assert rules.check_http("POST", "lab/api/extensions", "") is not None


def test_only_kernel_and_event_streams_are_websockets() -> None:
    kernel = "api/kernels/0b6e7f1c-1111-2222-3333-444455556666/channels"
    assert rules.check_websocket(kernel, "session_id=x") is None
    assert rules.check_websocket("api/events/subscribe", "") is None
    assert rules.check_websocket("terminals/websocket/1", "") is not None
    assert rules.check_websocket(kernel, "download=1") is not None


def read(mounts: dict[str, Path], path: str) -> rules.Refusal | None:
    return rules.check_contents_read(path, mounts, max_binary_bytes=LIMIT)


def test_contents_of_the_data_folder_are_not_read_but_listed(mounts) -> None:
    assert read(mounts, "data") is None
    assert read(mounts, "data/d1") is None
    refusal = read(mounts, "data/d1/persons.csv")
    assert refusal is not None and "data folder" in refusal.reason
    assert read(mounts, "data/d1/persons.parquet") is not None


def test_notebooks_text_and_small_files_are_read(mounts) -> None:
    assert read(mounts, "") is None
    assert read(mounts, "files/analysis.ipynb") is None
    assert read(mounts, "files/notes.md") is None
    assert read(mounts, "outputs/figure.png") is None
    assert read(mounts, "files/missing.txt") is None  # the server says "not found"


def test_large_binary_files_are_not_read(mounts) -> None:
    refusal = read(mounts, "files/big.bin")
    assert refusal is not None and "stays on the server" in refusal.reason


def test_a_symbolic_link_into_the_data_folder_is_followed_as_the_sandbox_sees_it(mounts) -> None:
    files = mounts["/project/files"]
    os.symlink("/project/data/d1/persons.csv", files / "absolute.csv")
    os.symlink("../data/d1/persons.csv", files / "relative.csv")
    os.symlink("/project/data", files / "data-folder")
    os.symlink("/etc/passwd", files / "outside")
    for name in ("absolute.csv", "relative.csv", "data-folder/d1/persons.csv", "outside"):
        assert read(mounts, f"files/{name}") is not None, name


def test_a_loop_of_links_is_refused(mounts) -> None:
    files = mounts["/project/files"]
    os.symlink("/project/files/b", files / "a")
    os.symlink("/project/files/a", files / "b")
    assert read(mounts, "files/a") is not None


def test_nothing_is_copied_out_of_the_data_folder(mounts) -> None:
    body = json.dumps({"copy_from": "data/d1/persons.csv"}).encode()
    assert rules.check_contents_write(body, mounts) is not None
    os.symlink("/project/data/d1", mounts["/project/files"] / "d")
    body = json.dumps({"copy_from": "files/d/persons.csv"}).encode()
    assert rules.check_contents_write(body, mounts) is not None
    body = json.dumps({"copy_from": "files/notes.md"}).encode()
    assert rules.check_contents_write(body, mounts) is None
    assert rules.check_contents_write(b'{"type": "notebook"}', mounts) is None


def test_contents_path_skips_checkpoints() -> None:
    assert rules.contents_path("api/contents/files/a.ipynb") == "files/a.ipynb"
    assert rules.contents_path("api/contents") == ""
    assert rules.contents_path("api/contents/files/a.ipynb/checkpoints") is None
    assert rules.contents_path("api/kernels") is None


def test_the_users_cookies_and_credentials_never_reach_jupyterlab() -> None:
    scope = {
        "headers": [
            (b"cookie", b"sessionid=secret; csrftoken=x; _xsrf=y"),
            (b"authorization", b"Bearer someone-elses"),
            (b"origin", b"https://fivesafes.example"),
            (b"connection", b"keep-alive, x-private"),
            (b"x-private", b"1"),
            (b"accept", b"application/json"),
            (b"host", b"fivesafes.example"),
        ]
    }
    sent = dict(upstream_headers(scope, "the-token"))
    assert "cookie" not in sent and "origin" not in sent and "x-private" not in sent
    assert sent["authorization"] == "token the-token"
    assert sent["host"] == "localhost"
    assert sent["accept"] == "application/json"


def test_jupyters_cookies_never_reach_the_browser() -> None:
    headers = httpx.Headers(
        [
            ("set-cookie", "username-localhost=abc"),
            ("set-cookie", "_xsrf=def"),
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
        ]
    )
    names = [name for name, _ in downstream_headers(headers)]
    assert b"set-cookie" not in names and b"transfer-encoding" not in names
    assert b"content-type" in names


def test_cross_site_requests_are_told_apart() -> None:
    here = {"headers": [(b"host", b"fivesafes.example"), (b"origin", b"https://fivesafes.example")]}
    there = {"headers": [(b"host", b"fivesafes.example"), (b"origin", b"https://evil.example")]}
    assert same_origin(here, required=True)
    assert not same_origin(there, required=False)
    assert not same_origin({"headers": [(b"host", b"a")]}, required=True)
