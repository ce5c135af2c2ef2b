"""The catalogue in the browser's words: search, register and variable pages, API; never data."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client


def test_anonymous_visitors_browse_by_subject_area(catalogue: Path) -> None:
    page = Client().get(reverse("data:catalogue")).content.decode()
    for name in ("POPULATION", "PRESCRIPTIONS", "BUSINESS", "INCOME"):
        assert name in page
    assert "<h2>Health</h2>" in page  # subject areas in words, not codes
    assert '<option value="labour_market">Labour market</option>' in page
    register = Client().get(reverse("data:register", args=["PRESCRIPTIONS"])).content.decode()
    assert "Subject area: <strong>Health</strong>" in register


def test_visitors_browse_by_unit_type_too(catalogue: Path) -> None:
    from fivesafes.metadata.unittypes import UNIT_TYPES

    page = Client().get(reverse("data:catalogue"), {"by": "unit_type"}).content.decode()
    enterprise = UNIT_TYPES["enterprise"].label.en
    assert f"<h2>{enterprise[:1].upper()}{enterprise[1:]}</h2>" in page
    section = page.split(f"<h2>{enterprise[:1].upper()}{enterprise[1:]}</h2>")[1].split(
        "</section>"
    )[0]
    assert "BUSINESS" in section and "POPULATION" not in section
    by_area = Client().get(reverse("data:catalogue")).content.decode()
    row = by_area.split(">PRESCRIPTIONS</a>")[1].split("</tr>")[0]
    assert f"<td>{UNIT_TYPES['prescription'].label.en}</td>" in row  # the unit in words


def test_search_finds_variables_by_english_and_danish_words(catalogue: Path) -> None:
    english = Client().get(reverse("data:catalogue"), {"q": "birth"}).content.decode()
    assert "birth_date" in english
    danish = Client().get(reverse("data:catalogue"), {"q": "fødsel"}).content.decode()
    assert "birth_date" in danish


def test_register_search_matches_register_texts_in_both_languages(catalogue: Path) -> None:
    from fivesafes.data.queries import Filters, register_names

    assert register_names(Filters.parse(q="pharmacy")) == ["PRESCRIPTIONS"]  # description, en
    assert register_names(Filters.parse(q="apotek")) == ["PRESCRIPTIONS"]  # description, da
    assert register_names(Filters.parse(q="erhvervsregister")) == ["BUSINESS"]  # title, da
    both = register_names(Filters.parse(q="municipality"))
    assert "BUSINESS" in both and "PRESCRIPTIONS" not in both
    assert register_names(Filters.parse(q="pharmacy", temporality="FIXED")) == []
    page = Client().get(reverse("data:catalogue"), {"q": "apotek"}).content.decode()
    assert "1 matching register." in page and "PRESCRIPTIONS" in page


def test_sensitivity_filter_lists_only_flagged_variables(catalogue: Path) -> None:
    response = Client().get(reverse("data:catalogue"), {"sensitivity": "particularly_identifying"})
    names = set(
        CatalogueVariable.objects.filter(particularly_identifying=True).values_list(
            "name", flat=True
        )
    )
    assert names, "the synthetic registers flag some variables"
    page = response.content.decode()
    assert all(name in page for name in names)
    assert "prescription_id" not in page or "prescription_id" in names


def test_sensitivity_filter_counts_only_registers_holding_such_variables(catalogue: Path) -> None:
    from fivesafes.data.queries import Filters, register_names

    holding = sorted(
        set(
            CatalogueVariable.objects.filter(special_category=True).values_list(
                "version__register__short_name", flat=True
            )
        )
    )
    assert holding and len(holding) < 4, "some of the four registers have art. 9 variables"
    assert sorted(register_names(Filters.parse(sensitivity="special_category"))) == holding
    page = (
        Client()
        .get(reverse("data:catalogue"), {"sensitivity": "special_category"})
        .content.decode()
    )
    assert f"{len(holding)} matching register{'s' if len(holding) > 1 else ''}." in page
    assert register_names(Filters.parse(q="enterprise", sensitivity="special_category")) == []
    api = Client().get("/api/v1/catalogue/registers", {"sensitivity": "special_category"})
    assert sorted(r["short_name"] for r in api.json()) == holding


def test_bad_year_filter_is_named(catalogue: Path) -> None:
    page = (
        Client().get(reverse("data:catalogue"), {"q": "income", "year": "twenty"}).content.decode()
    )
    assert "Year: enter a year such as 2015." in page


def test_register_page_shows_quality_declaration_and_coverage_chart(catalogue: Path) -> None:
    page = Client().get(reverse("data:register", args=["PRESCRIPTIONS"])).content.decode()
    assert "Quality declaration" in page and "Comparability over time" in page
    declaration = json.loads((catalogue / "prescriptions.json").read_text())["qualityDeclaration"]
    for key in ("purpose", "history", "collectionMethod", "accuracy", "comparability"):
        assert escape(declaration[key]["en"]) in page, key  # the texts, not just the headings
        assert escape(declaration[key]["da"]) in page, key
    assert "<svg" in page and "rows</title>" in page


def test_variable_page_shows_code_list_with_validity(catalogue: Path) -> None:
    variable = (
        CatalogueVariable.objects.filter(version__register__short_name="PRESCRIPTIONS")
        .exclude(code_list_name="")
        .first()
    )
    page = (
        Client()
        .get(reverse("data:variable", args=["PRESCRIPTIONS", variable.name]))
        .content.decode()
    )
    code = variable.codes.filter(is_sentinel=False).first()
    assert code.code in page and code.valid_from.isoformat() in page


def test_variable_page_describes_values_and_register_page_the_update_frequency(
    catalogue: Path,
) -> None:
    doc = json.loads((catalogue / "prescriptions.json").read_text())
    register = Client().get(reverse("data:register", args=["PRESCRIPTIONS"])).content.decode()
    assert f"Updated: <strong>{doc['updateFrequency']}</strong>" in register
    for var in doc["variables"]:
        domain = var["valueDomain"]
        page = (
            Client()
            .get(reverse("data:variable", args=["PRESCRIPTIONS", var["name"]]))
            .content.decode()
        )
        values = page.split("Values:")[1].split("</p>")[0]
        if "description" in domain:
            assert escape(domain["description"]["en"]) in values, var["name"]
        if "minimum" in domain:
            assert f"at least <strong>{domain['minimum']}</strong>" in values, var["name"]
        if "pattern" in domain:
            assert f"pattern <code>{escape(domain['pattern'])}</code>" in values, var["name"]
        assert ("may be empty" if var.get("nullable") else "never empty") in values, var["name"]


def _linked(page: str) -> list[str]:
    """The REGISTER.variable links under "Registers that link to this unit"."""
    if "Registers that link to this unit" not in page:
        return []
    section = page.split("Registers that link to this unit")[1].split("</ul>")[0]
    return sorted(re.findall(r">([A-Z_]+\.[a-z_0-9]+)</a>", section))


def test_variable_page_lists_every_register_that_links_to_its_unit(catalogue: Path) -> None:
    # an identifier: registers of the same unit (INCOME's pnr identifies a person too) and
    # variables referring to it (PRESCRIPTIONS.pnr links to a person)
    population = Client().get(reverse("data:variable", args=["POPULATION", "pnr"]))
    assert _linked(population.content.decode()) == ["INCOME.pnr", "PRESCRIPTIONS.pnr"]
    # a link to another unit: where that unit is identified or referred to
    prescriptions = Client().get(reverse("data:variable", args=["PRESCRIPTIONS", "pnr"]))
    assert _linked(prescriptions.content.decode()) == ["INCOME.pnr", "POPULATION.pnr"]
    # a measure with no link has no such list
    income = CatalogueVariable.objects.filter(
        version__register__short_name="INCOME", role="measure", links_to=""
    ).first()
    page = Client().get(reverse("data:variable", args=["INCOME", income.name])).content.decode()
    assert _linked(page) == []


def test_an_earlier_version_links_to_its_own_variables(catalogue: Path, make_user) -> None:
    """After a major revision removed a variable, the old version's page still documents it."""
    from fivesafes.data.services.catalogue import import_registers

    path = catalogue / "income.json"
    doc = json.loads(path.read_text())
    old_version = doc["version"]
    removed = doc["variables"].pop()["name"]
    doc["version"] = f"{int(old_version.split('.')[0]) + 1}.0.0"
    path.write_text(json.dumps(doc))
    import_registers([path])

    old_page = Client().get(reverse("data:register_version", args=["INCOME", old_version]))
    link = reverse("data:variable_version", args=["INCOME", old_version, removed])
    assert f'href="{link}"' in old_page.content.decode()
    researcher = verified_client(make_user(Role.RESEARCHER))
    response = researcher.get(link)
    page = response.content.decode()
    assert response.status_code == 200 and f"({removed})" in page
    assert "an earlier version of INCOME. The current version is" in page
    assert "Add to data basket" not in page  # the basket collects current variables only
    old_variable = CatalogueVariable.objects.get(
        version__register__short_name="INCOME", version__version=old_version, name=removed
    )
    assert researcher.post(reverse("data:basket_add", args=[old_variable.pk])).status_code == 404
    assert not BasketItem.objects.exists()
    current = Client().get(reverse("data:register", args=["INCOME"])).content.decode()
    assert removed not in current
    assert Client().get(reverse("data:variable", args=["INCOME", removed])).status_code == 404


