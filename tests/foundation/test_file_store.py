"""The file store: whole files only, files of a failed change removed, names kept inside it."""

from __future__ import annotations

import pytest

from fivesafes import files
from tests.conftest import use_file_store


@pytest.fixture
def store(settings, tmp_path):
    return use_file_store(settings, tmp_path / "files")


def test_write_puts_the_whole_file_under_its_name_and_nothing_else(store) -> None:
    assert files.write("a/b/report.pdf", b"%PDF-1.4 text") == "a/b/report.pdf"
    assert (store / "a" / "b" / "report.pdf").read_bytes() == b"%PDF-1.4 text"
    assert [p.name for p in (store / "a" / "b").iterdir()] == ["report.pdf"]


def test_a_failing_block_removes_the_files_it_wrote_and_no_others(store) -> None:
    files.write("kept/earlier.txt", b"before")
    with pytest.raises(RuntimeError), files.kept_if_committed():
        files.write("kept/first.txt", b"one")
        files.write("kept/second.txt", b"two")
        raise RuntimeError("the database refused")
    assert sorted(p.name for p in (store / "kept").iterdir()) == ["earlier.txt"]


def test_an_inner_block_that_succeeded_is_removed_when_the_outer_one_fails(store) -> None:
    with pytest.raises(ValueError), files.kept_if_committed():
        with files.kept_if_committed():
            files.write("nested/inner.txt", b"inner")
        assert (store / "nested" / "inner.txt").exists()
        raise ValueError("later step failed")
    assert not (store / "nested" / "inner.txt").exists()


def test_a_block_that_succeeds_keeps_its_files(store) -> None:
    with files.kept_if_committed():
        files.write("ok/file.txt", b"fine")
    assert (store / "ok" / "file.txt").read_bytes() == b"fine"


@pytest.mark.parametrize("name", ["../outside.txt", "a/../../outside.txt", "/etc/passwd", ""])
def test_names_leaving_the_store_are_refused(store, name) -> None:
    with pytest.raises(ValueError, match="not a file name under the file store"):
        files.write(name, b"x")
    assert not (store.parent / "outside.txt").exists()
