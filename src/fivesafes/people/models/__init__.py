"""The models of safe people, one concern per module."""

from fivesafes.people.models.access_generation import AccessGeneration
from fivesafes.people.models.agreement import AgreementSignature, ResearcherAgreement
from fivesafes.people.models.authorisation import (
    Authorisation,
    ClarifyingQuestion,
    SignatureEvent,
)
from fivesafes.people.models.certification import CertificationAttempt, CertificationQuestion
from fivesafes.people.models.institution import Institution
from fivesafes.people.models.researcher import Attachment
from fivesafes.people.models.sanction import Breach, BreachEvidence, Sanction

__all__ = [
    "AccessGeneration",
    "AgreementSignature",
    "Attachment",
    "Authorisation",
    "Breach",
    "BreachEvidence",
    "CertificationAttempt",
    "CertificationQuestion",
    "ClarifyingQuestion",
    "Institution",
    "ResearcherAgreement",
    "Sanction",
    "SignatureEvent",
]
