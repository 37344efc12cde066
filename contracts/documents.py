"""Outcome of the documents service's checks."""

from enum import StrEnum
from typing import Literal

from contracts.claims import ClaimDetails
from contracts.envelope import Contract, Event


class DocumentType(StrEnum):
    IDENTITY_CARD = "identity_card"
    BANK_DETAILS = "bank_details"
    UNDERGROUND_WORK_CERTIFICATE = "underground_work_certificate"
    SURVIVORS_REQUEST_FORM = "survivors_request_form"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    HEIRSHIP_DEED = "heirship_deed"
    DIVORCE_DEED = "divorce_deed"
    CUSTODY_CERTIFICATE = "custody_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"
    SCHOOL_CERTIFICATE = "school_certificate"
    APPRENTICESHIP_CERTIFICATE = "apprenticeship_certificate"
    SICKNESS_CERTIFICATE = "sickness_certificate"
    DISABILITY_CERTIFICATE = "disability_certificate"
    DEATH_CERTIFICATES = "death_certificates"
    GUARDIANSHIP_DEED = "guardianship_deed"
    FORCE_MAJEURE_PROOF = "force_majeure_proof"


class VerifiedDocument(Contract):
    document_id: str
    doc_type: str
    bucket: str
    object_key: str
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: int
    pages: int
    sha256: str
    flags: tuple[str, ...] = ()
    """What the checks found worth an agent's look (active PDF content, an edited photo); not a rejection."""


class RejectedDocument(Contract):
    document_id: str
    doc_type: str
    reason: str


class DocumentsVerified(Event):
    """Every required document is present and passed the checks."""

    type: Literal["documents.verified"] = "documents.verified"
    claim: ClaimDetails
    documents: tuple[VerifiedDocument, ...]


class DocumentsIncomplete(Event):
    """The claim goes back to the claimant: documents are missing or were rejected."""

    type: Literal["documents.incomplete"] = "documents.incomplete"
    claim: ClaimDetails
    missing: tuple[str, ...] = ()
    rejected: tuple[RejectedDocument, ...] = ()
    documents: tuple[VerifiedDocument, ...] = ()


DOCUMENT_LABELS: dict[str, tuple[str, str]] = {
    DocumentType.IDENTITY_CARD: ("Copie de la CNI ou du titre de séjour", "نسخة من البطاقة الوطنية أو بطاقة الإقامة"),
    DocumentType.BANK_DETAILS: ("RIB ou chèque barré", "شهادة التعريف البنكي أو شيك مسطر"),
    DocumentType.UNDERGROUND_WORK_CERTIFICATE: (
        "Attestation de 5 ans de travail au fond",
        "شهادة العمل في باطن الأرض لمدة 5 سنوات",
    ),
    DocumentType.SURVIVORS_REQUEST_FORM: ("Formulaire de demande des ayants droit", "مطبوع طلب ذوي الحقوق"),
    DocumentType.MARRIAGE_CERTIFICATE: ("Acte de mariage", "عقد الزواج"),
    DocumentType.HEIRSHIP_DEED: ("Acte d'hérédité", "رسم الإراثة"),
    DocumentType.DIVORCE_DEED: ("Acte de divorce", "رسم الطلاق"),
    DocumentType.CUSTODY_CERTIFICATE: ("Attestation de garde", "شهادة الحضانة"),
    DocumentType.BIRTH_CERTIFICATE: ("Extrait d'acte de naissance", "مستخرج من رسم الولادة"),
    DocumentType.SCHOOL_CERTIFICATE: ("Certificat de scolarité", "شهادة مدرسية"),
    DocumentType.APPRENTICESHIP_CERTIFICATE: ("Certificat d'apprentissage", "شهادة التدريب المهني"),
    DocumentType.SICKNESS_CERTIFICATE: ("Certificat médical du spécialiste", "شهادة طبية من طبيب مختص"),
    DocumentType.DISABILITY_CERTIFICATE: ("Certificat médical d'invalidité", "شهادة طبية تثبت الإعاقة"),
    DocumentType.DEATH_CERTIFICATES: ("Actes de décès des deux parents", "رسما وفاة الأبوين"),
    DocumentType.GUARDIANSHIP_DEED: ("Acte de tutelle", "رسم التقديم أو الوصاية"),
    DocumentType.FORCE_MAJEURE_PROOF: ("Justificatif de force majeure", "وثيقة تثبت القوة القاهرة"),
}
"""French and Arabic names of each document, for the portal, the receipt and the SMS."""
