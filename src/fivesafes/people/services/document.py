"""The agreements as PDFs: the institution's authorisation (Appendix 2) and each researcher's
agreement per project (Appendix 3), generated from the data they are made of.

The terms are the office's standard forms in our own wording. A file is written under a
temporary name and renamed into place, so a reader never sees half a document; its SHA-256 is
what the signature events name.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import ListFlowable, ListItem, Paragraph, Spacer

from fivesafes import files
from fivesafes.people.models import Authorisation, ResearcherAgreement
from fivesafes.shared.pdf import pdf

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


def render_agreement(authorisation: Authorisation) -> bytes:
    institution = authorisation.institution
    styles = getSampleStyleSheet()
    story = [
        Paragraph("AUTHORISATION", styles["Title"]),
        Paragraph("The statistics office hereby grants", styles["Normal"]),
        Spacer(1, 6),
        Paragraph(f"<b>{escape(institution.name)}</b>", styles["Heading2"]),
        Paragraph(
            escape(
                f"{institution.get_kind_display()}, {institution.country}"
                + (f"; recognised by {institution.recognition}" if institution.recognition else "")
            ),
            styles["Normal"],
        ),
        Spacer(1, 6),
        Paragraph(
            "authorisation for remote electronic access to selected datasets, on these terms:",
            styles["Normal"],
        ),
        ListFlowable(
            [ListItem(Paragraph(term, styles["Normal"])) for term in TERMS],
            bulletType="1",
        ),
        Spacer(1, 8),
        Paragraph(
            f"Responsible manager: {escape(str(institution.manager or '(not named)'))}. "
            f"Period: {authorisation.valid_from} to {authorisation.valid_until}. "
            "Either party may terminate this agreement at three months' notice.",
            styles["Normal"],
        ),
    ]
    if authorisation.business_data_exemption:
        story.append(
            Paragraph(
                "Exemption (R3): business data may be used for the client named in the "
                f"exemption decision: {escape(authorisation.exemption_reason)}",
                styles["Normal"],
            )
        )
    story += [
        Spacer(1, 24),
        Paragraph(
            "For the statistics office: ______________________  date: ________", styles["Normal"]
        ),
        Spacer(1, 18),
        Paragraph(
            f"For {escape(institution.name)}: ______________________  date: ________",
            styles["Normal"],
        ),
    ]
    return pdf(f"Authorisation A-{authorisation.pk}", story)


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
    agreement: ResearcherAgreement, *, affiliated: bool = False, contact_person: User | None = None
) -> bytes:
    """Appendix 3 in our words, from the agreement's researcher, project, period and addresses."""
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    project = agreement.project
    authorisation = agreement.authorisation
    institution = authorisation.institution
    researcher = agreement.researcher
    who = getattr(researcher, "full_name", "") or researcher.get_username()
    addresses = [line for line in agreement.allowed_networks.split() if line]
    contact = (
        (getattr(contact_person, "full_name", "") or contact_person.get_username())
        if contact_person is not None
        else "a contact person"
    )
    affiliate_terms = [escape(term.format(contact=contact)) for term in AFFILIATE_TERMS]
    terms = list(RESEARCHER_TERMS) + (affiliate_terms if affiliated else [])
    story = [
        Paragraph("RESEARCHER AGREEMENT", styles["Title"]),
        Paragraph(f"Agreement R-{agreement.pk} between the statistics office and", normal),
        Spacer(1, 6),
        Paragraph(
            f"<b>{escape(who)}</b> ({escape(researcher.get_username())})", styles["Heading2"]
        ),
        Paragraph(
            "on access by remote connection to selected datasets for the research project",
            normal,
        ),
        Spacer(1, 6),
        Paragraph(f"<b>{escape(project.number)} {escape(project.title)}</b>", styles["Heading3"]),
        Paragraph(
            escape(
                f"under the authorisation of {institution.name} (case A-{authorisation.pk}, "
                f"{authorisation.valid_from} to {authorisation.valid_until})."
            ),
            normal,
        ),
        Spacer(1, 8),
        Paragraph(f"Access period: {agreement.starts_on} to {agreement.ends_on}.", normal),
        Paragraph(
            "Allowed IP addresses or ranges: " + escape(", ".join(addresses) or "(none)") + ".",
            normal,
        ),
        Spacer(1, 8),
        Paragraph("The agreement is subject to these terms:", normal),
        ListFlowable([ListItem(Paragraph(term, normal)) for term in terms], bulletType="1"),
        Spacer(1, 24),
        Paragraph(f"The researcher, {escape(who)}: ______________________  date: ________", normal),
        Spacer(1, 18),
        Paragraph(
            f"For {escape(institution.name)}, its responsible manager: "
            "______________________  date: ________",
            normal,
        ),
    ]
    return pdf(f"Researcher agreement R-{agreement.pk}", story)


def store_researcher_agreement(
    agreement: ResearcherAgreement, *, affiliated: bool = False, contact_person: User | None = None
) -> tuple[str, str]:
    """Render and store the researcher agreement; returns (storage name, sha256)."""
    content = render_researcher_agreement(
        agreement, affiliated=affiliated, contact_person=contact_person
    )
    digest = hashlib.sha256(content).hexdigest()
    return files.write(researcher_agreement_path(agreement, digest), content), digest
