"""Each checked function records a table file and a record the release room can pair and
read: the record follows fivesafes.sdc.record/1 and the table file shows its numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import fivesafes.analysis as analysis
from fivesafes.analysis import Session
from fivesafes.release.services.checks import compare_with_table, record_partner
from fivesafes.sdc.record import validate_record, verify_checksums


def stored(output: analysis.Output) -> dict:
    record = json.loads(output.paths["record"].read_text("utf-8"))
    validate_record(record)
    assert verify_checksums(record)
    return record


def paired(output: analysis.Output) -> None:
    table, record = output.paths["table"], output.paths["record"]
    assert record_partner(str(table), [str(record)]) == str(record)
    assert compare_with_table(json.loads(record.read_text()), table) == []


def test_a_crosstab_records_contributors_per_cell_and_the_rules(session, regions) -> None:
    out = session.crosstab(regions.region, regions.sex)
    assert out.status == "pass"
    assert out.name == "crosstab_region_sex"
    record = stored(out)
    paired(out)
    cell = next(c for c in record["table"]["cells"] if c["labels"] == {"region": "E", "sex": "F"})
    assert cell["contributors"] == 50 and cell["values"] == {"count": 50}
    assert record["ruleset"]["parameters"]["frequency"]["threshold"] == 10
    assert record["analysis"]["command"] == "crosstab(<column 'region'>, <column 'sex'>)"
    assert out.paths["table"].read_text().splitlines()[:2] == ["region,sex,count", "E,F,50"]


def test_a_failing_crosstab_says_why_in_words(session, frame, capsys) -> None:
    out = Session(session.folder).crosstab(frame.region, frame.sex)
    printed = capsys.readouterr().out
    assert out.status == "fail"
    assert printed.startswith("crosstab_region_sex: Would fail")
    assert "frequency at region=W, sex=F" in printed
    assert "add_exception('crosstab_region_sex'" in printed
    assert 'data-status="fail"' in out._repr_html_()
    paired(out)


def test_magnitude_tables_record_dominance_evidence(session, frame) -> None:
    out = session.crosstab(
        frame.region, frame.sex, values=frame.income, aggfunc=["mean", "sum"], margins=True
    )
    record = stored(out)
    paired(out)
    assert record["table"]["statistics"] == ["mean", "sum"]
    assert any(c["margin"] for c in record["table"]["cells"])
    dominance = [f for f in record["findings"] if f["rule"].startswith("dominance")]
    small = [f for f in record["findings"] if f["cell"] and f["cell"]["region"] == "W"]
    assert small and all("contributors" in f["values"] for f in small if f["rule"] == "frequency")
    assert isinstance(dominance, list)
    table = session.pivot_table(frame, values="income", index="region", aggfunc="mean")
    stored(table)
    paired(table)
    assert table.name == "pivot_table_region_income"


@pytest.mark.parametrize("kind", ["ols", "logit", "probit"])
def test_models_record_their_residual_degrees_of_freedom(session, regions, kind) -> None:
    formula = "employed ~ age + C(region)"
    out = getattr(session, f"{kind}r")(formula, regions)
    record = stored(out)
    paired(out)
    assert record["output_type"] == "model"
    assert record["input"]["residual_dof"] == 300 - 4
    assert [c["values"]["term"] for c in record["table"]["cells"]][0] == "Intercept"
    arrays = getattr(session, kind)(regions.employed, regions[["age"]].assign(const=1.0))
    stored(arrays)
    paired(arrays)


def test_a_histogram_records_its_bin_counts(session, frame) -> None:
    out = session.hist(frame, "age", bins=5, range=(0, 100))
    record = stored(out)
    paired(out)
    counts = [c["values"]["count"] for c in record["table"]["cells"]]
    assert sum(counts) == len(frame) and len(counts) == 5
    drawn = session.hist(frame, "age", bins=5, range=(0, 100), filename="ages.png")
    figure = drawn.extra["figure"]
    assert figure.paths["file"] == session.folder / "ages.png"
    assert figure.paths["file"].read_bytes().startswith(b"\x89PNG")
    assert stored(figure)["analysis"]["comments"] == ["drawn from the checked bins of hist_age_2"]


def test_survival_tables_in_both_call_shapes(session, frame) -> None:
    out = session.surv_func(frame.years, frame.died)
    record = stored(out)
    paired(out)
    assert record["output_type"] == "survival"
    other = session.survival_table(frame, "years", "died", interval=2)
    stored(other)
    paired(other)


def test_a_figure_made_by_other_means_gets_a_lighter_record(session, tmp_path) -> None:
    figure = tmp_path / "plot.png"
    figure.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    out = session.custom_output(figure, "income by age")
    assert out.paths["file"].read_bytes() == figure.read_bytes()
    record = stored(out)
    assert out.paths["record"].name == "plot.png.json"
    assert record["output_type"] == "file" and record["verdict"]["status"] == "review"
    assert record["input"]["path"] == "plot.png" and record["input"]["media_type"] == "image/png"
    assert record["analysis"]["comments"] == ["income by age"]
    # a CSV written directly is not paired with its record, so it still gets the table check
    direct = session.folder / "direct.csv"
    direct.write_text("a,n\nx,20\n")
    csv_out = session.custom_output("direct.csv")
    assert csv_out.paths["record"].name == "direct.csv.json"
    assert record_partner(str(direct), [str(csv_out.paths["record"])]) is None
    with pytest.raises(ValueError, match="are not released"):
        program = tmp_path / "run.sh"
        program.write_text("#!/bin/sh\n")
        session.custom_output(program)


def test_comments_and_exceptions_go_into_the_record(session, frame) -> None:
    out = session.crosstab(frame.region, frame.sex)
    session.add_comments(out.name, "W is a planned pilot region")
    session.add_exception(out.name, "the small cells are structural")
    record = stored(out)
    assert record["analysis"]["comments"] == ["W is a planned pilot region"]
    assert record["analysis"]["exception"] == "the small cells are structural"
    with pytest.raises(KeyError, match="no output 'nope'"):
        session.add_comments("nope", "x")
    rows = session.finalise()
    assert rows == [
        {
            "name": out.name,
            "status": "fail",
            "files": [f"{out.name}.csv", f"{out.name}.json"],
            "exception": "the small cells are structural",
        }
    ]


def test_module_level_functions_write_to_the_environments_outputs_area(
    outputs: Path, regions: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIVESAFES_OUTPUTS", str(outputs))
    monkeypatch.setattr(analysis, "_session", None)
    out = analysis.crosstab(regions.region, regions.sex, name="by region")
    assert out.paths["table"] == outputs / "by_region.csv"
    analysis.add_comments("by_region", "first table")
    assert stored(out)["analysis"]["comments"] == ["first table"]
    monkeypatch.setenv("FIVESAFES_OUTPUTS", str(outputs / "missing"))
    with pytest.raises(analysis.OutputsAreaError, match="no outputs area"):
        Session()


def test_the_library_releasable_types_are_the_release_rooms() -> None:
    from fivesafes.analysis.session import RELEASABLE
    from fivesafes.release.outputs import ALLOWED_SUFFIXES

    assert RELEASABLE == ALLOWED_SUFFIXES
