"""Dashboard panels count the cases waiting for the person, and every count links to a page
that person may open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import verified_client
from tests.projects.conftest import (  # noqa: F401
    complete,
    draft,
    pw,
    recommended,
    submitted,
    upload_dir,
)

pytestmark = pytest.mark.django_db


def figures(page: str) -> dict[str, tuple[int, str]]:
    """Label (in the plural, as written in the code) -> (count, link); a label shown with the
    count 1 is in the singular on the page and is turned back to find it."""
    from fivesafes.web.panel_figures import SINGULAR

    plural = {one: many for many, one in SINGULAR.items()}
    found = re.findall(r'<a href="([^"]+)"[^>]*><strong>([\d,]+)</strong> ([^<]+)</a>', page)
    shown = {}
    for url, count, label in found:
        words = label.strip().split(" ")
        if count == "1":
            words = [plural.get(word, word) for word in words]
        shown[" ".join(words)] = (int(count.replace(",", "")), url.replace("&amp;", "&"))
    return shown


def test_a_case_handler_sees_untaken_and_own_cases_and_may_follow_each_link(
    pw,  # noqa: F811
    submitted,  # noqa: F811
) -> None:
    from fivesafes.projects.services import assignment

    client = verified_client(pw.case_handler)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["not yet taken"][0] == 1 and shown["assigned to you"][0] == 0
    assignment.assign(actor=pw.case_handler, application=submitted, handler=pw.case_handler)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["assigned to you"][0] == 1 and shown["not yet taken"][0] == 0
    assert shown["of them overdue"][0] == 0
    # The institution of the test world is authorised already: no open authorisation case.
    assert shown["open authorisation cases"][0] == 0
    assert shown["to applicants, unanswered"][0] == 0
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url


def test_an_approver_sees_recommendations_made_by_others(pw, recommended) -> None:  # noqa: F811
    client = verified_client(pw.approver)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["recommended applications"][0] == 1
    assert shown["recommended authorisations"][0] == 0
    assert shown["breach cases to decide"][0] == 0
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url


OFFICE_LABELS = ("assigned to you", "not yet taken", "recommended applications")


def test_a_researcher_sees_their_applications_and_access_but_no_office_figures(
    pw,  # noqa: F811
    draft,  # noqa: F811
) -> None:
    from fivesafes.projects.services import decisions

    client = verified_client(pw.researcher)
    page = client.get(reverse("web:dashboard")).content.decode()
    shown = figures(page)
    assert shown["drafts"][0] == 1 and shown["with the office"][0] == 0
    assert shown["returned for changes"][0] == 0
    assert shown["projects you can work in now"][0] == 0
    assert not any(label in shown for label in OFFICE_LABELS)
    assert re.search(r"<strong>Valid</strong> until \d\d \w{3} \d{4}", page)
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url

    complete(draft, pw.researcher)
    decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["drafts"][0] == 0 and shown["with the office"][0] == 1


def test_an_uncertified_researcher_is_sent_to_the_test(pw) -> None:  # noqa: F811
    client = verified_client(pw.manager)
    page = client.get(reverse("web:dashboard")).content.decode()
    test_url = reverse("people:certification")
    assert re.search(
        rf'<a href="{test_url}" class="badge warn"><strong>Not certified</strong>', page
    )
    assert client.get(test_url).status_code == 200


def test_a_manager_sees_the_quote_to_accept_and_the_link_opens_it(pw, recommended) -> None:  # noqa: F811
    from fivesafes.projects.services import decisions, pricing

    client = verified_client(pw.manager)
    assert (
        figures(client.get(reverse("web:dashboard")).content.decode())["quotes to accept"][0] == 0
    )
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    count, url = figures(client.get(reverse("web:dashboard")).content.decode())["quotes to accept"]
    assert count == 1 and url == reverse("projects:application", args=[approved.pk])
    assert "Accept the quote" in client.get(url).content.decode()
    assert (
        figures(client.get(reverse("web:dashboard")).content.decode())["agreements to countersign"][
            0
        ]
        == 0
    )


def test_a_secretary_sees_agreements_to_send_and_register(pw) -> None:  # noqa: F811
    client = verified_client(pw.secretary)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["approved agreements to send"][0] == 0
    assert shown["signed agreements to register"][0] == 0
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url


def test_a_case_handler_sees_questions_waiting_for_applicants(pw, submitted) -> None:  # noqa: F811
    from fivesafes.projects.services import decisions

    decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    decisions.ask_question(actor=pw.case_handler, application=submitted, text="Why 2010?")
    client = verified_client(pw.case_handler)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["to applicants, unanswered"][0] == 1


def test_a_recommended_authorisation_counts_for_another_approver_only(pw, make_user) -> None:  # noqa: F811
    from fivesafes.people.services import authorisation as auth
    from fivesafes.policy.permissions import Role

    handler = make_user(Role.APPROVER, Role.CASE_HANDLER)  # handles this case, may approve others
    case = auth.apply(
        actor=pw.manager,
        name="Second Institute",
        kind="university",
        country="DK",
        recognition="Research council",
        address="Main Street 2",
        application_text="Labour economics.",
        research_group="Ann\nBo",
    )
    auth.take_step(actor=handler, authorisation=case, step="start_evaluation")
    auth.record_credibility(actor=handler, authorisation=case, assessment="Known.")
    today = timezone.localdate()
    auth.take_step(
        actor=handler,
        authorisation=case,
        step="prepare_agreement",
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )
    auth.take_step(actor=handler, authorisation=case, step="recommend", note="Fine.")
    client = verified_client(pw.approver)
    count, url = figures(client.get(reverse("web:dashboard")).content.decode())[
        "recommended authorisations"
    ]
    assert count == 1 and "Second Institute" in client.get(url).content.decode()
    shown = figures(verified_client(handler).get(reverse("web:dashboard")).content.decode())
    assert shown["recommended authorisations"][0] == 0


def test_figure_labels_agree_with_their_count() -> None:
    from fivesafes.web.panel_figures import Figure

    assert Figure(1, "quotes to accept", "/").words == "quote to accept"
    assert Figure(2, "quotes to accept", "/").words == "quotes to accept"
    assert Figure(0, "approved agreements to send", "/").words == "approved agreements to send"
    assert Figure(1, "authorisation cases overdue", "/").words == "authorisation case overdue"
    assert Figure(1, "projects you can work in now", "/").words == "project you can work in now"
    assert Figure(12345, "drafts", "/").shown == "12,345"
