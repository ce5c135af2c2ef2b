"""What the release room makes of the library's outputs, as the researcher sees it on the
request: a passing crosstab's pair passes and is approved, a failing one is returned with
the failing cell named, and an imported ACRO table is read against its record."""

from __future__ import annotations

import pytest

from fivesafes.analysis import Session
from fivesafes.release.services import requests
from fivesafes.release.workflow import RequestState
from tests.analysis.conftest import make_frame
from tests.release.conftest import outputs, release_dirs, rw, submitted_and_checked  # noqa: F401

pytestmark = pytest.mark.django_db


def ask_for_release(rw, paths: list[str], **options):  # noqa: F811
    release = requests.create(actor=rw.author, project=rw.project)
    for path in paths:
        requests.add_file(
            actor=rw.author, release=release, path=path, context=f"What {path} shows", **options
        )
    return submitted_and_checked(rw, release)


def test_a_passing_crosstab_pair_passes_and_is_approved(rw) -> None:  # noqa: F811
    data = make_frame(small_region=False)
    out = Session(outputs(rw.project), show=False).crosstab(data.region, data.sex)
    release = ask_for_release(rw, [out.paths["table"].name, out.paths["record"].name])
    verdicts = {f.path: (f.verdict, f.is_evidence) for f in release.files.all()}
    assert verdicts == {
        "crosstab_region_sex.csv": ("pass", False),
        "crosstab_region_sex.json": ("pass", True),
    }
    table = release.files.get(path="crosstab_region_sex.csv")
    assert table.reasons == [
        "crosstab_region_sex.csv matches its check record, which passes every rule."
    ]
    assert release.state == RequestState.APPROVED


def test_a_failing_crosstab_is_returned_naming_the_cell(rw) -> None:  # noqa: F811
    data = make_frame()
    out = Session(outputs(rw.project), show=False).crosstab(data.region, data.sex)
    release = ask_for_release(rw, [out.paths["table"].name, out.paths["record"].name])
    table = release.files.get(path="crosstab_region_sex.csv")
    assert table.verdict == "fail"
    assert {"region": "W", "sex": "F"} in table.failing_cells
    assert any("region=W, sex=F" in r for r in table.reasons)
    assert release.state == RequestState.RETURNED


def test_an_acro_table_is_read_against_its_record(rw, tmp_path) -> None:  # noqa: F811
    from tests.analysis.test_acro_import import acro_session

    folder = acro_session(tmp_path / "acro")
    from fivesafes.analysis import import_acro

    result = import_acro(folder, outputs(rw.project), show=False)
    passed = next(o for o in result.outputs if o.record["acro"]["status"] == "pass")
    assert passed.paths.get("table") is not None
    release = ask_for_release(rw, [passed.paths["table"].name, passed.paths["record"].name])
    table = release.files.get(path=passed.paths["table"].name)
    assert table.verdict == "review"
    assert "ACRO passed it" in table.reasons[0]
    assert release.state == RequestState.CHECKED  # two checkers look at it


def test_journey_six_a_table_and_a_regression_after_fixing_the_flagged_cell(rw) -> None:  # noqa: F811
    data = make_frame()
    s = Session(outputs(rw.project), show=False)
    model = s.olsr("income ~ age + C(sex)", data)
    first = s.crosstab(data.region, data.sex, name="table1")
    assert first.status == "fail"
    data.loc[data.region == "W", "region"] = "S"  # the researcher merges the small region
    fixed = s.crosstab(data.region, data.sex, name="table1")
    assert fixed.status == "pass" and fixed.name == "table1_2"
    names = [p.name for o in (fixed, model) for p in o.paths.values()]
    release = ask_for_release(rw, names)
    verdicts = {f.path: f.verdict for f in release.files.all()}
    assert verdicts == dict.fromkeys(names, "pass")
    assert release.state == RequestState.APPROVED
