"""The office's rules for safe people, free of Django: each check names the rule it applies.

R2 eligibility by institution kind, R3/R4 business data, R5 no single persons, R7 foreign
institutions, R24 sanction minimum, the researcher agreement's period inside the institution's
authorisation (R8) and allowed networks as CIDR ranges. Functions return `Finding`s (an empty
list means the rule is met) or raise `RuleViolation` where a service must refuse.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date

from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.labels import translated as _
from fivesafes.shared.refusals import Finding

DOMESTIC_COUNTRY = "DK"
MINIMUM_EXCLUSION_YEARS = 3
CERTIFICATION_VALID_DAYS = 365
NOTICE_MONTHS = 3


class InstitutionKind(Labelled):
    UNIVERSITY = "university", gettext_noop("University")
    SECTOR_RESEARCH_INSTITUTE = (
        "sector_research_institute",
        gettext_noop("Sector research institute"),
    )
    MINISTRY_OR_AGENCY = "ministry_or_agency", gettext_noop("Ministry or agency")
    NONPROFIT_FOUNDATION = (
        "nonprofit_foundation",
        gettext_noop("Research organisation of a non-profit foundation"),
    )
    NGO = "ngo", gettext_noop("Non-governmental organisation")
    CONSULTANCY = "consultancy", gettext_noop("Consultancy firm")
    OTHER_ENTERPRISE = "other_enterprise", gettext_noop("Other enterprise")
    FOREIGN = "foreign", gettext_noop("Foreign institution")


PUBLIC_KINDS = frozenset(
    {
        InstitutionKind.UNIVERSITY,
        InstitutionKind.SECTOR_RESEARCH_INSTITUTE,
        InstitutionKind.MINISTRY_OR_AGENCY,
        InstitutionKind.NONPROFIT_FOUNDATION,
    }
)
PRIVATE_KINDS = frozenset(
    {InstitutionKind.NGO, InstitutionKind.CONSULTANCY, InstitutionKind.OTHER_ENTERPRISE}
)


@dataclass(frozen=True)
class InstitutionFacts:
    """What the eligibility rules need to know about an institution."""

    kind: InstitutionKind
    country: str
    has_manager: bool
    researcher_count: int


def eligibility_findings(facts: InstitutionFacts) -> list[Finding]:
    """R2, R5, R7: may this institution be authorised?"""
    findings: list[Finding] = []
    if facts.kind == InstitutionKind.FOREIGN or facts.country.upper() != DOMESTIC_COUNTRY:
        findings.append(
            Finding(
                "R7",
                "country",
                _(
                    "Institutions abroad cannot be authorised; their researchers may be "
                    "affiliated to an authorised domestic institution instead."
                ),
            )
        )
    if facts.kind not in PUBLIC_KINDS | PRIVATE_KINDS | {InstitutionKind.FOREIGN}:
        findings.append(
            Finding(
                "R2",
                "kind",
                _("'%(kind)s' is not an eligible kind.") % {"kind": facts.kind},
            )
        )
    if not facts.has_manager:
        findings.append(
            Finding(
                "R5",
                "manager",
                _(
                    "An institution needs a responsible manager before it can be authorised "
                    "(no authorisation to single persons)."
                ),
            )
        )
    if facts.researcher_count < 2:
        findings.append(
            Finding(
                "R5",
                "researchers",
                _(
                    "An institution needs a group of researchers (at least two) before it can "
                    "be authorised; it has %(count)s."
                )
                % {"count": facts.researcher_count},
            )
        )
    return findings


def may_receive_business_data(kind: InstitutionKind, *, exemption: bool) -> list[Finding]:
    """R3/R4: consultancy firms only with the approver's exemption; other enterprises never."""
    if kind == InstitutionKind.OTHER_ENTERPRISE:
        return [
            Finding(
                "R4",
                "kind",
                _("Other single enterprises cannot get microdata with business data."),
            )
        ]
    if kind == InstitutionKind.CONSULTANCY and not exemption:
        return [
            Finding(
                "R3",
                "exemption",
                _(
                    "Consultancy firms get no microdata with business data unless the approver "
                    "grants an exemption backed by the client's written guarantee."
                ),
            )
        ]
    if kind == InstitutionKind.FOREIGN:
        return [Finding("R7", "kind", _("Institutions abroad get at most fully anonymous data."))]
    return []


