"""Bad input of issue 14 not covered elsewhere: a CSV with a wrong delimiter, a picture of a
table (also one named .csv), an output of 500 MB. Each is refused or fails with a reason
naming the file, and the reason never shows where the server keeps the frozen copy."""

from __future__ import annotations

import pytest

from fivesafes.release.models import RequestFile
from fivesafes.release.services import requests
from fivesafes.release.workflow import RequestState
from fivesafes.shared.refusals import RuleViolation
from tests.release.conftest import (
    OK_TABLE,
    ROLES,
    outputs,
    request_with,
    submitted_and_checked,
)

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_a_wrong_delimiter_or_a_picture_never_passes_and_the_reason_names_the_file(rw):
    release = request_with(
        rw,
        {
            "colons.csv": (OK_TABLE.replace(",", ":"), {"declarations": ROLES}),
            "tables/table.png": (PNG, {}),
            "picture.csv": (PNG, {"declarations": ROLES}),
        },
    )
    release = submitted_and_checked(rw, release)
    files = {f.path: f for f in release.files.all()}
    colons, picture, disguised = (
        files["colons.csv"],
        files["tables/table.png"],
        files["picture.csv"],
    )
    assert colons.verdict == "fail" and "is the delimiter right?" in colons.reasons[0]
    assert picture.verdict == "review" and "cannot be checked automatically" in picture.reasons[0]
    assert disguised.verdict == "fail"
    assert disguised.reasons[0].startswith("picture.csv cannot be checked as a table")
    for file in files.values():
        assert not any("frozen" in reason for reason in file.reasons), file.reasons
    # Nothing passed: the failures go back to the researcher, nothing is approved.
    assert release.state == RequestState.RETURNED


def test_an_output_of_500_mb_is_refused_when_added(rw):
    """At the office's default limit (20 MiB): a sparse file, so the test writes nothing."""
    release = request_with(rw, {})
    with open(outputs(rw.project) / "persons.csv", "wb") as handle:
        handle.truncate(500 * 1024 * 1024)
    with pytest.raises(RuleViolation) as refused:
        requests.add_file(actor=rw.author, release=release, path="persons.csv", context="All")
    assert refused.value.field == "path"
    assert "524.3 MB, over the limit of 21.0 MB" in refused.value.finding.message
    assert not RequestFile.objects.exists()
