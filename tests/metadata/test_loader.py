"""Loading metadata files: valid files come back as registers, any error stops everything and is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivesafes.metadata import (
    MetadataError,
    Register,
    Role,
    Temporality,
    fingerprint,
    load_register,
    load_registers,
    register_from_dict,
    register_to_dict,
)
from tests.metadata.helpers import code, visits_doc, write


def issues_of(paths: list[Path]) -> list[tuple[str, str, str]]:
    with pytest.raises(MetadataError) as exc:
        load_registers(paths)
    return [(Path(i.file).name, i.path, i.reason) for i in exc.value.issues]


def test_a_valid_file_loads_with_every_field(tmp_path: Path) -> None:
    reg = load_register(write(tmp_path, "visits.json", visits_doc()))
    assert isinstance(reg, Register)
    assert reg.short_name == "VISITS" and reg.temporality is Temporality.EVENT
    assert (
        reg.identifier.name == "visit_id"
        and reg.start is not None
        and reg.start.name == "start_date"
    )
    assert reg.variable("pnr").sensitivity.directly_identifying
    assert reg.variable("pnr").links_to == "person"
    reason = reg.variable("reason")
    assert reason.role is Role.MEASURE and reason.sensitivity.special_category
    assert reason.value_domain.code_list is not None
    assert [s.code for s in reason.value_domain.sentinels] == ["99"]
    assert reg.quality.collection_method.da == "collectionMethod (da)"


def test_writing_and_reading_back_gives_the_same_register_and_fingerprint(tmp_path: Path) -> None:
    reg = load_register(write(tmp_path, "visits.json", visits_doc()))
    again = register_from_dict(register_to_dict(reg))
    assert again == reg
    assert fingerprint(again) == fingerprint(reg)
    changed = visits_doc()
    changed["title"]["en"] = "Visits to clinics, revised"
    assert fingerprint(load_register(write(tmp_path, "v2.json", changed))) != fingerprint(reg)


def test_malformed_json_names_file_line_and_column(tmp_path: Path) -> None:
    bad = write(tmp_path, "broken.json", '{"shortName": "X",\n  "version": }')
    [(file, path, reason)] = issues_of([bad])
    assert file == "broken.json" and path == "$"
    assert "malformed JSON" in reason and "line 2" in reason


def test_unknown_keys_are_named_with_their_path(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"][4]["colour"] = "red"
    doc["owner"] = "me"
    found = issues_of([write(tmp_path, "keys.json", doc)])
    paths = {p: r for _f, p, r in found}
    assert (
        "$.variables[4].colour" in paths
        and "unknown key 'colour'" in paths["$.variables[4].colour"]
    )
    assert "$.owner" in paths


def test_wrong_types_and_missing_keys(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["timeCoverage"]["firstYear"] = "2020"
    doc["variables"][1]["dataType"] = "text"
    del doc["qualityDeclaration"]["accuracy"]
    found = {(p, r) for _f, p, r in issues_of([write(tmp_path, "types.json", doc)])}
    assert ("$.timeCoverage.firstYear", "wrong type: '2020' is not of type 'integer'") in found
    assert any(p == "$.variables[1].dataType" for p, _ in found)
    assert any(p == "$.qualityDeclaration" and "'accuracy' is required" in r for p, r in found)


def test_overlapping_validity_of_a_code_is_refused(tmp_path: Path) -> None:
    doc = visits_doc()
    codes = doc["variables"][4]["valueDomain"]["codeList"]["codes"]
    codes.append(code("OLD", valid_from="2020-06-01", valid_until="2021-06-30"))
    found = issues_of([write(tmp_path, "overlap.json", doc)])
    assert found == [
        (
            "overlap.json",
            "$.variables[4].valueDomain.codeList.codes[4]",
            "code 'OLD' has a validity period overlapping the one at codes[2]",
        )
    ]


def test_a_code_may_come_back_after_a_gap(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"][4]["valueDomain"]["codeList"]["codes"].append(
        code("OLD", valid_from="2023-01-01")
    )
    assert load_register(write(tmp_path, "gap.json", doc)).short_name == "VISITS"


def test_unknown_unit_types_are_refused(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["unitType"] = "spaceship"
    doc["variables"][1]["linksTo"] = "alien"
    found = issues_of([write(tmp_path, "units.json", doc)])
    assert [(p, r.split(" (")[0]) for _f, p, r in found] == [
        ("$.unitType", "unknown unit type 'spaceship'"),
        ("$.variables[1].linksTo", "unknown unit type 'alien'"),
    ]


@pytest.mark.parametrize(
    ("temporality", "expected"),
    [
        ("FIXED", "a FIXED register has no start variable"),
        ("STATUS", "a STATUS register has no stop variable"),
    ],
)
def test_time_variables_must_fit_the_temporality(
    tmp_path: Path, temporality: str, expected: str
) -> None:
    doc = visits_doc()
    doc["temporality"] = temporality
    reasons = [r for _f, _p, r in issues_of([write(tmp_path, "t.json", doc)])]
    assert expected in reasons


def test_accumulated_needs_a_stop_in_every_row(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["temporality"] = "ACCUMULATED"
    found = issues_of([write(tmp_path, "acc.json", doc)])
    assert (
        "acc.json",
        "$.variables[3].nullable",
        "an ACCUMULATED period needs a stop date in every row",
    ) in found


def test_value_domain_is_description_or_code_list(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"][5]["valueDomain"]["codeList"] = {"name": "x", "codes": [code("1")]}
    [(_f, path, reason)] = issues_of([write(tmp_path, "vd.json", doc)])
    assert path == "$.variables[5].valueDomain" and "either a description" in reason


def test_errors_of_all_files_are_collected_and_nothing_is_returned(tmp_path: Path) -> None:
    good = write(tmp_path, "a_good.json", visits_doc())
    other = visits_doc()
    other["shortName"] = "OTHER"
    other["variables"][0]["dataType"] = 7
    bad1 = write(tmp_path, "b_bad.json", other)
    bad2 = write(tmp_path, "c_bad.json", "[1, 2")
    with pytest.raises(MetadataError) as exc:
        load_registers([tmp_path])
    files = {Path(i.file).name for i in exc.value.issues}
    assert files == {"b_bad.json", "c_bad.json"}
    assert "b_bad.json: $.variables[0].dataType:" in str(exc.value)
    assert len(load_registers([good])) == 1
    assert bad1.exists() and bad2.exists()


def test_two_files_for_one_register_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "one.json", visits_doc())
    write(tmp_path, "two.json", visits_doc())
    found = issues_of([tmp_path])
    assert found == [
        (
            "two.json",
            "$.shortName",
            f"register 'VISITS' is also described by {tmp_path / 'one.json'}",
        )
    ]


def test_duplicate_variable_names_and_identifiers(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"][5]["name"] = "reason"
    doc["variables"][1]["role"] = "identifier"
    del doc["variables"][1]["linksTo"]
    reasons = [r for _f, _p, r in issues_of([write(tmp_path, "dup.json", doc)])]
    assert "variable 'reason' is already defined at variables[4]" in reasons
    assert "a register has exactly one identifier variable, this one has 2" in reasons


def test_code_list_hierarchy_must_name_existing_parents(tmp_path: Path) -> None:
    doc = visits_doc()
    codes = doc["variables"][4]["valueDomain"]["codeList"]["codes"]
    codes.append(code("A1", level=2, parent="A"))
    codes.append(code("Z1", level=2, parent="Z"))
    doc["variables"][4]["valueDomain"]["codeList"]["codes"][0]["level"] = 1
    found = issues_of([write(tmp_path, "h.json", doc)])
    assert found == [
        (
            "h.json",
            "$.variables[4].valueDomain.codeList.codes[5].parent",
            "parent 'Z' of code 'Z1' is not in the code list",
        )
    ]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    [(file, path, reason)] = issues_of([tmp_path / "nope.json"])
    assert file == "nope.json" and path == "$" and reason.startswith("cannot read the file")


def test_a_key_given_twice_is_named_not_silently_overwritten(tmp_path: Path) -> None:
    text = json.dumps(visits_doc(), indent=2)
    text = text.replace('"dataType": "decimal",', '"dataType": "decimal", "dataType": "integer",')
    text = text.replace('"shortName": "VISITS",', '"shortName": "VISITS", "shortName": "VISITZ",')
    found = issues_of([write(tmp_path, "twice.json", text)])
    assert found == [
        ("twice.json", "$.shortName", "key 'shortName' occurs more than once in this object"),
        (
            "twice.json",
            "$.variables[5].dataType",
            "key 'dataType' occurs more than once in this object",
        ),
    ]


def test_a_code_with_a_bad_date_is_one_error_not_one_per_child(tmp_path: Path) -> None:
    doc = visits_doc()
    codes = doc["variables"][4]["valueDomain"]["codeList"]["codes"]
    codes[0]["validFrom"] = "2020-02-30"  # code A, parent of the two below
    codes.append(code("A1", level=2, parent="A"))
    codes.append(code("A2", level=2, parent="A"))
    assert issues_of([write(tmp_path, "d.json", doc)]) == [
        (
            "d.json",
            "$.variables[4].valueDomain.codeList.codes[0].validFrom",
            "'2020-02-30' is not a valid date",
        )
    ]


def test_texts_longer_than_the_catalogue_keeps_are_refused_with_their_length(
    tmp_path: Path,
) -> None:
    """The catalogue's columns have limits; a file beyond them is named, not a database crash."""
    doc = visits_doc()
    doc["title"]["da"] = "x" * 301
    doc["variables"][5]["unitOfMeasure"]["en"] = "k" * 101
    doc["variables"][4]["valueDomain"]["codeList"]["codes"][0]["code"] = "C" * 41
    doc["variables"][4]["valueDomain"]["codeList"]["codes"][1]["label"]["en"] = "y" * 300  # fits
    assert issues_of([write(tmp_path, "long.json", doc)]) == [
        ("long.json", "$.title.da", "too long: 301 characters, at most 300"),
        (
            "long.json",
            "$.variables[4].valueDomain.codeList.codes[0].code",
            "too long: 41 characters, at most 40",
        ),
        ("long.json", "$.variables[5].unitOfMeasure.en", "too long: 101 characters, at most 100"),
    ]


