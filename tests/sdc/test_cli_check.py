"""`fivesafes sdc check` on plain tables and other files: verdicts, exit codes, bad input."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from fivesafes.sdc.cli import main
from fivesafes.sdc.record import validate_record

DECL = ["--declare", "region=label", "--declare", "sex=label", "--declare", "n=frequency"]


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


GOOD = "region,sex,n\nNorth,F,17\nNorth,M,30\nSouth,F,25\nSouth,M,40\nTotal,F,42\nTotal,M,70\n"


def test_pass_exit_0(tmp_path, capsys):
    assert main(["check", write(tmp_path, "t.csv", GOOD), *DECL]) == 0
    assert "verdict: pass" in capsys.readouterr().out


def test_fail_exit_1_names_cell_and_rule_in_json(tmp_path, capsys):
    path = write(
        tmp_path,
        "t.csv",
        GOOD.replace("North,F,17", "North,F,7").replace("Total,F,42", "Total,F,32"),
    )
    assert main(["check", path, *DECL, "--json"]) == 1
    rec = json.loads(capsys.readouterr().out)
    validate_record(rec)
    assert rec["verdict"]["status"] == "fail"
    [f] = [f for f in rec["findings"] if f["severity"] == "fail"]
    assert f["rule"] == "frequency" and f["cell"] == {"region": "North", "sex": "F"}
    assert rec["checksums"]["input_sha256"]


def test_magnitudes_without_contributors_need_review(tmp_path, capsys):
    text = "region,sex,income\nNorth,F,1700\nNorth,M,3000\n"
    args = ["--declare", "region=label", "--declare", "sex=label", "--declare", "income=magnitude"]
    assert main(["check", write(tmp_path, "m.csv", text), *args]) == 2
    out = capsys.readouterr().out
    assert "cannot be applied" in out and "dominance" in out


def test_magnitudes_with_contributors(tmp_path):
    text = "region,sex,income,n\nNorth,F,1700,4\nNorth,M,3000,40\nSouth,F,1000,20\nSouth,M,900,30\n"
    args = [
        "--declare",
        "region=label",
        "--declare",
        "sex=label",
        "--declare",
        "income=magnitude",
        "--declare",
        "n=contributors",
    ]
    # frequency fails (4 contributors) before anything needs review
    assert main(["check", write(tmp_path, "m.csv", text), *args]) == 1


def test_wide_layout_and_xlsx(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["region", "F", "M"])
    ws.append(["North", 17, 30])
    ws.append(["South", 5, 40])
    path = tmp_path / "w.xlsx"
    book.save(path)
    args = [
        "--layout",
        "wide",
        "--cells",
        "frequency",
        "--declare",
        "region=label",
        "--declare",
        "F=frequency",
        "--declare",
        "M=frequency",
        "--column-variable",
        "sex",
    ]
    assert main(["check", str(path), *args]) == 1


def test_image_needs_manual_review(tmp_path, capsys):
    path = tmp_path / "plot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert main(["check", str(path)]) == 2
    assert "manual_review" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "extra", "kind", "where"),
    [
        (GOOD.replace("North,F,17", "North,F,x"), [], "non_numeric_cell", "n"),
        (GOOD.replace("North,F,17", "North,F,1.5"), [], "non_numeric_cell", "n"),
        (GOOD.replace("North,F,17", "North,F,-3"), [], "non_numeric_cell", "n"),
        (GOOD.replace("North,F,17", "North,F,nan"), [], "non_finite_value", "n"),
        (GOOD.replace("North,F,17", "North,F,inf"), [], "non_finite_value", "n"),
        (GOOD.replace("Total,F,42", "Total,F,43"), [], "margin_mismatch", "region"),
        (GOOD.replace("South,M,40", "North,F,40"), [], "duplicate_label", None),
        ("region,sex,n\n", [], "empty_table", None),
        ("", [], "empty_table", None),
        (GOOD.replace(",", ";"), ["--delimiter", ","], "bad_file_format", None),
        (
            GOOD.replace(",", ";"),
            ["--delimiter", ";", "--declare", "extra=label"],
            "bad_declaration",
            "extra",
        ),
        ("region,region,n\nNorth,F,17\n", [], "duplicate_label", "region"),
        (GOOD.replace("North,M,30", "North,,30"), [], "bad_file_format", "sex"),
        (GOOD.replace("South,F,25", " ,F,25"), [], "bad_file_format", "region"),
        (GOOD + "South,F\n", [], "bad_file_format", None),
    ],
)
def test_bad_input_exit_3_with_reason(tmp_path, capsys, text, extra, kind, where):
    path = write(tmp_path, "bad.csv", text)
    assert main(["check", path, *DECL, *extra, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == kind
    assert err["reason"]
    if where:
        assert err["field"] == where


def test_undeclared_column(tmp_path, capsys):
    path = write(tmp_path, "t.csv", GOOD)
    assert (
        main(["check", path, "--declare", "region=label", "--declare", "n=frequency", "--json"])
        == 3
    )
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "bad_declaration" and err["field"] == "sex"


def test_wrong_encoding(tmp_path, capsys):
    path = write(tmp_path, "t.csv", GOOD.replace("North", "Nørre"), encoding="latin-1")
    assert main(["check", path, *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert "latin-1" in err["reason"] and "line 2" in err["reason"]
    assert main(["check", path, *DECL, "--encoding", "latin-1"]) == 0


def test_file_over_size_limit(tmp_path, capsys):
    cfg = tmp_path / "rules.toml"
    cfg.write_text("[defaults.limits]\nmax_input_bytes = 50\n")
    path = write(tmp_path, "t.csv", GOOD)
    assert main(["check", path, *DECL, "--config", str(cfg), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["error"] == "file_too_large"


def test_bad_config_is_bad_input(tmp_path):
    cfg = tmp_path / "rules.toml"
    cfg.write_text("[defaults.frequency]\nthreshold = -1\n")
    assert main(["check", write(tmp_path, "t.csv", GOOD), *DECL, "--config", str(cfg)]) == 3


def test_usage_error_is_bad_input():
    assert main(["check"]) == 3


def test_declared_total_label_must_exist(tmp_path, capsys):
    path = write(tmp_path, "t.csv", GOOD)
    assert main(["check", path, *DECL, "--total-label", "Sum", "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "bad_declaration" and "Sum" in err["reason"]
    assert main(["check", path, *DECL, "--total-label", "Total"]) == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"The model converged after 12 iterations.\n"),
        ("run.log", b"2026-11-22 08:00 fitted 3 models\n"),
        ("output.docx", b"PK\x03\x04"),
    ],
)
def test_text_logs_and_unknown_formats_need_manual_review(tmp_path, capsys, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["check", str(path), "--json"]) == 2
    record = json.loads(capsys.readouterr().out)
    validate_record(record)
    assert record["verdict"]["status"] == "review"
    assert [f["rule"] for f in record["findings"]] == ["manual_review"]


def test_a_declared_txt_file_is_checked_as_a_table(tmp_path):
    assert main(["check", write(tmp_path, "t.txt", GOOD), *DECL]) == 0


def test_a_huge_file_for_manual_review_is_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "plot.png"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: nothing is written to disk
    assert main(["check", str(big), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["error"] == "file_too_large"


def test_missing_file_is_bad_input(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nothing.png"), "--json"]) == 3
    assert main(["check", str(tmp_path / "nothing.csv"), *DECL, "--json"]) == 3


def _xlsx(tmp_path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("rows", "kind", "field", "reason"),
    [
        (
            [["region", "sex", "n"], ["North", "F", 17], ["North", "M", "x"]],
            "non_numeric_cell",
            "n",
            "'x'",
        ),
        (
            [["region", "sex", "n"], ["North", "F", 17], ["North", "M", None]],
            "non_numeric_cell",
            "n",
            "empty",
        ),
        (
            [["region", "sex", "n"], ["North", "F", 17], ["North", None, 30]],
            "bad_file_format",
            "sex",
            "no label",
        ),
        (
            [["region", "sex", "n"], ["North", "F", 17], ["North", "M", "#DIV/0!"]],
            "non_numeric_cell",
            "n",
            "'#DIV/0!'",
        ),
        ([["region", "sex", "n"]], "empty_table", None, "no rows"),
    ],
)
def test_bad_xlsx_cells_are_named(tmp_path, capsys, rows, kind, field, reason):
    assert main(["check", _xlsx(tmp_path, rows), *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == kind and reason in err["reason"]
    if field:
        assert err["field"] == field


def test_a_cell_left_out_stays_absent_and_is_not_a_zero(tmp_path, capsys):
    text = "region,sex,n\nNorth,F,17\nSouth,F,25\nSouth,M,40\n"
    assert main(["check", write(tmp_path, "t.csv", text), *DECL, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    cells = {(c["labels"]["region"], c["labels"]["sex"]) for c in record["table"]["cells"]}
    assert cells == {("North", "F"), ("South", "F"), ("South", "M")}
    from fivesafes.sdc.plain import Declaration, check_plain_table

    decl = Declaration(roles={"region": "label", "sex": "label", "n": "frequency"})
    out = check_plain_table(write(tmp_path, "t.csv", text), decl)
    assert out.table.loc["North", "M"] is pd.NA
    assert out.findings.loc["North", "M"] == "absent"
    assert out.table.loc["South", "M"] == 40


def test_messages_give_the_line_of_the_file_counting_blank_lines(tmp_path, capsys):
    text = "region,sex,n\n\nNorth,F,17\n\nNorth,,30\nSouth,F,25\n"
    assert main(["check", write(tmp_path, "t.csv", text), *DECL, "--json"]) == 3
    assert "line 5 " in json.loads(capsys.readouterr().out)["reason"]
    text = "region,sex,n\nNorth,F,17\n\nNorth,M\n"
    assert main(["check", write(tmp_path, "t.csv", text), *DECL, "--json"]) == 3
    assert "line 4 has 2 fields" in json.loads(capsys.readouterr().out)["reason"]
    rows = [["region", "sex", "n"], ["North", "F", 17], [None, None, None], ["South", None, 4]]
    assert main(["check", _xlsx(tmp_path, rows), *DECL, "--json"]) == 3
    assert "line 4 " in json.loads(capsys.readouterr().out)["reason"]


IALT = "region,F,M,I alt\nNorth,0,15,15\nSouth,20,25,45\nEast,30,10,40\n"
WIDE = ["--declare", "region=label", "--layout", "wide", "--cells", "frequency"]
WIDE += ["--column-variable", "sex"]
WIDE += [f"--declare={c}=frequency" for c in ("F", "M", "I alt")]


def test_a_total_under_an_undeclared_name_is_not_a_silent_pass(tmp_path, capsys):
    """'I alt' (Danish for total) read as a category hides that everyone in North is M:
    the check asks for review and says how to declare the total."""
    path = write(tmp_path, "t.csv", IALT)
    # by default every zero fails (ACRO is the floor): the table fails, and says why
    assert main(["check", path, *WIDE]) == 1
    out = capsys.readouterr().out
    assert "undeclared_total" in out and "--total-label 'I alt'" in out
    # under the refined zeros rule an office may choose, the hidden total still asks a person
    config = tmp_path / "rules.toml"
    config.write_text('[defaults.zeros]\nmode = "revealing"\n', "utf-8")
    assert main(["check", path, *WIDE, "--config", str(config)]) == 2
    out = capsys.readouterr().out
    assert "undeclared_total" in out and "--total-label 'I alt'" in out
    # declared, the class disclosure it hid is found
    assert main(["check", path, *WIDE, "--total-label", "I alt"]) == 1
    out = capsys.readouterr().out
    assert "class_disclosure at region=North, sex=M" in out
    assert "undeclared_total" not in out


def test_an_ordinary_category_is_not_taken_for_a_total(tmp_path, capsys):
    path = write(tmp_path, "t.csv", "region,F,M,X\nNorth,12,15,17\nSouth,20,25,44\n")
    args = ["--declare", "region=label", "--layout", "wide", "--cells", "frequency"]
    args += [f"--declare={c}=frequency" for c in ("F", "M", "X")]
    assert main(["check", path, *args]) == 0


def test_a_directory_named_like_a_table_is_bad_input_not_a_crash(tmp_path, capsys):
    (tmp_path / "t.csv").mkdir()
    assert main(["check", str(tmp_path / "t.csv"), *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "bad_file_format" and "directory" in err["reason"].lower()


def test_a_utf16_file_is_named_as_utf16(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_bytes(GOOD.encode("utf-16"))
    assert main(["check", str(path), *DECL, "--json"]) == 3
    assert "UTF-16" in json.loads(capsys.readouterr().out)["reason"]
    assert main(["check", str(path), *DECL, "--encoding", "utf-16"]) == 0


def test_a_margin_mismatch_names_the_total_as_the_table_labels_it(tmp_path, capsys):
    path = write(tmp_path, "t.csv", GOOD.replace("Total,F,42", "Total,F,43"))
    assert main(["check", path, *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "margin_mismatch"
    assert err["cell"] == {"region": "Total", "sex": "F"}
    assert "is 43 but its cells add up to 42" in err["reason"]


def test_a_table_of_too_many_short_rows_is_refused_while_reading(tmp_path, capsys):
    """Under the byte limit, but more rows than limits.max_cells: refused before the rows
    are all held in memory."""
    config = tmp_path / "rules.toml"
    config.write_text("[defaults.limits]\nmax_cells = 50\n")
    rows = "".join(f"r{i},F,{i + 10}\n" for i in range(51))
    path = write(tmp_path, "t.csv", "region,sex,n\n" + rows)
    assert main(["check", path, *DECL, "--config", str(config), "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "file_too_large" and "more than 50 rows" in err["reason"]
    book = openpyxl.Workbook()
    book.active.append(["region", "sex", "n"])
    for i in range(51):
        book.active.append([f"r{i}", "F", i + 10])
    book.save(tmp_path / "t.xlsx")
    assert main(["check", str(tmp_path / "t.xlsx"), *DECL, "--config", str(config)]) == 3
    # 50 rows are fine
    path = write(tmp_path, "ok.csv", "region,sex,n\n" + rows.split("\n", 1)[1])
    assert main(["check", path, *DECL, "--config", str(config)]) in (0, 1, 2)


def test_no_configuration_lets_a_two_gigabyte_file_be_read_whole(tmp_path, capsys):
    config = tmp_path / "rules.toml"
    config.write_text(f"[defaults.limits]\nmax_input_bytes = {3 * 1024**3}\n")
    path = write(tmp_path, "t.csv", GOOD)
    assert main(["check", path, *DECL, "--config", str(config), "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "bad_config" and err["field"].endswith("max_input_bytes")


def test_a_title_above_the_header_is_named_as_the_likely_cause(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["Table 1: persons by region and sex"])
    book.active.append([])
    book.active.append(["region", "sex", "n"])
    book.active.append(["North", "F", 12])
    book.save(tmp_path / "t.xlsx")
    assert main(["check", str(tmp_path / "t.xlsx"), *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "bad_file_format" and "title" in err["reason"]
    path = write(tmp_path, "t.csv", "Table 1: persons\n" + GOOD)
    assert main(["check", path, *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert "line 2 has 3 fields" in err["reason"] and "title" in err["reason"]


@pytest.mark.parametrize(
    ("count", "says"),
    [
        ("1.000", "thousands separator"),
        ("12.500.000", "thousands separator"),
        ("1e20", "more than"),
    ],
)
def test_counts_that_would_be_misread_are_refused(tmp_path, capsys, count, says):
    """'1.000' (one thousand in a semicolon file) was read as 1; 1e20 overflowed to a
    negative number of contributors."""
    path = write(tmp_path, "t.csv", f"region;sex;n\nNorth;F;{count}\nNorth;M;15\n")
    assert main(["check", path, *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "non_numeric_cell" and says in err["reason"]
    assert err["cell"] == ["North", "F"]


def test_a_statistic_of_no_contributors_is_refused(tmp_path, capsys):
    path = write(tmp_path, "m.csv", "region,turnover,firms\nNorth,500,0\nSouth,900,30\nEast,0,0\n")
    decl = ["--declare", "region=label", "--declare", "turnover=magnitude"]
    assert main(["check", path, *decl, "--declare", "firms=contributors", "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["field"] == "firms" and err["cell"] == ["North"]
    assert "value 500 but 0 contributors" in err["reason"]


def test_an_xlsx_formula_without_a_saved_result_is_named_not_called_empty(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["region", "sex", "n"])
    book.active.append(["North", "F", 12])
    book.active.append(["North", "M", "=C2+3"])  # written by a program: no cached result
    book.active.append(["South", "F", None])  # truly empty: still called empty
    book.save(tmp_path / "t.xlsx")
    assert main(["check", str(tmp_path / "t.xlsx"), *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert "sheet row 3, column C holds the formula =C2+3" in err["reason"]
    book.active["C3"] = 15
    book.save(tmp_path / "t.xlsx")
    assert main(["check", str(tmp_path / "t.xlsx"), *DECL, "--json"]) == 3
    err = json.loads(capsys.readouterr().out)
    assert err["error"] == "non_numeric_cell" and "is empty" in err["reason"]
