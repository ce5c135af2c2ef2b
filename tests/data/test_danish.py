"""The catalogue and the data basket in Danish for a person who chose Danish (User.language):
headings, filters, subject areas, sensitivity labels, the basket's refusal and message; the
catalogue's own texts stay as documented (English and Danish side by side). English stays the
default."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client


def danish_researcher(make_user):
    person = make_user(Role.RESEARCHER)
    person.language = "da"
    person.save(update_fields=["language"])
    return verified_client(person)


def test_a_danish_reader_browses_the_catalogue_in_danish(catalogue: Path, make_user) -> None:
    client = danish_researcher(make_user)
    page = client.get(reverse("data:catalogue")).content.decode()
    assert "<h1>Datakatalog</h1>" in page
    assert "<h2>Sundhed</h2>" in page  # the subject areas too
    assert '<option value="labour_market">Arbejdsmarked</option>' in page
    assert ">særlig kategori (art. 9)</option>" in page
    assert ">Søg</button>" in page
    assert "Data catalogue" not in page and "<h2>Health</h2>" not in page
    found = client.get(reverse("data:catalogue"), {"q": "wage"}).content.decode()
    assert "variabel passer." in found or "variabler passer." in found
    register = client.get(reverse("data:register", args=["PRESCRIPTIONS"])).content.decode()
    assert "Emneområde: <strong>Sundhed</strong>" in register
    assert "<h2>Kvalitetsdeklaration</h2>" in register and "<h2>Variabler</h2>" in register


def test_a_danish_reader_is_refused_and_told_in_danish(catalogue: Path, make_user) -> None:
    client = danish_researcher(make_user)
    variable = CatalogueVariable.objects.get(
        version__register__short_name="INCOME", name="wage_income"
    )
    page = client.get(reverse("data:variable", args=["INCOME", "wage_income"])).content.decode()
    assert ">Tilføj til datakurven</button>" in page and "Følsomhed:" in page
    url = reverse("data:basket_add", args=[variable.pk])
    refused = client.post(url, {"first_year": 2030, "last_year": 1970}, HTTP_HX_REQUEST="true")
    text = refused.content.decode()
    assert "det første år (2030) ligger efter det sidste (1970)" in text
    assert "is after the last" not in text
    outside = client.post(url, {"first_year": 1800, "last_year": 1801}, follow=True)
    assert "Fra år: " in outside.content.decode()
    assert "ligger uden for" in outside.content.decode()
    assert not BasketItem.objects.exists()
    first = variable.version.first_year
    added = client.post(url, {"first_year": first, "last_year": first}, follow=True)
    assert f"INCOME.wage_income ({first}-{first}) er i din datakurv." in added.content.decode()
    basket = client.get(reverse("data:basket")).content.decode()
    assert "<h1>Din datakurv</h1>" in basket and "Hent variabellisten (CSV)" in basket


def test_an_english_reader_and_a_visitor_keep_english(catalogue: Path, make_user) -> None:
    page = Client().get(reverse("data:catalogue")).content.decode()
    assert "<h1>Data catalogue</h1>" in page and "<h2>Health</h2>" in page
    assert "Datakatalog" not in page and "Sundhed" not in page
    english = verified_client(make_user(Role.RESEARCHER))
    basket = english.get(reverse("data:basket")).content.decode()
    assert "<h1>Your data basket</h1>" in basket and "Din datakurv" not in basket