def test_basket_collects_variables_with_years_and_exports_a_variable_list(
    catalogue: Path, make_user
) -> None:
    client = verified_client(make_user(Role.RESEARCHER))
    variable = CatalogueVariable.objects.get(
        version__register__short_name="INCOME", name="wage_income"
    )
    first = variable.version.first_year
    client.post(
        reverse("data:basket_add", args=[variable.pk]),
        {"first_year": first, "last_year": first + 2},
    )
    pnr = CatalogueVariable.objects.get(version__register__short_name="PRESCRIPTIONS", name="pnr")
    client.post(reverse("data:basket_add", args=[pnr.pk]))  # all its years
    exported = client.get(reverse("data:basket_export")).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows == [
        {
            **rows[0],
            "register": "INCOME",
            "variable": variable.name,
            "first_year": str(first),
            "last_year": str(first + 2),
            "directly_identifying": "False",
        },
        {
            **rows[1],
            "register": "PRESCRIPTIONS",
            "variable": "pnr",
            "first_year": str(pnr.version.first_year),
            "last_year": str(pnr.version.last_year),
            "directly_identifying": "True",  # the list says it is removed at extraction
        },
    ]


def test_basket_refuses_years_outside_the_register_naming_the_field(
    catalogue: Path, make_user
) -> None:
    client = verified_client(make_user(Role.RESEARCHER))
    variable = CatalogueVariable.objects.filter(version__register__short_name="INCOME").first()
    response = client.post(
        reverse("data:basket_add", args=[variable.pk]),
        {"first_year": 1800, "last_year": 1801},
        follow=True,
    )
    text = response.content.decode()
    assert "From year:" in text and "outside" in text
    assert not BasketItem.objects.exists()


