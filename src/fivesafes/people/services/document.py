"""The authorisation agreement as a PDF, generated from the institution's data (Appendix 2).

The terms are the office's standard form in our own wording. The file is written under a
temporary name and renamed into place, so a reader never sees half a document.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from io import BytesIO
from pathlib import Path

from django.core.files.storage import default_storage
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from fivesafes.people.models import Authorisation

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
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        title=f"Authorisation A-{authorisation.pk}",
        author="fivesafes research service",
    )
    story = [
        Paragraph("AUTHORISATION", styles["Title"]),
        Paragraph("The statistics office hereby grants", styles["Normal"]),
        Spacer(1, 6),
        Paragraph(f"<b>{institution.name}</b>", styles["Heading2"]),
        Paragraph(
            f"{institution.get_kind_display()}, {institution.country}"
            + (f"; recognised by {institution.recognition}" if institution.recognition else ""),
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
            f"Responsible manager: {institution.manager or '(not named)'}. "
            f"Period: {authorisation.valid_from} to {authorisation.valid_until}. "
            "Either party may terminate this agreement at three months' notice.",
            styles["Normal"],
        ),
    ]
    if authorisation.business_data_exemption:
        story.append(
            Paragraph(
                "Exemption (R3): business data may be used for the client named in the "
                f"exemption decision: {authorisation.exemption_reason}",
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
            f"For {institution.name}: ______________________  date: ________", styles["Normal"]
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def store_agreement(authorisation: Authorisation) -> tuple[str, str]:
    """Render and store the agreement; returns (storage name, sha256)."""
    content = render_agreement(authorisation)
    digest = hashlib.sha256(content).hexdigest()
    name = agreement_path(authorisation, digest)
    target = Path(default_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return name, digest
