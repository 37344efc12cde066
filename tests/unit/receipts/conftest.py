import hashlib
from datetime import date

import pytest

from services.receipts.rendering.render import render_pdf
from services.receipts.rendering.verification import receipt_claims, short_code, sign
from services.receipts.rendering.view import ReceiptView, ReceivedDocument

SIGNING_KEY = b"unit-test-signing-key"
VERIFICATION_BASE_URL = "https://www.cnss.ma/taawidaty/verification?t="

DOCUMENTS = {
    "insured": (
        ("CIN", "Carte nationale d'identité", "البطاقة الوطنية للتعريف", 2),
        ("RIB", "Relevé d'identité bancaire", "شهادة التعريف البنكي", 1),
    ),
    "survivors": (
        ("DEATH_CERT", "Acte de décès", "شهادة الوفاة", 1),
        ("HEIRS_DEED", "Acte d'hérédité", "رسم الإراثة", 4),
        ("RIB", "Relevé d'identité bancaire", "شهادة التعريف البنكي", 1),
    ),
}
APPLICANTS = {"insured": "Youssef BENANI", "survivors": "Khadija OUAZZANI"}
REGISTRATION_NUMBERS = {"insured": "104938275", "survivors": "200381946"}


def make_view(claimant_type: str, inspection_selected: bool) -> ReceiptView:
    reference = f"TW-2026-{'I' if claimant_type == 'insured' else 'S'}{int(inspection_selected)}0042"
    request_date = date(2026, 11, 22) if claimant_type == "insured" else date(2026, 3, 7)
    documents = tuple(
        ReceivedDocument(
            type_code=code,
            label_fr=label_fr,
            label_ar=label_ar,
            pages=pages,
            sha256=hashlib.sha256(f"{reference}:{code}".encode()).hexdigest(),
        )
        for code, label_fr, label_ar, pages in DOCUMENTS[claimant_type]
    )
    token = sign(
        receipt_claims(
            reference, request_date, REGISTRATION_NUMBERS[claimant_type], [d.short_sha256 for d in documents]
        ),
        SIGNING_KEY,
    )
    return ReceiptView(
        applicant_name=APPLICANTS[claimant_type],
        registration_number=REGISTRATION_NUMBERS[claimant_type],
        claimant_type=claimant_type,
        reference=reference,
        request_date=request_date,
        documents=documents,
        inspection_selected=inspection_selected,
        verification_code=short_code(token),
        verification_url=VERIFICATION_BASE_URL + token,
    )


CASES = [("insured", False), ("insured", True), ("survivors", False), ("survivors", True)]
CASE_IDS = ["insured", "insured-inspection", "survivors", "survivors-inspection"]


@pytest.fixture(scope="session", params=CASES, ids=CASE_IDS)
def view(request: pytest.FixtureRequest) -> ReceiptView:
    return make_view(*request.param)


@pytest.fixture(scope="session")
def pdf(view: ReceiptView) -> bytes:
    return render_pdf(view)