def test_bounds_only_for_numbers(tmp_path: Path) -> None:
    """Verification compares bounds numerically; on a text or a date it could only fail."""
    doc = visits_doc()
    doc["variables"][1]["valueDomain"]["maximum"] = 5  # pnr, a string
    doc["variables"][2]["valueDomain"]["minimum"] = 1900  # start_date, a date
    assert issues_of([write(tmp_path, "b.json", doc)]) == [
        (
            "b.json",
            "$.variables[1].valueDomain.maximum",
            "a maximum needs dataType integer or decimal, not string",
        ),
        (
            "b.json",
            "$.variables[2].valueDomain.minimum",
            "a minimum needs dataType integer or decimal, not date",
        ),
    ]


def test_a_pattern_must_be_one_the_data_check_can_run(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"][1]["valueDomain"]["pattern"] = "^(?=[0-9])[0-9]{10}$"  # Python only
    [(file, path, reason)] = issues_of([write(tmp_path, "p.json", doc)])
    assert path == "$.variables[1].valueDomain.pattern"
    assert reason.startswith("a regular expression the data check cannot run")
    assert "(?=" in reason
    doc["variables"][1]["valueDomain"]["pattern"] = "^([0-9]{10}$"
    [(file, path, reason)] = issues_of([write(tmp_path, "p.json", doc)])
    assert reason.startswith("not a regular expression: missing )")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("NaN", "malformed JSON: NaN is not a number in JSON"),
        ("-Infinity", "malformed JSON: -Infinity is not a number in JSON"),
        ("1e400", "malformed JSON: 1e400 is too large a number"),
    ],
)
def test_numbers_json_does_not_have_are_refused(tmp_path: Path, number: str, reason: str) -> None:
    text = json.dumps(visits_doc()).replace('"minimum": 0', f'"minimum": {number}')
    assert issues_of([write(tmp_path, "n.json", text)]) == [("n.json", "$", reason)]


def test_integer_codes_are_written_as_the_data_hold_them(tmp_path: Path) -> None:
    doc = visits_doc()
    reason = doc["variables"][4]
    reason["dataType"] = "integer"
    reason["valueDomain"]["codeList"]["codes"] = [code("1"), code("0"), code("-3"), code("007")]
    reason["valueDomain"]["sentinels"] = []
    [(file, path, why)] = issues_of([write(tmp_path, "i.json", doc)])
    assert path == "$.variables[4].valueDomain.codeList.codes[3].code"
    assert why.startswith("code '007' is not an integer as the data hold it")
