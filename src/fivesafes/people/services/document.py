"""The agreements as PDFs: the institution's authorisation (Appendix 2) and each researcher's
agreement per project (Appendix 3), generated from the data they are made of
(templates/documents/authorisation.html and researcher_agreement.html).

The terms are the office's standard forms in our own wording. A file is written under a
temporary name and renamed into place, so a reader never sees half a document; its SHA-256 is
what the signature events name. Once signed, a reader downloads the signed copy: the same
document with each party's electronic signature (who, when, that hash) printed on its line.

Every word is in the recipient's language: the terms are marked for the catalogue and
translated when a document is built. A stored document records the language it was written
in, and its signed copy is written in that language, so it reads as the document signed even
if the recipient has since chosen another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes import files
from fivesafes.people.models import (
    AgreementSignature,
    Attachment,
    Authorisation,
    ResearcherAgreement,
    SignatureEvent,
)
from fivesafes.shared.language import in_language, language_of
from fivesafes.shared.pdf import SignatureLine, letterhead, moment, pdf, person

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

TERMS: tuple[str, ...] = (
    gettext_noop(
        "Each project is described in a project description that states its objectives and lets "
        "the office select the data the project needs."
    ),
    gettext_noop(
        "The office decides, from the project and data description, whether remote access can be "
        "granted for the project."
    ),
    gettext_noop(
        "Every researcher given remote access signs a separate researcher agreement with the "
        "office."
    ),
    gettext_noop(
        "All datasets are confidential under the rules on confidentiality in public administration "
        "and criminal law."
    ),
    gettext_noop(
        "Researchers work on the office's research servers from the authorised environment, or "
        "from linked home computers under the office's guidelines."
    ),
    gettext_noop(
        "Only the client software and second factor issued for the purpose may be used; a "
        "connected computer is never left open to others."
    ),
    gettext_noop("Passwords and second factors are personal and strictly confidential."),
    gettext_noop(
        "No dataset, nor any dataset derived from it, may be downloaded directly or indirectly. "
        "Output leaves only through the office's controlled channel, which logs every transfer; "
        "individual records are never printed and output is aggregated so that no person or "
        "enterprise can be identified. No attempt at identification may be made."
    ),
    gettext_noop("The office may make unannounced visits to check that these terms are kept."),
    gettext_noop(
        "The signatory for the environment ensures that its publications identify no person or "
        "enterprise."
    ),
    gettext_noop(
        "The signatory for the environment supervises, or appoints a person to supervise, that "
        "these terms are kept."
    ),
    gettext_noop(
        "A researcher in breach of these terms is excluded from all the office's research schemes "
        "permanently or for no less than three years, and this authorisation is withdrawn for a "
        "period."
    ),
)


def agreement_path(authorisation: Authorisation, digest: str) -> str:
    """Named by case and content: a regenerated document never overwrites a signed one."""
    return f"people/agreements/authorisation-{authorisation.pk}-{digest[:16]}.pdf"


def render_agreement(
    authorisation: Authorisation,
    signatures: Iterable[SignatureEvent] = (),
    *,
    language: str | None = None,
) -> bytes:
    """The authorisation agreement in `language` (else its manager's); with `signatures`, its
    signed copy."""
    institution = authorisation.institution
    written_in = language_of(institution.manager) if language is None else language
    signed = {signature.party: signature for signature in signatures}
    office = letterhead().name
    with in_language(written_in):
        lines = [
            _line(
                _("For %(office)s") % {"office": office},
                signed.get(SignatureEvent.Party.OFFICE),
                office,
            ),
            _line(
                _("For %(institution)s, its responsible manager")
                % {"institution": institution.name},
                signed.get(SignatureEvent.Party.INSTITUTION),
                institution.name,
            ),
        ]
        context = {
            "authorisation": authorisation,
            "institution": institution,
            "manager": person(institution.manager) if institution.manager else _("(not named)"),
            "terms": [_(term) for term in TERMS],
            "signature_lines": lines,
            "signed_copy": bool(signed),
        }
        title = _("Authorisation A-%(case)s") % {"case": authorisation.pk}
    return pdf("documents/authorisation.html", context, title=title, language=written_in)


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
    if not signatures:
        return None
    return render_agreement(authorisation, signatures, language=authorisation.agreement_language)


def store_agreement(authorisation: Authorisation) -> tuple[str, str, str]:
    """Render and store the agreement in its manager's language; returns (storage name,
    sha256, language), the language for the signed copy to be written in."""
    language = language_of(authorisation.institution.manager)
    content = render_agreement(authorisation, language=language)
    digest = hashlib.sha256(content).hexdigest()
    return files.write(agreement_path(authorisation, digest), content), digest, language


RESEARCHER_TERMS: tuple[str, ...] = (
    gettext_noop(
        "The datasets made available are confidential under the rules on confidentiality in public "
        "administration and criminal law."
    ),
    gettext_noop(
        "The researcher works on the data only from the authorised research environment, or from a "
        "linked home computer under the office's guidelines."
    ),
    gettext_noop(
        "A computer connected to the office is never left at the disposal of others; when not in "
        "use it is disconnected."
    ),
    gettext_noop(
        "The personal credentials, the second factor and the token issued for the project are the "
        "researcher's alone and are never passed on."
    ),
    gettext_noop(
        "Neither the data nor any dataset derived from them may be downloaded, directly or "
        "indirectly."
    ),
    gettext_noop(
        "Output (tables, analytical results) leaves only through the office's controlled channel, "
        "which logs every transfer."
    ),
    gettext_noop(
        "Individual records are never printed; output is aggregated so that no person or "
        "enterprise can be identified directly or indirectly, and no attempt at identification "
        "is made."
    ),
    gettext_noop(
        "Nothing that identifies a person or an enterprise is published; publications from the "
        "project are submitted to the office for scrutiny."
    ),
    gettext_noop(
        "The token issued for the project is returned to the office when this agreement ends."
    ),
    gettext_noop(
        "This agreement lapses when the period ends, or when the institution's authorisation it is "
        "made under expires, is withdrawn or changes. Either party may end it at three months' "
        "notice."
    ),
    gettext_noop(
        "A breach of these terms excludes the researcher from all the office's research schemes "
        "permanently or for no less than three years."
    ),
)
AFFILIATE_TERMS: tuple[str, ...] = (
    gettext_noop(
        "The institution's responsible manager accepts responsibility that the affiliated "
        "researcher keeps every rule on access to microdata, and informs the researcher of them."
    ),
    gettext_noop("The affiliated researcher's access passes through the authorised institution."),
    gettext_noop(
        "The institution appoints %(contact)s, who is responsible for all contact between the "
        "affiliated researcher and the office."
    ),
    gettext_noop(
        "All invoices concerning the affiliated researcher are sent to and paid by the authorised "
        "institution, on the institution's terms of invoicing."
    ),
)


def researcher_agreement_path(agreement: ResearcherAgreement, digest: str) -> str:
    return f"people/agreements/researcher-{agreement.pk}-{digest[:16]}.pdf"


def render_researcher_agreement(
    agreement: ResearcherAgreement,
    *,
    affiliated: bool = False,
    contact_person: User | None = None,
    signatures: Iterable[AgreementSignature] = (),
    language: str | None = None,
) -> bytes:
    """Appendix 3 in our words, from the agreement's researcher, project, period and addresses,
    in `language` (else the researcher's); with `signatures`, its signed copy."""
    institution = agreement.authorisation.institution
    written_in = language_of(agreement.researcher) if language is None else language
    who = person(agreement.researcher)
    signed = {signature.party: signature for signature in signatures}
    with in_language(written_in):
        contact = person(contact_person) if contact_person is not None else _("a contact person")
        affiliate_terms = [_(term) % {"contact": contact} for term in AFFILIATE_TERMS]
        lines = [
            _line(
                _("The researcher, %(researcher)s") % {"researcher": who},
                signed.get(AgreementSignature.Party.RESEARCHER),
                institution.name,
            ),
            _line(
                _("For %(institution)s, its responsible manager")
                % {"institution": institution.name},
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
            "terms": [_(term) for term in RESEARCHER_TERMS]
            + (affiliate_terms if affiliated else []),
            "signature_lines": lines,
            "signed_copy": bool(signed),
        }
        title = _("Researcher agreement R-%(agreement)s") % {"agreement": agreement.pk}
    return pdf("documents/researcher_agreement.html", context, title=title, language=written_in)


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
        agreement,
        affiliated=affiliated,
        contact_person=contact_person,
        signatures=signatures,
        language=agreement.document_language,
    )


def store_researcher_agreement(
    agreement: ResearcherAgreement, *, affiliated: bool = False, contact_person: User | None = None
) -> tuple[str, str, str]:
    """Render and store the researcher agreement in the researcher's language; returns
    (storage name, sha256, language), the language for the signed copy to be written in."""
    language = language_of(agreement.researcher)
    content = render_researcher_agreement(
        agreement, affiliated=affiliated, contact_person=contact_person, language=language
    )
    digest = hashlib.sha256(content).hexdigest()
    return files.write(researcher_agreement_path(agreement, digest), content), digest, language
