"""The delivery pages in Danish for a person who chose Danish (User.language), with the room's
refusals and page messages in Danish too; a person who reads English keeps English."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fivesafes.delivery.models import Delivery, Reidentification
from fivesafes.delivery.services import external
from tests.conftest import verified_client
from tests.delivery.external_world import REFERENCE, SOURCE, file_of, xw  # noqa: F401
from tests.delivery.test_reidentification import REASON, pseudonym_of

pytestmark = pytest.mark.django_db


def reads(person, language: str):
    person.language = language
    person.save(update_fields=["language"])
    return verified_client(person)


def test_a_danish_case_handler_plans_and_starts_a_delivery_in_danish(dw) -> None:
    handler = reads(dw.handler, "da")
    plan = handler.get(reverse("delivery:plan", args=[dw.project.pk])).content.decode()
    assert f"<h1>Planlæg en datalevering til projekt {dw.project.number}</h1>" in plan
    assert "Er projektet klar?" in plan and ">Klar</span>" in plan
    assert "En stikprøve på 5000, udtrukket reproducerbart for projektet" in plan
    assert ">Udarbejd planen</button>" in plan
    assert "Plan a delivery" not in plan and "Is the project ready?" not in plan
    answer = handler.post(
        reverse("delivery:plan", args=[dw.project.pk]), {"formats": ["csv"]}, follow=True
    )
    job = answer.content.decode()
    assert "Datalevering 1 er planlagt." in job  # the page message
    assert f"<h1>Datalevering 1 til projekt {dw.project.number}</h1>" in job
    assert ">Planlagt</span>" in job  # the state
    assert ">Start dataleveringen</button>" in job  # the step
    assert "Anslået: 1000 rækker" in job and "<h2>Medarbejdertid (R18)</h2>" in job
    assert "Start the delivery" not in job and "Estimated:" not in job
    delivery = Delivery.objects.get()
    started = handler.post(reverse("delivery:step", args=[delivery.pk, "start"]), follow=True)
    text = started.content.decode()
    assert "Datalevering 1 er i gang." in text
    assert "Venter på en jobafvikler" in text  # the room's own progress message


def test_an_english_reader_keeps_english_on_the_same_pages(dw) -> None:
    reads(dw.handler, "da").post(reverse("delivery:plan", args=[dw.project.pk]), {})
    delivery = Delivery.objects.get()
    english = reads(dw.handler, "en")
    job = english.get(reverse("delivery:delivery", args=[delivery.pk])).content.decode()
    assert f"<h1>Delivery 1 of project {dw.project.number}</h1>" in job
    assert ">Start the delivery</button>" in job and ">Planned</span>" in job
    assert "Datalevering" not in job and "Planlagt" not in job


def test_a_refusal_is_shown_to_a_danish_reader_in_danish(dw) -> None:
    url = reverse("delivery:reidentify", args=[dw.project.pk])
    reads(dw.handler, "da").post(
        url, {"pseudonym": str(pseudonym_of(dw.project)), "reason": REASON}
    )
    item = Reidentification.objects.get()
    approver = reads(dw.pw.approver, "da")
    page = approver.get(url).content.decode()
    assert f"Re-identifikation i projekt {dw.project.number} (R14)" in page
    assert ">Venter på en anden person" in page and ">Godkend</button>" in page
    refused = approver.post(
        reverse("delivery:decide_reidentification", args=[item.pk, "refuse"]), follow=True
    )
    text = refused.content.decode()
    assert "Skriv, hvorfor re-identifikationen afvises (" in text
    assert "Say why the re-identification is refused." not in text
    item.refresh_from_db()
    assert item.state == "asked"


def test_the_data_owner_with_a_danish_browser_is_refused_in_danish(xw) -> None:  # noqa: F811
    _upload, token = external.issue_link(
        actor=xw.handler, delivery=xw.delivery, source=SOURCE, owner="DSI"
    )
    owner, url = Client(HTTP_ACCEPT_LANGUAGE="da"), reverse("delivery:upload", args=[token])
    page = owner.get(url).content.decode()
    assert f"<h1>Send {SOURCE}</h1>" in page and ">Send filen</button>" in page
    assert "Reference til databehandleraftalen" in page
    refused = owner.post(
        url, {"agreement_reference": REFERENCE, "file": file_of(b"a,b\n1,2\n", "survey.xlsx")}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Filen skal være CSV, Parquet, Stata (.dta), SPSS (.sav, .zsav) eller SAS" in text
    assert "is none of these" not in text
