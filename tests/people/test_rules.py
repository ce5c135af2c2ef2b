"""The framework-free rules core: each rule refuses what it should and names itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivesafes.people import rules
from fivesafes.people.rules import InstitutionFacts, InstitutionKind
from fivesafes.shared.refusals import Finding, RuleViolation, refuse_if


def facts(kind=InstitutionKind.UNIVERSITY, country="DK", manager=True, researchers=3):
    return InstitutionFacts(
        kind=kind, country=country, has_manager=manager, researcher_count=researchers
    )


def test_a_domestic_university_with_manager_and_group_is_eligible() -> None:
    assert rules.eligibility_findings(facts()) == []


@pytest.mark.parametrize("kind", sorted(rules.PRIVATE_KINDS))
def test_private_kinds_are_eligible_with_a_stable_environment(kind) -> None:
    assert rules.eligibility_findings(facts(kind=kind)) == []


def test_foreign_institutions_cannot_be_authorised_r7() -> None:
    found = rules.eligibility_findings(facts(kind=InstitutionKind.FOREIGN, country="SE"))
    assert [f.rule for f in found] == ["R7"]
    assert [f.rule for f in rules.eligibility_findings(facts(country="NO"))] == ["R7"]


def test_single_persons_are_not_authorised_r5() -> None:
    found = rules.eligibility_findings(facts(manager=False, researchers=1))
    assert {(f.rule, f.field) for f in found} == {("R5", "manager"), ("R5", "researchers")}


def test_business_data_r3_r4() -> None:
    assert rules.may_receive_business_data(InstitutionKind.UNIVERSITY, exemption=False) == []
    assert rules.may_receive_business_data(InstitutionKind.CONSULTANCY, exemption=True) == []
    assert (
        rules.may_receive_business_data(InstitutionKind.CONSULTANCY, exemption=False)[0].rule
        == "R3"
    )
    # R4: an exemption does not help other enterprises
    assert (
        rules.may_receive_business_data(InstitutionKind.OTHER_ENTERPRISE, exemption=True)[0].rule
        == "R4"
    )


def test_exemption_needs_consultancy_public_client_and_written_guarantee() -> None:
    ok = rules.exemption_findings(
        InstitutionKind.CONSULTANCY,
        client_is_public_or_eligible_ngo=True,
        has_written_guarantee=True,
    )
    assert ok == []
    missing = rules.exemption_findings(
        InstitutionKind.CONSULTANCY,
        client_is_public_or_eligible_ngo=True,
        has_written_guarantee=False,
    )
    assert [(f.rule, f.field) for f in missing] == [("R3", "guarantee")]


# Generous settings: on a busy test machine input generation can be slow; the property holds.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    days=st.integers(min_value=0, max_value=4000),
)
def test_exclusion_is_at_least_three_years_r24(start, days) -> None:
    end = start + timedelta(days=days)
    found = rules.exclusion_findings(starts_on=start, ends_on=end, permanent=False)
    three_years = rules.add_years(start, 3)
    assert (found == []) == (end >= three_years)
    if found:
        assert found[0].rule == "R24" and found[0].field == "ends_on"


def test_permanent_exclusion_has_no_end_and_a_period_needs_one() -> None:
    day = date(2026, 11, 22)
    assert rules.exclusion_findings(starts_on=day, ends_on=None, permanent=True) == []
    assert rules.exclusion_findings(starts_on=day, ends_on=None, permanent=False)[0].rule == "R24"
    assert (
        rules.exclusion_findings(starts_on=day, ends_on=date(2040, 1, 1), permanent=True)[0].rule
        == "R24"
    )


def test_leap_day_plus_three_years() -> None:
    assert rules.add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_agreement_period_inside_the_authorisation_r8() -> None:
    kwargs = {"authorised_from": date(2026, 1, 1), "authorised_until": date(2028, 12, 31)}
    assert (
        rules.period_findings(starts_on=date(2026, 2, 1), ends_on=date(2027, 1, 31), **kwargs) == []
    )
    late = rules.period_findings(starts_on=date(2026, 2, 1), ends_on=date(2029, 1, 31), **kwargs)
    assert [(f.rule, f.field) for f in late] == [("R8", "ends_on")]
    early = rules.period_findings(starts_on=date(2025, 2, 1), ends_on=date(2026, 3, 1), **kwargs)
    assert [(f.rule, f.field) for f in early] == [("R8", "starts_on")]
    none = rules.period_findings(
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 3, 1),
        authorised_from=None,
        authorised_until=None,
    )
    assert none[0].field == "institution"


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("192.0.2.10", True),
        ("192.0.2.0/24", True),
        ("2001:db8::/32", True),
        ("192.0.2.0/24, 198.51.100.7", True),
        ("192.0.2.1/24", False),  # host bits set
        ("192.0.2.0/33", False),
        ("300.1.1.1", False),
        ("the office", False),
        ("", False),
    ],
)
def test_cidr_validation(text, valid) -> None:
    _networks, found = rules.parse_networks(text)
    assert (found == []) is valid
    if not valid:
        assert found[0].rule == "R8" and found[0].field == "allowed_networks"


@PROPERTY
@given(st.ip_addresses(v=4), st.integers(min_value=8, max_value=32))
def test_address_allowed_matches_the_network(ip, prefix) -> None:
    import ipaddress

    net = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    assert rules.address_allowed(str(ip), str(net))
    outside = net.broadcast_address + 1 if int(net.broadcast_address) < 2**32 - 1 else None
    if outside is not None:
        assert not rules.address_allowed(str(outside), str(net))


def test_no_address_is_never_allowed() -> None:
    assert not rules.address_allowed(None, "0.0.0.0/0")
    assert not rules.address_allowed("127.0.0.1", "not a range")


def test_an_ipv4_client_seen_by_a_dual_stack_server_is_matched() -> None:
    """REMOTE_ADDR is ::ffff:192.0.2.7 when an IPv6 socket accepts an IPv4 client (R8)."""
    assert rules.address_allowed("::ffff:192.0.2.7", "192.0.2.0/24")
    assert rules.address_allowed("::ffff:c000:207", "192.0.2.0/24")
    assert not rules.address_allowed("::ffff:198.51.100.7", "192.0.2.0/24")
    assert rules.address_allowed("2001:db8::7", "2001:db8::/32")


def test_pass_mark() -> None:
    assert rules.certification_passed(8, 10, 0.8)
    assert not rules.certification_passed(7, 10, 0.8)
    assert not rules.certification_passed(0, 0, 0.8)


def test_rule_violation_names_the_rule() -> None:
    with pytest.raises(RuleViolation, match="R24") as caught:
        refuse_if([Finding("R24", "ends_on", "too short")])
    assert caught.value.field == "ends_on"
