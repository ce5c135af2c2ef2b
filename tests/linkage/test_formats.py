"""Every accepted format is read by its content and comes out as the same validated table:
`pnr` first, then the variables, with the report's counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from fivesafes.linkage import ExternalTable, link_external, read_external
from tests.linkage.helpers import FORMATS, PNRS, contents, survey, write


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_read_validated_and_written(fmt: str, uploads: Path, out: Path) -> None:
    write(survey(), uploads / "upload.bin", fmt)
    table, report = link_external(
        uploads,
        "upload.bin",
        out / "SURVEY.parquet",
        table_name="SURVEY",
        description="Health survey 2024",
        population_ids=PNRS[:3],
    )
    assert table == ExternalTable("SURVEY", out / "SURVEY.parquet", "Health survey 2024")
    assert contents(out) == ["SURVEY.parquet"]
    written = pq.read_table(table.path)
    assert written.column_names == ["pnr", "score", "answer"]
    assert written.column("pnr").to_pylist() == PNRS
    assert written.column("score").to_pylist() == [1.5, 2.0, None, 4.25]
    assert written.column("answer").to_pylist() == ["yes", "no", "yes", None]
    assert report.format == fmt
    assert (report.rows, report.persons, report.duplicated_persons) == (4, 4, 0)
    assert [c.name for c in report.columns] == ["score", "answer"]
    assert [c.missing for c in report.columns] == [1, 1]
    assert (report.population, report.matched_persons, report.unmatched_persons) == (3, 3, 1)
    assert report.unmatched_rows == 1


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("sas7bdat", {"compress": True}),
        ("sas7bdat", {"row_compress": True}),
        ("sas7bdat", {"is_64bit": False}),
        ("sav", {"compress": True}),
        ("sav", {"row_compress": True}),
        ("dta", {"version": 15}),
        ("dta", {"version": 8}),
        ("parquet", {"compression": "zstd", "row_group_size": 2}),
    ],
)
def test_format_variants(fmt: str, options: dict[str, object], uploads: Path) -> None:
    write(survey(), uploads / "variant", fmt, **options)
    data = read_external(uploads, "variant")
    assert data.table.column("pnr").to_pylist() == PNRS
    assert data.report.format == fmt


def test_the_format_is_told_by_content_not_by_name(uploads: Path) -> None:
    write(survey(), uploads / "looks-like.csv", "parquet")
    write(survey(), uploads / "looks-like.sav", "csv")
    assert read_external(uploads, "looks-like.csv").report.format == "parquet"
    assert read_external(uploads, "looks-like.sav").report.format == "csv"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_csv_encodings_are_detected(encoding: str, uploads: Path) -> None:
    text = "pnr,place,note\n0101011234,Tromsø,Ærlig\n0202025678,Bodø,–\n"
    if encoding == "latin-1":
        text = text.replace("–", "-")
    (uploads / "survey.csv").write_bytes(text.encode(encoding))
    data = read_external(uploads, "survey.csv")
    expected = "cp1252" if encoding == "latin-1" else encoding
    assert data.report.encoding == expected
    assert data.table.column("place").to_pylist() == ["Tromsø", "Bodø"]


def test_latin1_when_cp1252_cannot_decode(uploads: Path) -> None:
    # 0x81 is undefined in Windows-1252 and a control character in Latin-1.
    (uploads / "survey.csv").write_bytes(b"pnr,code\n0101011234,a\x81b\n")
    assert read_external(uploads, "survey.csv").report.encoding == "latin-1"


def test_a_stated_encoding_is_used(uploads: Path) -> None:
    (uploads / "survey.csv").write_bytes("pnr,place\n0101011234,Tromsø\n".encode("latin-1"))
    data = read_external(uploads, "survey.csv", encoding="ISO-8859-1")
    assert data.report.encoding == "latin-1"
    assert data.table.column("place").to_pylist() == ["Tromsø"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(delimiter: str, uploads: Path) -> None:
    write(survey(), uploads / "survey.txt", "csv", sep=delimiter)
    data = read_external(uploads, "survey.txt")
    assert data.report.delimiter == delimiter
    assert data.table.column_names == ["pnr", "score", "answer"]


def test_a_stated_delimiter_wins(uploads: Path) -> None:
    (uploads / "survey.csv").write_text("pnr;note\n0101011234;a,b\n0202025678;c,d\n")
    data = read_external(uploads, "survey.csv", delimiter="semicolon")
    assert data.table.column("note").to_pylist() == ["a,b", "c,d"]


def test_csv_types_are_inferred_and_codes_keep_their_zeros(uploads: Path) -> None:
    (uploads / "survey.csv").write_text(
        "id;pnr;amount;municipality;day;words\n"
        "1;0101011234;1,5;0301;2024-01-31;x\n"
        "2;0202025678;-2;1103;2024-02-29;\n"
    )
    table = read_external(uploads, "survey.csv").table
    assert [str(f.type) for f in table.schema] == [
        "string",
        "int64",
        "double",
        "string",
        "date32[day]",
        "string",
    ]
    assert table.column("municipality").to_pylist() == ["0301", "1103"]
    assert table.column("amount").to_pylist() == [1.5, -2.0]
    assert table.column("words").to_pylist() == ["x", None]


def test_quoted_fields_with_delimiters_and_newlines(uploads: Path) -> None:
    (uploads / "survey.csv").write_text(
        'pnr,comment\n0101011234,"one, two"\n0202025678,"line\nbreak"\n'
    )
    table = read_external(uploads, "survey.csv").table
    assert table.column("comment").to_pylist() == ["one, two", "line\nbreak"]


def test_the_person_column_is_found_whatever_its_name_or_named(uploads: Path) -> None:
    frame = pd.DataFrame({"id": [1, 2], "fnr": PNRS[:2], "x": ["a", "b"]})
    write(frame, uploads / "survey.dta", "dta")
    assert read_external(uploads, "survey.dta").report.person_column == "fnr"
    assert read_external(uploads, "survey.dta", person_column="FNR").report.person_column == ("fnr")


def test_several_rows_per_person_when_declared(uploads: Path) -> None:
    frame = pd.DataFrame({"pnr": [PNRS[0], PNRS[0], PNRS[0], PNRS[1]], "visit": [1, 2, 3, 1]})
    write(frame, uploads / "visits.parquet", "parquet")
    report = read_external(uploads, "visits.parquet", allow_duplicates=True).report
    assert (report.rows, report.persons) == (4, 2)
    assert (report.duplicated_persons, report.duplicated_rows) == (1, 2)


def test_sas7bdat_is_written_by_readstat_and_read_back(uploads: Path) -> None:
    """pyreadstat 1.3.8 writes .sas7bdat with ReadStat's own writer, so the SAS reader path
    runs on files made here; no sample file is shipped with the installed package. The magic
    number is SAS's, so the content check sees SAS, not ReadStat."""
    path = write(survey(), uploads / "survey.sas7bdat", "sas7bdat")
    assert path.read_bytes()[12:16] == bytes.fromhex("c2ea8160")
    assert read_external(uploads, "survey.sas7bdat").report.format == "sas7bdat"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ('pnr,comment\n0101011234,"one, two"\n\n0202025678,"line\nbreak"\n', "utf-8"),
        ("pnr;name;amount\r\n0101011234; Ærø ;1,5\r\n0202025678;;NA\r\n", "cp1252"),
        ("\ufeffpnr|x\n0101011234|\n0202025678| y \n", "utf-8-sig"),
        ('pnr\tq\n0101011234\t"say ""hi"""\n', "utf-8"),
    ],
)
def test_the_fast_and_the_careful_csv_readers_agree(
    content: str, encoding: str, uploads: Path
) -> None:
    """Arrow's reader does the work; Python's csv module is the fallback that names a bad
    line. Both must give the same table."""
    import os

    from fivesafes.linkage import delimited
    from fivesafes.linkage.limits import Limits

    path = uploads / "s.csv"
    path.write_bytes(content.encode("utf-8" if encoding == "utf-8-sig" else encoding))
    fd = os.open(path, os.O_RDONLY)
    try:
        used = delimited.detect_encoding(fd)
        assert used == encoding
        with delimited._text(fd, used) as text:
            delimiter = delimited.sniff_delimiter(text.read())
            text.seek(0)
            careful = delimited._parse(text, delimiter, Limits())
        fast = delimited._parse_fast(fd, used, delimiter, Limits())
    finally:
        os.close(fd)
    assert fast is not None
    empty_is_missing = [[v or None for v in c.to_pylist()] for c in fast.columns]
    assert fast.column_names == careful.column_names
    assert empty_is_missing == [c.to_pylist() for c in careful.columns]


def test_the_other_sas_magic_number_is_recognised(uploads: Path) -> None:
    """ReadStat also reads .sas7bdat files whose magic number is all zeros but its last four
    bytes (written by some non-SAS software); the content check knows both."""
    path = write(survey(), uploads / "survey.sas7bdat", "sas7bdat")
    content = bytearray(path.read_bytes())
    content[12:28] = bytes(16)
    path.write_bytes(bytes(content))
    assert read_external(uploads, "survey.sas7bdat").report.rows == 4
