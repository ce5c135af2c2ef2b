"""Bad external files (issue 12): each refused with the field and the reason, identifiers
never quoted, and nothing written to the destination (`untouched` checks it stays empty)."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fivesafes.linkage import ExternalDataError, Limits, link_external, read_external
from fivesafes.linkage import output as output_module
from tests.linkage.helpers import FORMATS, PNRS, contents, survey, write


def refused(uploads: Path, out: Path, name: str, **options: object) -> ExternalDataError:
    """The refusal of linking `name`; its message never holds a person number."""
    with pytest.raises(ExternalDataError) as caught:
        link_external(uploads, name, out / "SURVEY.parquet", table_name="SURVEY", **options)  # type: ignore[arg-type]
    error = caught.value
    assert not any(pnr in str(error) for pnr in PNRS + ["9999999999"])
    return error


# Encoding


def test_a_stated_encoding_the_file_is_not_in_names_the_line(
    uploads: Path, untouched: Path
) -> None:
    lines = ["pnr,place"] + [f"{pnr},Oslo" for pnr in PNRS[:3]] + ["1512994321,Tromsø"]
    (uploads / "s.csv").write_bytes("\n".join(lines).encode("latin-1"))
    error = refused(uploads, untouched, "s.csv", encoding="utf-8")
    assert error.field == "encoding"
    assert "Line 5" in error.message and "utf-8" in error.message


def test_mixed_encodings_are_refused_not_read_as_latin1(uploads: Path, untouched: Path) -> None:
    content = "pnr,place\n0101011234,Tromsø\n".encode() + b"0202025678,Bod\xf8\n"
    (uploads / "s.csv").write_bytes(content)
    error = refused(uploads, untouched, "s.csv")
    assert error.field == "encoding"
    assert "line 3" in error.message and "mixed encodings" in error.message


def test_an_unknown_or_unaccepted_encoding_is_refused(uploads: Path, untouched: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    assert refused(uploads, untouched, "s.csv", encoding="klingon").field == "encoding"
    assert "not accepted" in refused(uploads, untouched, "s.csv", encoding="utf-16").message


def test_utf16_text_is_named(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_bytes("pnr,x\n0101011234,1\n".encode("utf-16"))
    assert "UTF-16" in refused(uploads, untouched, "s.csv").message


# The person-number column


def test_a_missing_person_column_names_the_columns(uploads: Path, untouched: Path) -> None:
    write(pd.DataFrame({"id": ["a", "b"], "score": [1, 2]}), uploads / "s.sav", "sav")
    error = refused(uploads, untouched, "s.sav")
    assert error.field == "person number column"
    assert "No column holds only person numbers" in error.message
    assert "id, score" in error.message


def test_a_nearly_person_column_is_pointed_at(uploads: Path, untouched: Path) -> None:
    frame = pd.DataFrame({"pnr": [PNRS[0], "12345", PNRS[1]], "x": [1, 2, 3]})
    write(frame, uploads / "s.parquet", "parquet")
    assert "pnr (2 of 3)" in refused(uploads, untouched, "s.parquet").message
    error = refused(uploads, untouched, "s.parquet", person_column="pnr")
    assert error.field == "column:pnr"
    assert "1 values are not person numbers" in error.message and "data row 2" in error.message


def test_an_ambiguous_person_column_is_refused(uploads: Path, untouched: Path) -> None:
    frame = pd.DataFrame({"pnr": PNRS, "mother": PNRS[::-1], "x": [1, 2, 3, 4]})
    write(frame, uploads / "s.dta", "dta")
    error = refused(uploads, untouched, "s.dta")
    assert "Several columns" in error.message and "pnr, mother" in error.message
    table, _ = link_external(
        uploads, "s.dta", untouched / "S.parquet", table_name="S", person_column="pnr"
    )
    assert pq.read_table(table.path).column_names == ["pnr", "mother", "x"]
    table.path.unlink()


def test_a_named_column_that_does_not_exist(uploads: Path, untouched: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    error = refused(uploads, untouched, "s.csv", person_column="fnr")
    assert "no column named 'fnr'" in error.message and "pnr, score, answer" in error.message


def test_person_numbers_stored_as_numbers_are_refused(uploads: Path, untouched: Path) -> None:
    frame = pd.DataFrame({"pnr": [int(p) for p in PNRS], "x": [1.0, 2.0, 3.0, 4.0]})
    write(frame, uploads / "s.sav", "sav")
    error = refused(uploads, untouched, "s.sav", person_column="pnr")
    assert "leading zeros" in error.message


def test_rows_without_a_person_number(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_text(f"pnr,x\n{PNRS[0]},1\n,2\n{PNRS[1]},3\n,4\n")
    error = refused(uploads, untouched, "s.csv", person_column="pnr")
    assert "2 rows have no person number (the first is data row 2)" in error.message


def test_another_column_called_pnr_is_refused(uploads: Path, untouched: Path) -> None:
    frame = pd.DataFrame({"fnr": PNRS, "PNR": ["a", "b", "c", "d"]})
    write(frame, uploads / "s.parquet", "parquet")
    error = refused(uploads, untouched, "s.parquet")
    assert error.field == "column:PNR" and "rename it" in error.message


# Duplicated keys


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicated_person_numbers_are_counted_and_refused(
    fmt: str, uploads: Path, untouched: Path
) -> None:
    keys = [PNRS[0], PNRS[0], PNRS[0], PNRS[1], PNRS[1], PNRS[2]]
    write(pd.DataFrame({"pnr": keys, "x": [1.0] * 6}), uploads / "s", fmt)
    error = refused(uploads, untouched, "s")
    assert "2 person numbers appear on more than one row (3 rows more" in error.message


# Header, lines, names


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_only_is_refused(fmt: str, uploads: Path, untouched: Path) -> None:
    empty = pd.DataFrame({"pnr": pd.Series([], dtype=object), "x": pd.Series([], dtype=float)})
    write(empty, uploads / "s", fmt)
    error = refused(uploads, untouched, "s")
    assert error.message == "The file has a header but no data rows."


def test_a_csv_without_header_is_refused(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_text(f"{PNRS[0]},1.5,yes\n{PNRS[1]},2,no\n")
    error = refused(uploads, untouched, "s.csv")
    assert error.field == "header" and "header line naming the columns" in error.message


def test_an_empty_file_is_refused(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_bytes(b"")
    assert refused(uploads, untouched, "s.csv").message == "The file is empty."
    (uploads / "blank.csv").write_text("\n\n")
    assert refused(uploads, untouched, "blank.csv").message == "The file holds no lines."


def test_a_line_of_the_wrong_width_is_named(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_text(f"pnr,x,y\n{PNRS[0]},1,2\n{PNRS[1]},1\n")
    error = refused(uploads, untouched, "s.csv")
    assert error.field == "line 3" and "2 fields; the header has 3" in error.message


def test_an_ambiguous_delimiter_is_refused(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_text(f"pnr;a,b\n{PNRS[0]};1,2\n")
    error = refused(uploads, untouched, "s.csv")
    assert error.field == "delimiter" and "comma and semicolon" in error.message


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("pnr,income (NOK)", "'income (NOK)' is not accepted"),
        ("pnr,_x", "'_x' is not accepted"),
        ("pnr,x,X", "'X' appears twice"),
        ("pnr,,x", "Column 2 has no name"),
        ("pnr,inntekt_år", "'inntekt_år' is not accepted"),
    ],
)
def test_unsafe_column_names_are_refused(
    header: str, why: str, uploads: Path, untouched: Path
) -> None:
    width = header.count(",")
    (uploads / "s.csv").write_text(header + "\n" + PNRS[0] + ",1" * width + "\n")
    assert why in refused(uploads, untouched, "s.csv").message


def test_nested_and_binary_columns_are_refused(uploads: Path, untouched: Path) -> None:
    table = pa.table({"pnr": PNRS[:2], "tags": [[1, 2], [3]]})
    pq.write_table(table, uploads / "s.parquet")
    error = refused(uploads, untouched, "s.parquet")
    assert error.field == "column:tags" and "list<" in error.message


# Size, compression, archives


def test_a_10_gb_file_is_refused_before_reading(uploads: Path, untouched: Path) -> None:
    path = uploads / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(b"pnr,x\n")
        handle.truncate(10 * 1024**3)  # sparse: no disk used
    error = refused(uploads, untouched, "huge.csv")
    assert error.message == (
        f"The file is {10 * 1024**3} bytes; the limit is {Limits().max_file_bytes} bytes."
    )


def test_a_stated_limit_is_used(uploads: Path, untouched: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    error = refused(uploads, untouched, "s.csv", limits=Limits(max_file_bytes=20))
    assert "the limit is 20 bytes" in error.message


def test_a_zip_bomb_is_refused_unopened(uploads: Path, untouched: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("survey.csv", b"0" * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    (uploads / "survey.csv").write_bytes(buffer.getvalue())
    error = refused(uploads, untouched, "survey.csv")
    assert "ZIP archive" in error.message and "not unpacked" in error.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # mtime=0: the same bytes in every test worker (xdist compares the collected ids)
        (gzip.compress(b"pnr,x\n" * 1000, mtime=0), "gzip"),
        (b"BZh91AY&SY" + b"\x00" * 20, "bzip2"),
        (b"\xfd7zXZ\x00" + b"\x00" * 20, "xz"),
        (b"\x28\xb5\x2f\xfd" + b"\x00" * 20, "zstd"),
        (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 20, "7-Zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "old Office"),
        (b"\x7fELF" + b"\x00" * 20, "Linux program"),
        (b"\x00\x01\x02garbage", "binary but none of the accepted kinds"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_compressed_and_other_binary_files_are_refused(
    content: bytes, words: str, uploads: Path, untouched: Path
) -> None:
    (uploads / "s.csv").write_bytes(content)
    assert words in refused(uploads, untouched, "s.csv").message


def test_a_tar_archive_is_refused(uploads: Path, untouched: Path) -> None:
    import tarfile

    with tarfile.open(uploads / "s.tar", "w") as archive:
        archive.addfile(tarfile.TarInfo("survey.csv"), io.BytesIO(b""))
    assert "tar archive" in refused(uploads, untouched, "s.tar").message


def test_a_parquet_bomb_is_refused_before_it_is_expanded(uploads: Path, untouched: Path) -> None:
    rows = 200_000
    table = pa.table({"pnr": [PNRS[0]] * rows, "text": ["x" * 200] * rows})
    pq.write_table(table, uploads / "bomb.parquet", compression="zstd")
    assert (uploads / "bomb.parquet").stat().st_size < 100_000  # 40 MB once expanded
    limits = Limits(max_data_bytes=8 * 1024 * 1024, batch_rows=65536)
    error = refused(uploads, untouched, "bomb.parquet", limits=limits)
    assert "the limit is 8388608 bytes" in error.message


def test_a_parquet_claiming_too_much_is_refused_from_its_footer(
    uploads: Path, untouched: Path
) -> None:
    table = pa.table({"pnr": PNRS * 10_000, "x": list(range(40_000))})
    pq.write_table(table, uploads / "s.parquet", use_dictionary=False, compression="zstd")
    error = refused(uploads, untouched, "s.parquet", limits=Limits(max_data_bytes=100_000))
    assert "would unpack to about" in error.message


@pytest.mark.parametrize(
    ("fmt", "options"), [("sas7bdat", {"compress": True}), ("sav", {"compress": True})]
)
def test_a_compressed_statistics_file_is_bounded_by_what_it_unpacks_to(
    fmt: str, options: dict[str, object], uploads: Path, untouched: Path
) -> None:
    rows = 20_000
    frame = pd.DataFrame({"pnr": [PNRS[0]] * rows, "text": ["y" * 100] * rows})
    write(frame, uploads / "s", fmt, **options)
    assert (uploads / "s").stat().st_size < rows * 110 / 2
    error = refused(uploads, untouched, "s", limits=Limits(max_data_bytes=500_000))
    assert "would unpack to about" in error.message


def test_too_much_csv_data_is_refused_while_reading(uploads: Path, untouched: Path) -> None:
    (uploads / "s.csv").write_text("pnr,x\n" + f"{PNRS[0]},{'z' * 100}\n" * 2000)
    error = refused(uploads, untouched, "s.csv", limits=Limits(max_data_bytes=50_000))
    assert "larger than the limit of 50000 bytes" in error.message


def test_too_many_columns(uploads: Path, untouched: Path) -> None:
    write(survey(), uploads / "s.parquet", "parquet")
    assert (
        "3 columns; the limit is 2"
        in refused(uploads, untouched, "s.parquet", limits=Limits(max_columns=2)).message
    )


# Names and links


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../outside.csv", "'..'"),
        ("sub/../../outside.csv", "'..'"),
        ("..\\outside.csv", "'..'"),
        ("/etc/passwd", "absolute path"),
        ("C:\\data\\s.csv", "absolute path"),
        ("", "empty"),
        ("missing.csv", "There is no file named 'missing.csv'"),
    ],
)
def test_unsafe_names_are_refused(name: str, words: str, uploads: Path, untouched: Path) -> None:
    write(survey(), uploads.parent / "outside.csv", "csv")
    error = refused(uploads, untouched, name)
    assert error.field == "file" and words in error.message


def test_a_symbolic_link_is_refused(uploads: Path, untouched: Path) -> None:
    target = write(survey(), uploads.parent / "elsewhere.csv", "csv")
    os.symlink(target, uploads / "s.csv")
    assert "symbolic link" in refused(uploads, untouched, "s.csv").message


def test_a_link_to_a_folder_on_the_way_is_refused(uploads: Path, untouched: Path) -> None:
    folder = uploads.parent / "other"
    folder.mkdir()
    write(survey(), folder / "s.csv", "csv")
    os.symlink(folder, uploads / "sub")
    assert "'sub' is a symbolic link" in refused(uploads, untouched, "sub/s.csv").message


def test_a_hard_link_and_a_folder_are_refused(uploads: Path, untouched: Path) -> None:
    target = write(survey(), uploads.parent / "elsewhere.csv", "csv")
    os.link(target, uploads / "s.csv")
    assert "hard links" in refused(uploads, untouched, "s.csv").message
    (uploads / "folder").mkdir()
    assert "regular file" in refused(uploads, untouched, "folder").message


# Nothing half-written


def test_a_failing_write_leaves_nothing(
    uploads: Path, untouched: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(survey(), uploads / "s.csv", "csv")
    real = pq.write_table

    def half(table: pa.Table, where: Path, **options: object) -> None:
        real(table.slice(0, 1), where)
        raise OSError("disk full")

    monkeypatch.setattr(output_module.pq, "write_table", half)
    with pytest.raises(OSError, match="disk full"):
        link_external(uploads, "s.csv", untouched / "S.parquet", table_name="S")


def test_an_existing_destination_is_not_replaced(uploads: Path, out: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    (out / "S.parquet").write_bytes(b"earlier")
    with pytest.raises(ExternalDataError, match="exists already"):
        link_external(uploads, "s.csv", out / "S.parquet", table_name="S")
    assert (out / "S.parquet").read_bytes() == b"earlier"
    assert contents(out) == ["S.parquet"]


def test_a_bad_table_name_is_refused_before_reading(uploads: Path, untouched: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    with pytest.raises(ExternalDataError) as caught:
        link_external(uploads, "s.csv", untouched / "x.parquet", table_name="../X")
    assert caught.value.field == "name"


def test_the_file_is_read_through_the_checked_path_only(uploads: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    assert read_external(uploads, "./s.csv").report.rows == 4


def test_statistics_files_are_read_through_the_checked_descriptor(
    uploads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fivesafes.linkage import binary

    write(survey(), uploads / "s.sav", "sav")
    seen: list[str] = []
    real = binary.read_stat_file

    def spy(path: Path, fmt: str, limits: Limits) -> pa.Table:
        seen.append(str(path))
        return real(path, fmt, limits)

    monkeypatch.setattr("fivesafes.linkage.external.read_stat_file", spy)
    assert read_external(uploads, "s.sav").report.rows == 4
    assert seen[0].startswith("/proc/self/fd/")


def test_written_files_are_the_services_own(uploads: Path, out: Path) -> None:
    write(survey(), uploads / "s.csv", "csv")
    table, _ = link_external(uploads, "s.csv", out / "S.parquet", table_name="S")
    assert table.path.stat().st_mode & 0o777 == 0o600


def test_a_killed_writers_temporary_files_are_removed(out: Path) -> None:
    from fivesafes.linkage import remove_partials

    (out / ".partial-0123abcd-S.parquet").write_bytes(b"half")
    (out / "KEEP.parquet").write_bytes(b"whole")
    assert remove_partials(out) == [".partial-0123abcd-S.parquet"]
    assert contents(out) == ["KEEP.parquet"]


def test_the_raw_upload_is_deleted_and_verified(uploads: Path) -> None:
    from fivesafes.linkage import delete_upload

    write(survey(), uploads / "s.csv", "csv")
    target = write(survey(), uploads.parent / "elsewhere.csv", "csv")
    os.symlink(target, uploads / "link.csv")
    delete_upload(uploads, "s.csv")
    delete_upload(uploads, "link.csv")
    assert contents(uploads) == []
    assert target.exists()  # the link was removed, not what it pointed at
    with pytest.raises(ExternalDataError, match="'..'"):
        delete_upload(uploads, "../elsewhere.csv")
    assert target.exists()