def test_api_lists_and_describes_public_metadata(catalogue: Path) -> None:
    registers = Client().get("/api/v1/catalogue/registers").json()
    assert {r["short_name"] for r in registers} == {
        "POPULATION",
        "PRESCRIPTIONS",
        "BUSINESS",
        "INCOME",
    }
    found = Client().get("/api/v1/catalogue/variables", {"q": "birth"}).json()["items"]
    assert any(v["name"] == "birth_date" for v in found)
    detail = Client().get(f"/api/v1/catalogue/registers/POPULATION/variables/{found[0]['name']}")
    assert detail.status_code == 200 and "codes" in detail.json()


def test_api_register_gives_documentation_quality_versions_and_variables(
    catalogue: Path,
) -> None:
    doc = json.loads((catalogue / "prescriptions.json").read_text())
    answer = Client().get("/api/v1/catalogue/registers/PRESCRIPTIONS").json()
    assert answer["description_da"] == doc["description"]["da"]
    assert answer["quality"]["accuracy"] == doc["qualityDeclaration"]["accuracy"]
    assert [v["version"] for v in answer["versions"]] == [doc["version"]]
    assert [v["name"] for v in answer["variables"]] == [v["name"] for v in doc["variables"]]
    coded = next(v for v in doc["variables"] if "codeList" in v["valueDomain"])
    detail = Client().get(f"/api/v1/catalogue/registers/PRESCRIPTIONS/variables/{coded['name']}")
    first = coded["valueDomain"]["codeList"]["codes"][0]
    code = next(c for c in detail.json()["codes"] if c["code"] == first["code"])
    assert code["level"] == first.get("level") and code["valid_from"] == first["validFrom"]


