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


class Shown(dict[str, tuple[int, str]]):
    """Figures by label; looked up by the label as written in the code (the plural), also when
    the page shows it in the singular for a count of 1."""

    def __getitem__(self, label: str) -> tuple[int, str]:
        from fivesafes.web.panel_figures import Figure

        if label not in self:
            label = Figure(1, label, "").words
        return super().__getitem__(label)


def figures(page: str) -> Shown:
    found = re.findall(r'<a href="([^"]+)"[^>]*><strong>([\d,]+)</strong> ([^<]+)</a>', page)
    return Shown(
        {
            label.strip(): (int(count.replace(",", "")), url.replace("&amp;", "&"))
            for url, count, label in found
        }
    )


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
    assert re.search(r"<strong>Valid</strong> until \d{4}-\d\d-\d\d", page)
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


def test_a_researcher_sees_the_offices_question_and_the_link_opens_it(pw, submitted) -> None:  # noqa: F811
    from fivesafes.projects.services import decisions

    client = verified_client(pw.researcher)
    assert (
        figures(client.get(reverse("web:dashboard")).content.decode())[
            "questions from the office to answer"
        ][0]
        == 0
    )
    decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    decisions.ask_question(
        actor=pw.case_handler, application=submitted, text="Why ten years of income?"
    )
    count, url = figures(client.get(reverse("web:dashboard")).content.decode())[
        "questions from the office to answer"
    ]
    assert count == 1 and url == reverse("projects:application", args=[submitted.pk])
    assert "Why ten years of income?" in client.get(url).content.decode()


def test_a_manager_sees_the_authorisation_agreement_to_sign_and_questions(make_user) -> None:
    from fivesafes.people.services import authorisation as auth
    from fivesafes.policy.permissions import Role

    manager = make_user(Role.INSTITUTION_MANAGER, username="maja")
    handler = make_user(Role.CASE_HANDLER, username="henrik")
    approver = make_user(Role.APPROVER, username="agnes")
    secretary = make_user(Role.SECRETARY, username="sigrid")
    case = auth.apply(
        actor=manager,
        name="Odense Institute",
        kind="university",
        country="DK",
        recognition="Research council",
        address="Campusvej 55",
        application_text="Health economics.",
        research_group="Ida Analyst\nJens Statistician",
    )
    auth.take_step(actor=handler, authorisation=case, step="start_evaluation")
    auth.ask_question(actor=handler, authorisation=case, question="Who signs for you?")
    client = verified_client(manager)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    case_url = reverse("people:case", args=[case.pk])
    assert shown["questions from the office to answer"] == (1, case_url)
    assert shown["authorisation agreements to sign"][0] == 0
    auth.answer_question(actor=manager, question=case.questions.get(), answer="The dean.")
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["questions from the office to answer"][0] == 0
    auth.record_credibility(actor=handler, authorisation=case, assessment="Known institute.")
    today = timezone.localdate()
    auth.take_step(
        actor=handler,
        authorisation=case,
        step="prepare_agreement",
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )
    auth.take_step(actor=handler, authorisation=case, step="recommend", note="Fine.")
    auth.take_step(actor=approver, authorisation=case, step="approve")
    auth.take_step(actor=secretary, authorisation=case, step="send")
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["authorisation agreements to sign"] == (1, case_url)
    assert "Sign for the institution" in client.get(case_url).content.decode()


def test_the_approvers_recommended_link_lists_only_recommended_applications(
    pw,  # noqa: F811
    recommended,  # noqa: F811
) -> None:
    client = verified_client(pw.approver)
    count, url = figures(client.get(reverse("web:dashboard")).content.decode())[
        "recommended applications"
    ]
    assert count == 1 and url.endswith("?state=recommended")
    page = client.get(url).content.decode()
    assert recommended.title in page
