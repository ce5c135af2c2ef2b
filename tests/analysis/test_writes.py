"""Writes into the outputs area are atomic, safely named, and never replace a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fivesafes.analysis import area


def test_a_second_output_of_the_same_name_gets_a_new_name(session, regions) -> None:
    first = session.crosstab(regions.region, regions.sex)
    before = first.paths["table"].read_bytes()
    second = session.crosstab(regions.region, regions.sex)
    assert second.name == "crosstab_region_sex_2"
    assert first.paths["table"].read_bytes() == before
    names = sorted(p.name for p in session.folder.iterdir())
    assert names == [
        "crosstab_region_sex.csv",
        "crosstab_region_sex.json",
        "crosstab_region_sex_2.csv",
        "crosstab_region_sex_2.json",
    ]  # no temporary file is left behind


def test_a_file_the_researcher_wrote_is_never_overwritten(session, regions) -> None:
    mine = session.folder / "crosstab_region_sex.json"
    mine.write_text("my notes")
    out = session.crosstab(regions.region, regions.sex)
    assert mine.read_text() == "my notes"
    assert out.name == "crosstab_region_sex_2"  # both files of a pair share a free stem


def test_names_are_safe(session, regions) -> None:
    out = session.crosstab(regions.region, regions.sex, name="../../etc/passwd")
    assert out.paths["table"].parent == session.folder
    assert out.name == "etc_passwd"
    assert area.safe_name(".hidden") == "hidden"
    assert area.safe_name("///") == "output"
    assert len(area.safe_name("x" * 500)) == area.MAX_NAME


def test_a_failed_write_leaves_neither_half_of_the_pair(
    session, regions, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = area._publish

    def fail_on_record(tmp: Path, target: Path) -> None:
        if target.suffix == ".json":
            raise OSError(28, "No space left on device")
        real(tmp, target)

    monkeypatch.setattr(area, "_publish", fail_on_record)
    with pytest.raises(OSError, match="No space left"):
        session.crosstab(regions.region, regions.sex)
    assert list(session.folder.iterdir()) == []


def test_the_table_is_written_whole_under_a_temporary_name_first(
    session, regions, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real = os.link

    def watch(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((Path(src).name, Path(dst).name))
        assert Path(src).stat().st_size > 0  # complete before it gets its name
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", watch)
    session.crosstab(regions.region, regions.sex)
    assert [dst for _, dst in seen] == ["crosstab_region_sex.csv", "crosstab_region_sex.json"]
    assert all(src.startswith(".writing-") for src, _ in seen)
