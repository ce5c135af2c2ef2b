"""Dashboard charts (issue 16, accessibility and look): for a known world, each chart's bars and
its table show the right figures, and each is titled and described for screen readers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fivesafes.people.rules import CERTIFICATION_VALID_DAYS
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.projects.conftest import pw, upload_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def charts(page: str) -> dict[str, dict[str, int]]:
    """Each chart on the page by its title: its table's rows, label to figure; the bars' own
    titles must say the same."""
    found: dict[str, dict[str, int]] = {}
    for title, body in re.findall(
        r'<figure class="chart" data-chart="([^"]+)">(.*?)</figure>', page, re.S
    ):
        rows = {
            label: int(n.replace(",", ""))
            for label, n in re.findall(r'<th scope="row">([^<]+)</th><td>([\d,]+)</td>', body)
        }
        bars = dict(re.findall(r"<rect [^>]*><title>([^<]+): ([\d,]+) [^<]*</title>", body))
        assert {label: int(n.replace(",", "")) for label, n in bars.items()} == rows, title
        if rows:
            assert "<title id=" in body and "<desc id=" in body and 'role="img"' in body
        else:
            assert "Nothing to show yet." in body
        found[title.replace("&#x27;", "'")] = rows
    return found


def _applications(pw, specs):  # noqa: F811
    """Applications by the researcher in (state, days since submission, days since decision)."""
    from fivesafes.projects.models import Application
    from fivesafes.projects.services import applications

    now = timezone.now()
    for state, submitted, decided in specs:
        made = applications.create_draft(
            actor=pw.researcher, institution=pw.institution, title=f"{state} {submitted}"
        )
        Application.objects.filter(pk=made.pk).update(
            state=state,
            submitted_at=None if submitted is None else now - timedelta(days=submitted),
            decided_at=None if decided is None else now - timedelta(days=decided),
        )


def test_the_office_sees_open_applications_by_state_and_age_and_time_to_decision(pw) -> None:  # noqa: F811
    _applications(
        pw,
        [
            ("submitted", 2, None),
            ("submitted", 40, None),
            ("under_review", 10, None),
            ("recommended", 100, None),
            ("approved", 31, 1),
            ("refused", 11, 1),
            ("approved", 60, 50),
            ("draft", None, None),
        ],
    )
    handler = charts(verified_client(pw.case_handler).get(reverse("web:dashboard")).text)
    assert handler["Open applications by state"] == {
        "Submitted": 2,
        "Under review": 1,
        "Recommended": 1,
    }
    assert handler["Open applications by time since submission"] == {
        "Under a week": 1,
        "1 to 4 weeks": 1,
        "1 to 3 months": 1,
        "Over 3 months": 1,
    }
    approver = charts(verified_client(pw.approver).get(reverse("web:dashboard")).text)
    today = timezone.localdate()
    recent, earlier = today - timedelta(days=1), today - timedelta(days=50)
    # this month's decisions took 30 and 10 days (median 20); the earlier one 10 days
    assert approver["Days from submission to decision"] == {
        f"{earlier:%Y-%m}": 10,
        f"{recent:%Y-%m}": 20,
    }
    assert "Open applications by state" not in approver


def test_a_researcher_sees_only_their_own_applications_by_state(pw, make_user) -> None:  # noqa: F811
    _applications(pw, [("draft", None, None), ("draft", None, None), ("submitted", 3, None)])
    from fivesafes.projects.models import Application

    Application.objects.filter(state="submitted").update(applicant=pw.manager)
    _applications(pw, [("returned", 5, None)])
    mine = charts(verified_client(pw.researcher).get(reverse("web:dashboard")).text)
    assert mine["Your applications by state"] == {"Draft": 2, "Returned for changes": 1}
    assert "Open applications by state" not in mine
    stranger = charts(
        verified_client(make_user(Role.RESEARCHER)).get(reverse("web:dashboard")).text
    )
    assert "Your applications by state" not in stranger


def test_certifications_expiring_for_the_office_and_for_the_manager(pw, make_user) -> None:  # noqa: F811
    from fivesafes.people.models import CertificationAttempt

    def certified(person, days_left: int, passed: bool = True) -> None:
        taken = timezone.now() - timedelta(days=CERTIFICATION_VALID_DAYS - days_left)
        CertificationAttempt.objects.create(
            person=person, taken_at=taken, correct=5, total=5, passed=passed
        )

    # the institution's researcher passed nearly a year ago, the manager a little later
    CertificationAttempt.objects.filter(person=pw.researcher).update(
        taken_at=timezone.now() - timedelta(days=CERTIFICATION_VALID_DAYS - 5)
    )
    certified(pw.manager, 45)
    elsewhere = [make_user(Role.RESEARCHER) for _ in range(4)]
    certified(elsewhere[0], 10)
    certified(elsewhere[1], 75)
    certified(elsewhere[2], -3)  # expired already
    certified(elsewhere[3], 20, passed=False)  # a failed attempt certifies nobody
    from fivesafes.people.services import researchers

    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=pw.manager)

    office = charts(verified_client(pw.case_handler).get(reverse("web:dashboard")).text)
    assert office["Certifications expiring"] == {
        "Within 30 days": 2,
        "In 31 to 60 days": 1,
        "In 61 to 90 days": 1,
    }
    manager = charts(verified_client(pw.manager).get(reverse("web:dashboard")).text)
    assert manager["Your researchers' certifications expiring"] == {
        "Within 30 days": 1,
        "In 31 to 60 days": 1,
        "In 61 to 90 days": 0,
    }
