"""The agreements as PDFs: the institution's authorisation (Appendix 2) and each researcher's
agreement per project (Appendix 3), generated from the data they are made of
(templates/documents/authorisation.html and researcher_agreement.html).

The terms are the office's standard forms in our own wording. A file is written under a
temporary name and renamed into place, so a reader never sees half a document; its SHA-256 is
what the signature events name. Once signed, a reader downloads the signed copy: the same
document with each party's electronic signature (who, when, that hash) printed on its line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fivesafes import files
from fivesafes.people.models import (
    AgreementSignature,
    Attachment,
    Authorisation,
    ResearcherAgreement,
    SignatureEvent,
)
from fivesafes.shared.pdf import SignatureLine, letterhead, moment, pdf, person

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

TERMS: tuple[str, ...] = (
    "Each project is described in a project description that states its objectives and lets "
    "the office select the data the project needs.",
    "The office decides, from the project and data description, whether remote access can be "
    "granted for the project.",
    "Every researcher given remote access signs a separate researcher agreement with the office.",
    "All datasets are confidential under the rules on confidentiality in public administration "
    "and criminal law.",
    "Researchers work on the office's research servers from the authorised environment, or from "
    "linked home computers under the office's guidelines.",
    "Only the client software and second factor issued for the purpose may be used; a connected "
    "computer is never left open to others.",
    "Passwords and second factors are personal and strictly confidential.",
    "No dataset, nor any dataset derived from it, may be downloaded directly or indirectly. "
    "Output leaves only through the office's controlled channel, which logs every transfer; "
    "individual records are never printed and output is aggregated so that no person or "
    "enterprise can be identified. No attempt at identification may be made.",
    "The office may make unannounced visits to check that these terms are kept.",
    "The signatory for the environment ensures that its publications identify no person or "
    "enterprise.",
    "The signatory for the environment supervises, or appoints a person to supervise, that "
    "these terms are kept.",
    "A researcher in breach of these terms is excluded from all the office's research schemes "
    "permanently or for no less than three years, and this authorisation is withdrawn for a "
    "period.",
)


def agreement_path(authorisation: Authorisation, digest: str) -> str:
    """Named by case and content: a regenerated document never overwrites a signed one."""
    return f"people/agreements/authorisation-{authorisation.pk}-{digest[:16]}.pdf"


def render_agreement(
    authorisation: Authorisation, signatures: Iterable[SignatureEvent] = ()
) -> bytes:
    """The authorisation agreement; with `signatures`, its signed copy."""
    institution = authorisation.institution
    signed = {signature.party: signature for signature in signatures}
    office = letterhead().name
    lines = [
        _line(f"For {office}", signed.get(SignatureEvent.Party.OFFICE), office),
        _line(
            f"For {institution.name}, its responsible manager",
            signed.get(SignatureEvent.Party.INSTITUTION),
            institution.name,
        ),
    ]
    context = {
        "authorisation": authorisation,
        "institution": institution,
        "manager": person(institution.manager) if institution.manager else "(not named)",
        "terms": TERMS,
        "signature_lines": lines,
        "signed_copy": bool(signed),
    }
    return pdf(
        "documents/authorisation.html",
        context,
        title=f"Authorisation A-{authorisation.pk}",
        recipient=institution.manager,
    )


def _line(
    party: str, signature: AgreementSignature | SignatureEvent | None, organisation: str
) -> SignatureLine:
    """The signature line of `party`, signed if `signature` is given."""
    if signature is None:
        return SignatureLine(party=party)
    return SignatureLine(
        party=party,
        signer=person(signature.signer),
        organisation=organisation,
        signed_at=moment(signature.signed_at),
        document_sha256=signature.document_sha256,
    )


def signed_agreement(authorisation: Authorisation) -> bytes | None:
    """The signed copy of the authorisation agreement, or None while nobody has signed it."""
    signatures = list(authorisation.signatures.select_related("signer"))
    return render_agreement(authorisation, signatures) if signatures else None


def store_agreement(authorisation: Authorisation) -> tuple[str, str]:
    """Render and store the agreement; returns (storage name, sha256)."""
    content = render_agreement(authorisation)
    digest = hashlib.sha256(content).hexdigest()
    return files.write(agreement_path(authorisation, digest), content), digest


RESEARCHER_TERMS: tuple[str, ...] = (
    "The datasets made available are confidential under the rules on confidentiality in public "
    "administration and criminal law.",
    "The researcher works on the data only from the authorised research environment, or from a "
    "linked home computer under the office's guidelines.",
    "A computer connected to the office is never left at the disposal of others; when not in "
    "use it is disconnected.",
    "The personal credentials, the second factor and the token issued for the project are the "
    "researcher's alone and are never passed on.",
    "Neither the data nor any dataset derived from them may be downloaded, directly or indirectly.",
    "Output (tables, analytical results) leaves only through the office's controlled channel, "
    "which logs every transfer.",
    "Individual records are never printed; output is aggregated so that no person or enterprise "
    "can be identified directly or indirectly, and no attempt at identification is made.",
    "Nothing that identifies a person or an enterprise is published; publications from the "
    "project are submitted to the office for scrutiny.",
    "The token issued for the project is returned to the office when this agreement ends.",
    "This agreement lapses when the period ends, or when the institution's authorisation it is "
    "made under expires, is withdrawn or changes. Either party may end it at three months' "
    "notice.",
    "A breach of these terms excludes the researcher from all the office's research schemes "
    "permanently or for no less than three years.",
)
AFFILIATE_TERMS: tuple[str, ...] = (
    "The institution's responsible manager accepts responsibility that the affiliated "
    "researcher keeps every rule on access to microdata, and informs the researcher of them.",
    "The affiliated researcher's access passes through the authorised institution.",
    "The institution appoints {contact}, who is responsible for all contact between the "
    "affiliated researcher and the office.",
    "All invoices concerning the affiliated researcher are sent to and paid by the authorised "
    "institution, on the institution's terms of invoicing.",
)


def researcher_agreement_path(agreement: ResearcherAgreement, digest: str) -> str:
    return f"people/agreements/researcher-{agreement.pk}-{digest[:16]}.pdf"


def render_researcher_agreement(
    agreement: ResearcherAgreement,
    *,
    affiliated: bool = False,
    contact_person: User | None = None,
    signatures: Iterable[AgreementSignature] = (),
) -> bytes:
    """Appendix 3 in our words, from the agreement's researcher, project, period and addresses;
    with `signatures`, its signed copy."""
    institution = agreement.authorisation.institution
    who = person(agreement.researcher)
    contact = person(contact_person) if contact_person is not None else "a contact person"
    affiliate_terms = [term.format(contact=contact) for term in AFFILIATE_TERMS]
    signed = {signature.party: signature for signature in signatures}
    lines = [
        _line(
            f"The researcher, {who}",
            signed.get(AgreementSignature.Party.RESEARCHER),
            institution.name,
        ),
        _line(
            f"For {institution.name}, its responsible manager",
            signed.get(AgreementSignature.Party.INSTITUTION),
            institution.name,
        ),
    ]
    context = {
        "agreement": agreement,
        "authorisation": agreement.authorisation,
        "institution": institution,
        "project": agreement.project,
        "researcher": who,
        "addresses": ", ".join(line for line in agreement.allowed_networks.split() if line),
        "terms": list(RESEARCHER_TERMS) + (affiliate_terms if affiliated else []),
        "signature_lines": lines,
        "signed_copy": bool(signed),
    }
    return pdf(
        "documents/researcher_agreement.html",
        context,
        title=f"Researcher agreement R-{agreement.pk}",
        recipient=agreement.researcher,
    )


def affiliation_of(agreement: ResearcherAgreement) -> tuple[bool, User | None]:
    """Whether the agreement's researcher is affiliated (a foreign researcher) with the
    institution it is made under, and the contact person the institution appointed."""
    affiliation = (
        Attachment.objects.filter(
            researcher_id=agreement.researcher_id,
            institution_id=agreement.authorisation.institution_id,
            kind=Attachment.Kind.AFFILIATED,
        )
        .select_related("contact_person")
        .first()
    )
    return affiliation is not None, affiliation.contact_person if affiliation else None


def signed_researcher_agreement(agreement: ResearcherAgreement) -> bytes | None:
    """The signed copy of the researcher agreement, or None while nobody has signed it."""
    signatures = list(agreement.signatures.select_related("signer"))
    if not signatures:
        return None
    affiliated, contact_person = affiliation_of(agreement)
    return render_researcher_agreement(
        agreement, affiliated=affiliated, contact_person=contact_person, signatures=signatures
    )


def store_researcher_agreement(
    agreement: ResearcherAgreement, *, affiliated: bool = False, contact_person: User | None = None
) -> tuple[str, str]:
    """Render and store the researcher agreement; returns (storage name, sha256)."""
    content = render_researcher_agreement(
        agreement, affiliated=affiliated, contact_person=contact_person
    )
    digest = hashlib.sha256(content).hexdigest()
    return files.write(researcher_agreement_path(agreement, digest), content), digest