def exemption_findings(
    kind: InstitutionKind, *, client_is_public_or_eligible_ngo: bool, has_written_guarantee: bool
) -> list[Finding]:
    """R3: when an approver may grant a consultancy firm the business-data exemption."""
    findings: list[Finding] = []
    if kind != InstitutionKind.CONSULTANCY:
        findings.append(
            Finding(
                "R3", "kind", _("The business-data exemption applies to consultancy firms only.")
            )
        )
    if not client_is_public_or_eligible_ngo:
        findings.append(
            Finding(
                "R3",
                "client_is_public_or_eligible_ngo",
                _(
                    "The exemption needs work for a public authority or an NGO that would "
                    "itself be eligible."
                ),
            )
        )
    if not has_written_guarantee:
        findings.append(
            Finding(
                "R3",
                "guarantee",
                _("The exemption needs the client's written guarantee of correct use, attached."),
            )
        )
    return findings


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


def exclusion_findings(*, starts_on: date, ends_on: date | None, permanent: bool) -> list[Finding]:
    """R24: an exclusion is permanent or lasts at least three years."""
    if permanent:
        if ends_on is not None:
            return [Finding("R24", "ends_on", _("A permanent exclusion has no end date."))]
        return []
    if ends_on is None:
        return [Finding("R24", "ends_on", _("Give an end date, or make the exclusion permanent."))]
    minimum = add_years(starts_on, MINIMUM_EXCLUSION_YEARS)
    if ends_on < minimum:
        return [
            Finding(
                "R24",
                "ends_on",
                _(
                    "An exclusion lasts at least %(years)s years: from %(start)s it may end on "
                    "%(earliest)s at the earliest, not %(end)s."
                )
                % {
                    "years": MINIMUM_EXCLUSION_YEARS,
                    "start": starts_on,
                    "earliest": minimum,
                    "end": ends_on,
                },
            )
        ]
    return []


def withdrawal_findings(*, starts_on: date, ends_on: date | None) -> list[Finding]:
    """R24: an institution's authorisation is withdrawn for a period (a real one)."""
    if ends_on is None or ends_on <= starts_on:
        return [
            Finding(
                "R24",
                "withdrawal_until",
                _(
                    "A withdrawal of the institution's authorisation needs an end date after "
                    "its start."
                ),
            )
        ]
    return []


def period_findings(
    *,
    starts_on: date,
    ends_on: date,
    authorised_from: date | None,
    authorised_until: date | None,
) -> list[Finding]:
    """R8: a researcher agreement's access period lies inside the institution's authorisation."""
    findings: list[Finding] = []
    if ends_on < starts_on:
        findings.append(Finding("R8", "ends_on", _("The access period ends before it starts.")))
    if authorised_from is None or authorised_until is None:
        findings.append(
            Finding(
                "R8",
                "institution",
                _("The institution has no current authorisation, so no agreement can be made."),
            )
        )
        return findings
    if starts_on < authorised_from:
        findings.append(
            Finding(
                "R8",
                "starts_on",
                _(
                    "The access period starts on %(start)s, before the institution's "
                    "authorisation begins (%(from)s)."
                )
                % {"start": starts_on, "from": authorised_from},
            )
        )
    if ends_on > authorised_until:
        findings.append(
            Finding(
                "R8",
                "ends_on",
                _(
                    "The access period ends on %(end)s, after the institution's authorisation "
                    "ends (%(until)s)."
                )
                % {"end": ends_on, "until": authorised_until},
            )
        )
    return findings


def parse_networks(
    text: str,
) -> tuple[list[ipaddress.IPv4Network | ipaddress.IPv6Network], list[Finding]]:
    """R8: allowed IP addresses or CIDR ranges, one per line or comma-separated.

    A host address is taken as a /32 (or /128) range. Host bits set in a range (10.0.0.1/24)
    are refused: the person probably meant something else, so we ask rather than guess.
    """
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    findings: list[Finding] = []
    entries = [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
    if not entries:
        findings.append(
            Finding("R8", "allowed_networks", _("Give at least one allowed IP address or range."))
        )
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=True))
        except ValueError:
            findings.append(
                Finding(
                    "R8",
                    "allowed_networks",
                    _("'%(entry)s' is not a valid IP address or CIDR range (e.g. 192.0.2.0/24).")
                    % {"entry": entry},
                )
            )
    return networks, findings


def address_allowed(address: str | None, networks_text: str) -> bool:
    """Whether `address` lies in one of the allowed networks (invalid entries allow nothing)."""
    if not address:
        return False
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # A dual-stack server sees an IPv4 client as ::ffff:a.b.c.d; the agreement names a.b.c.d.
        ip = ip.ipv4_mapped
    networks, _findings = parse_networks(networks_text)
    return any(ip.version == net.version and ip in net for net in networks)


def certification_passed(correct: int, total: int, pass_mark: float) -> bool:
    """R9: the test is passed with at least `pass_mark` (a fraction) of the answers right."""
    if total <= 0:
        return False
    return correct / total >= pass_mark
