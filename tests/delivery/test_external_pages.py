"""Who may make, see and withdraw upload links (every role, a member of staff who is in the
project, another institution's manager), and the pages: the delivery page's external-data
section for staff and for members, the anonymous upload page behind the link (its refusals on
the fields, a wrong token, a body over the limit refused before it is read)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fivesafes.delivery.models import ExternalUpload
from fivesafes.delivery.services import external
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import ProjectMembership
from tests.conftest import verified_client
from tests.delivery.external_world import PNRS, REFERENCE, SOURCE, file_of, survey_csv, xw  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_policy_for_every_role(xw, make_user) -> None:  # noqa: F811
    upload, _token = external.issue_link(
        actor=xw.handler, delivery=xw.delivery, source=SOURCE, owner="DSI"
    )
    others = {
        "researcher (member)": xw.researcher,
        "manager": xw.pw.manager,
        "approver": xw.pw.approver,
        "secretary": xw.pw.secretary,
        "auditor": make_user(Role.AUDITOR),
        "output checker": make_user(Role.OUTPUT_CHECKER),
        "administrator": make_user(Role.ADMINISTRATOR),
        "another institution's manager": make_user(Role.INSTITUTION_MANAGER, Role.RESEARCHER),
    }
    assert policy.can_issue_link(xw.handler, xw.delivery)
    assert policy.can_cancel_upload(xw.handler, upload)
    for who, person in others.items():
        assert not policy.can_issue_link(person, xw.delivery), who
        assert not policy.can_cancel_upload(person, upload), who
    insider = make_user(Role.CASE_HANDLER)
    ProjectMembership.objects.create(project=xw.project, person=insider)
    assert not policy.can_issue_link(insider, xw.delivery)  # R17: never in one's own project
    # Members see that data arrived, never the details; outsiders see nothing.
    assert policy.can_see_delivery(xw.researcher, xw.delivery)
    assert not policy.can_see_upload_details(xw.researcher, xw.delivery)
    assert policy.can_see_upload_details(xw.pw.approver, xw.delivery)
    assert not policy.can_see_delivery(others["another institution's manager"], xw.delivery)
    # The anonymous page's own check: the link, not a person.
    assert policy.can_use_link(upload) and not policy.can_use_link(None)


def test_staff_make_a_link_on_the_delivery_page_and_see_it_once(xw) -> None:  # noqa: F811
    handler = verified_client(xw.handler)
    page = handler.get(reverse("delivery:delivery", args=[xw.delivery.pk]))
    assert "Make a one-time upload link" in page.content.decode()
    made = handler.post(
        reverse("delivery:issue_link", args=[xw.delivery.pk]),
        {"source": SOURCE, "owner": "Danish Survey Institute", "table_name": "SURVEY"},
    )
    assert made.status_code == 200 and made["Cache-Control"].startswith("max-age=0")
    url = made.context["url"]
    upload = ExternalUpload.objects.get()
    assert upload.table_name == "SURVEY" and "/delivery/external/upload/" in url
    again = handler.get(reverse("delivery:delivery", args=[xw.delivery.pk])).content.decode()
    assert url not in again and "Link sent, waiting for the file" in again
    researcher = verified_client(xw.researcher)
    assert (
        researcher.post(reverse("delivery:issue_link", args=[xw.delivery.pk]), {}).status_code
        == 403
    )


def test_the_owner_sends_the_file_without_an_account(xw) -> None:  # noqa: F811
    _upload, token = external.issue_link(
        actor=xw.handler, delivery=xw.delivery, source=SOURCE, owner="DSI"
    )
    owner = Client()
    url = reverse("delivery:upload", args=[token])
    assert SOURCE in owner.get(url).content.decode()
    refused = owner.post(url, {"agreement_reference": "nope", "file": file_of(survey_csv(PNRS))})
    assert refused.status_code == 400
    assert "agreement reference" in refused.content.decode()
    bad = owner.post(url, {"agreement_reference": REFERENCE, "file": file_of(b"id;a\n1;2\n")})
    assert bad.status_code == 400 and "person number" in bad.content.decode()
    sent = owner.post(url, {"agreement_reference": REFERENCE, "file": file_of(survey_csv(PNRS))})
    assert sent.status_code == 200 and "3 rows" in sent.content.decode()
    assert owner.get(url).status_code == 404  # used once
    assert Client().get(reverse("delivery:upload", args=["x" * 43])).status_code == 404
    # The researcher sees that the survey arrived, not the file or its counts.
    page = verified_client(xw.researcher).get(reverse("delivery:delivery", args=[xw.delivery.pk]))
    text = page.content.decode()
    assert "arrived" in text and "survey.csv" not in text


def test_a_body_over_the_limit_is_refused_before_it_is_read(xw, settings) -> None:  # noqa: F811
    settings.FIVESAFES_EXTERNAL_MAX_BYTES = 10
    _upload, token = external.issue_link(
        actor=xw.handler, delivery=xw.delivery, source=SOURCE, owner="DSI"
    )
    answer = Client().post(
        reverse("delivery:upload", args=[token]),
        {"agreement_reference": REFERENCE, "file": file_of(b"x" * 70_000)},
    )
    assert answer.status_code == 413
    assert ExternalUpload.objects.get().state == "issued"
