"""A realistic receipt view, used to warm up renderers and by the benchmark."""

import hashlib
from datetime import date

from services.receipts.rendering.verification import receipt_claims, short_code, sign
from services.receipts.rendering.view import ClaimantType, ReceiptView, ReceivedDocument

SAMPLE_SIGNING_KEY = b"sample-only-not-a-secret"
VERIFICATION_BASE_URL = "https://www.cnss.ma/taawidaty/verification?t="

SAMPLE_DOCUMENTS = (
    ("CIN", "Carte nationale d'identité", "البطاقة الوطنية للتعريف", 2),
    ("RIB", "Relevé d'identité bancaire", "شهادة التعريف البنكي", 1),
    ("ATT_SAL", "Attestation de salaire", "شهادة الأجر", 3),
)


def sample_view(
    reference: str = "RCS-2026-000123",
    claimant_type: ClaimantType = "insured",
    inspection_selected: bool = False,
) -> ReceiptView:
    documents = tuple(
        ReceivedDocument(
            type_code=code,
            label_fr=label_fr,
            label_ar=label_ar,
            pages=pages,
            sha256=hashlib.sha256(f"{reference}/{code}".encode()).hexdigest(),
        )
        for code, label_fr, label_ar, pages in SAMPLE_DOCUMENTS
    )
    request_date = date(2026, 11, 22)
    registration_number = "123456789"
    token = sign(
        receipt_claims(reference, request_date, registration_number, (d.short_sha256 for d in documents)),
        SAMPLE_SIGNING_KEY,
    )
    return ReceiptView(
        applicant_name="Fatima Zahra EL AMRANI",
        registration_number=registration_number,
        claimant_type=claimant_type,
        reference=reference,
        request_date=request_date,
        documents=documents,
        inspection_selected=inspection_selected,
        verification_code=short_code(token),
        verification_url=VERIFICATION_BASE_URL + token,
    )