def test_api_filters_by_year_and_subject_area_like_the_pages(catalogue: Path) -> None:
    covering_1990 = Client().get("/api/v1/catalogue/registers", {"year": 1990}).json()
    assert "PRESCRIPTIONS" not in {r["short_name"] for r in covering_1990}  # from 1995
    assert "POPULATION" in {r["short_name"] for r in covering_1990}
    health = Client().get("/api/v1/catalogue/variables", {"subject_area": "health"}).json()
    health = health["items"]
    assert health and {v["register_name"] for v in health} == {"PRESCRIPTIONS"}
    early = Client().get("/api/v1/catalogue/variables", {"q": "atc", "year": 1990}).json()
    assert early == {"items": [], "count": 0}
    assert Client().get("/api/v1/catalogue/variables", {"year": "soon"}).status_code == 422


def test_api_variables_come_in_pages(catalogue: Path) -> None:
    every = list(
        CatalogueVariable.objects.order_by("version__register__short_name", "position").values_list(
            "version__register__short_name", "name"
        )
    )
    pages, offset = [], 0
    while True:
        answer = Client().get("/api/v1/catalogue/variables", {"limit": 7, "offset": offset}).json()
        assert answer["count"] == len(every)  # the total, on every page
        pages.extend((v["register_name"], v["name"]) for v in answer["items"])
        if len(answer["items"]) < 7:
            break
        offset += 7
    assert pages == every
    too_many = Client().get("/api/v1/catalogue/variables", {"limit": 5000})
    assert too_many.status_code == 422
    assert too_many.json()["detail"].startswith("limit: ")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": "9223372036854775808"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "0"}, "limit"),
        ({"year": "9223372036854775808"}, "year"),
        ({"year": "soon"}, "year"),
    ],
)
def test_api_bad_numbers_are_refused_naming_the_field(catalogue: Path, query, field) -> None:
    response = Client().get("/api/v1/catalogue/variables", query)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    registers = Client().get("/api/v1/catalogue/registers", {"year": "99999999999999999999"})
    assert registers.status_code == 422 and registers.json()["detail"].startswith("year: ")


def test_a_page_with_a_huge_year_is_refused_in_words(catalogue: Path) -> None:
    response = Client().get(
        reverse("data:catalogue"), {"q": "income", "year": "9223372036854775808"}
    )
    assert response.status_code == 200
    assert "Year: enter a year such as 2015." in response.content.decode()


def test_no_catalogue_route_shows_microdata(catalogue: Path, register_base: Path) -> None:
    """R20: person numbers that are in the data never appear in a catalogue page or API answer."""
    files = sorted((register_base / "POPULATION").rglob("*.parquet"))
    table = pq.read_table(files[0])
    identifier = table.column_names[0]
    values = [str(v) for v in table.column(identifier).to_pylist()[:25]]
    urls = [
        reverse("data:catalogue"),
        reverse("data:catalogue") + "?q=person",
        reverse("data:register", args=["POPULATION"]),
        "/api/v1/catalogue/registers",
        "/api/v1/catalogue/variables?q=person",
    ]
    urls += [
        reverse("data:variable", args=["POPULATION", v.name])
        for v in CatalogueVariable.objects.filter(version__register__short_name="POPULATION")
    ]
    urls += [
        f"/api/v1/catalogue/registers/POPULATION/variables/{v.name}"
        for v in CatalogueVariable.objects.filter(version__register__short_name="POPULATION")
    ]
    for url in urls:
        body = Client().get(url).content.decode()
        leaked = [v for v in values if v in body]
        assert not leaked, (url, leaked[:3])


def test_a_refused_basket_add_says_so_where_it_was_asked(catalogue: Path, make_user) -> None:
    """On the variable page (htmx), years the register does not cover keep the form and show
    the refusal at once; a good add shows the badge with its message, used up there."""
    client = verified_client(make_user(Role.RESEARCHER))
    variable = CatalogueVariable.objects.get(
        version__register__short_name="INCOME", name="wage_income"
    )
    url = reverse("data:basket_add", args=[variable.pk])
    refused = client.post(url, {"first_year": 2030, "last_year": 1970}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "In your basket" not in text
    assert "Add to data basket" in text
    assert "There is a problem" in text  # the error summary, linking to the field
    assert "the first year (2030) is after the last (1970)" in text
    assert 'aria-invalid="true"' in text
    assert not BasketItem.objects.filter(variable=variable).exists()
    first = variable.version.first_year
    added = client.post(url, {"first_year": first, "last_year": first}, HTTP_HX_REQUEST="true")
    assert "In your basket" in added.content.decode()
    assert "is in your basket." in added.content.decode()
    later = client.get(reverse("data:basket")).content.decode()
    assert "is in your basket." not in later  # the message was shown on the variable page
