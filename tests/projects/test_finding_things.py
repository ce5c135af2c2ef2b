"""Finding things (issue 16, item 10): population criteria suggest any catalogue variable as one
types, not only the basket's, and the exact REGISTER.variable spelling still works; members are
found by name and institution, and added by a full name as well as by a user name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fivesafes.policy.permissions import Role
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import population
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client


def _options(html: str) -> dict[str, str]:
    return dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>', html))


def test_criteria_suggest_any_catalogue_variable_as_one_types(pw, draft) -> None:
    from fivesafes.data.models import CatalogueVariable

    persons = pw.variables["income"].version
    CatalogueVariable.objects.create(
        version=persons,
        name="municipality",
        position=9,
        label_en="Municipality of residence",
        label_da="Bopælskommune",
        data_type="string",
        role="attribute",
        search_text="municipality municipality of residence bopælskommune",
    )
    client = verified_client(pw.researcher)
    page = client.get(reverse("projects:wizard", args=[draft.pk, "population"])).text
    suggest = reverse("data:variable_suggestions")
    assert f'hx-get="{suggest}"' in page and 'hx-target="#population-variables"' in page

    # words from the label find a variable that is in no basket; so does the register's prefix
    found = _options(client.get(suggest, {"variable": "residence"}).text)
    assert found == {"persons.municipality": "Municipality of residence"}
    assert "firms.turnover" in _options(client.get(suggest, {"variable": "firms.tu"}).text)
    by_prefix = _options(client.get(suggest, {"variable": "persons.b"}).text)
    assert list(by_prefix) == ["persons.birth_date"]
    assert _options(client.get(suggest, {"variable": "r"}).text) == {}  # too short to search

    # the suggested (and exactly spelled) name is what the criterion takes
    response = client.post(
        reverse("projects:add_criterion", args=[draft.pk]),
        {"variable": "persons.municipality", "operator": "in", "values": "101", "on": "2015-01-01"},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert "persons.municipality" in population.definition_of(draft).variables


def test_members_are_found_by_name_and_institution_and_added_by_full_name(
    pw, draft, make_user
) -> None:
    from fivesafes.people.services import researchers

    jens = make_user(Role.RESEARCHER, username="jj42")
    jens.full_name = "Jens Juul"
    jens.save(update_fields=["full_name"])
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=jens)
    namesake = make_user(Role.RESEARCHER, username="jj77")
    namesake.full_name = "Jens Juul"
    namesake.save(update_fields=["full_name"])
    outsider = make_user(Role.OUTPUT_CHECKER, username="olga")
    outsider.full_name = "Olga Juul"
    outsider.save(update_fields=["full_name"])

    client = verified_client(pw.researcher)
    page = client.get(reverse("projects:wizard", args=[draft.pk, "people"])).text
    suggest = reverse("projects:member_suggestions")
    assert f'hx-get="{suggest}"' in page and '<datalist id="member-suggestions">' in page

    institution = pw.institution.name
    by_institution = _options(client.get(suggest, {"username": institution.split()[0]}).text)
    assert by_institution["jj42"] == f"Jens Juul, {institution}"
    assert "jj77" not in by_institution  # attached nowhere
    by_name = _options(client.get(suggest, {"username": "juul"}).text)
    assert by_name == {"jj42": f"Jens Juul, {institution}", "jj77": "Jens Juul"}  # no checkers
    assert _options(client.get(suggest, {"username": "juul " + institution}).text) == {
        "jj42": f"Jens Juul, {institution}"
    }

    # two people share the name: the full name alone is refused, saying what to do
    response = client.post(
        reverse("projects:add_member", args=[draft.pk]), {"username": "jens juul"}
    )
    assert "More than one person is named &#x27;jens juul&#x27;" in response.text
    assert not draft.members.filter(person__in=[jens, namesake]).exists()
    # the picked suggestion (the user name) adds the one meant; a unique full name works too
    client.post(reverse("projects:add_member", args=[draft.pk]), {"username": "jj42"})
    me = make_user(Role.RESEARCHER, username="kk")
    me.full_name = "Karen Kirk"
    me.save(update_fields=["full_name"])
    service.add_member(actor=pw.researcher, application=draft, username="karen kirk")
    assert set(draft.members.values_list("person__username", flat=True)) >= {"jj42", "kk"}
    page = client.get(reverse("projects:wizard", args=[draft.pk, "people"])).text
    assert "Jens Juul" in page and "Karen Kirk" in page
    with pytest.raises(RuleViolation, match="No person is named 'Nobody Here'"):
        service.add_member(actor=pw.researcher, application=draft, username="Nobody Here")


def test_only_applicants_search_people(make_user) -> None:
    rikke = make_user(Role.RESEARCHER, username="rr")
    rikke.full_name = "Rikke Rask"
    rikke.save(update_fields=["full_name"])
    checker = verified_client(make_user(Role.OUTPUT_CHECKER))
    response = checker.get(reverse("projects:member_suggestions"), {"username": "rikke"})
    assert response.status_code == 403
    assert "Rikke Rask" not in response.text and 'value="rr"' not in response.text
