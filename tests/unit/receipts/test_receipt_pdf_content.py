"""What a reader of the PDF finds on the receipt, read back with pdftotext and zbarimg."""

import io

import pypdf

from services.receipts.rendering.verification import verify
from services.receipts.rendering.view import ReceiptView

from .conftest import SIGNING_KEY
from .pdf_tools import arabic_outside_rtl_runs, decoded_qr_codes, flowing_text, page_png, pdf_text, rtl_runs

FRENCH_TEXT = [
    "Royaume du Maroc",
    "Caisse Nationale de Sécurité Sociale",
    "Portail de dématérialisation des prestations du régime général de la CNSS",
    "Accusé de dépôt de demande (*)",
    "Demandeur",
    "Qualité du demandeur",
    "Immatriculé(e) à la CNSS sous le numéro",
    "Prestation demandée",
    "Remboursement des cotisations salariales",
    "Référence de la demande",
    "Date de la demande",
    "Documents reçus",
    "Pages",
    "SHA-256",
    "(*) En cas de contrôle physique, ce document est à joindre à votre dossier physique.",
    "Service client : 080 20 20 109 — www.cnss.ma",
    "Code de vérification",
]
ARABIC_RUNS = [
    "المملكة المغربية",
    "الصندوق الوطني للضمان الاجتماعي",
    "وصل إيداع الطلب",
    "مقدم الطلب",
    "صفة مقدم الطلب",
    "رقم التسجيل بالصندوق",
    "الخدمة المطلوبة",
    "استرجاع الاشتراكات الأجرية",
    "مرجع الطلب",
    "تاريخ الطلب",
    "الوثائق المستلمة",
    "الوثيقة",
    "الصفحات",
    "البصمة الرقمية",
    "(*) في حالة المراقبة الحضورية",
    "يجب إرفاق هذه الوثيقة بملفكم",
    "خدمة العملاء",
    "رمز التحقق",
]
CLAIMANT_TYPE_TEXT = {
    "insured": ("Assuré(e)", "المؤمن له"),
    "survivors": ("Ayants droit de l'assuré(e) décédé(e)", "ذوو حقوق المؤمن له المتوفى"),
}
INSPECTION_FRENCH = [
    "Contrôle physique. Votre demande est sélectionnée pour un contrôle physique.",
    "Présentez-vous à l'agence CNSS de votre choix",
    "muni(e) de votre dossier de demande et du présent accusé de dépôt.",
]
INSPECTION_ARABIC_RUNS = [
    "المراقبة الحضورية",
    "تم اختيار طلبكم لإجراء مراقبة حضورية",
    "مصحوبين بملف طلبكم وبهذا الوصل",
]


def test_every_french_label_and_value_is_printed(view: ReceiptView, pdf: bytes) -> None:
    text = flowing_text(pdf)
    values = [
        view.applicant_name,
        view.registration_number,
        view.reference,
        view.request_date.strftime("%d/%m/%Y"),
        view.verification_code,
        CLAIMANT_TYPE_TEXT[view.claimant_type][0],
    ]
    missing = [expected for expected in FRENCH_TEXT + values if expected not in text]
    assert missing == []


def test_every_arabic_label_is_printed_as_a_right_to_left_run_in_logical_order(view: ReceiptView, pdf: bytes):
    runs = rtl_runs(pdf_text(pdf, layout=True))
    expected = [*ARABIC_RUNS, view.benefit_ar, CLAIMANT_TYPE_TEXT[view.claimant_type][1]]
    assert [phrase for phrase in expected if phrase not in runs] == []
    assert "بلطلا مدقم" not in pdf_text(pdf, layout=True)


def test_no_arabic_letter_is_extracted_outside_a_right_to_left_run(pdf: bytes) -> None:
    text = pdf_text(pdf, layout=True)
    assert rtl_runs(text)
    assert arabic_outside_rtl_runs(text) == ""


def test_the_documents_table_lists_each_document_with_pages_and_short_hash(view: ReceiptView, pdf: bytes):
    lines = pdf_text(pdf, layout=True).splitlines()
    for document in view.documents:
        row = next((line for line in lines if document.sha256[:12] in line), "")
        assert document.type_code in row
        assert document.label_fr in row
        assert f"\u202b{document.label_ar}\u202c" in row
        assert f" {document.pages} " in row
        assert document.sha256[12:20] not in row


def test_the_inspection_notice_is_printed_only_when_the_claim_is_selected(view: ReceiptView, pdf: bytes):
    french = flowing_text(pdf)
    runs = rtl_runs(pdf_text(pdf, layout=True))
    french_found = [sentence in french for sentence in INSPECTION_FRENCH]
    arabic_found = [phrase in runs for phrase in INSPECTION_ARABIC_RUNS]
    assert french_found == [view.inspection_selected] * len(INSPECTION_FRENCH)
    assert arabic_found == [view.inspection_selected] * len(INSPECTION_ARABIC_RUNS)
    assert "(*) En cas de contrôle physique" in french


def test_the_receipt_is_one_a4_page_with_the_request_date_as_its_dates(view: ReceiptView, pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    stamp = f"D:{view.request_date:%Y%m%d}"
    assert reader.metadata["/CreationDate"].startswith(stamp)
    assert reader.metadata["/ModDate"].startswith(stamp)
    assert reader.metadata["/Title"] == f"Accusé de dépôt de demande {view.reference}"


def test_the_qr_code_decodes_to_the_verification_url_whose_token_verifies(view: ReceiptView, pdf: bytes):
    png = page_png(pdf, f"qr-{view.reference}", resolution=200)
    assert decoded_qr_codes(png) == [view.verification_url]
    token = view.verification_url.rsplit("t=", 1)[1]
    claims = verify(token, SIGNING_KEY)
    assert claims["reference"] == view.reference
    assert claims["registration_number"] == view.registration_number


def test_the_first_page_is_rendered_to_a_png_for_review(view: ReceiptView, pdf: bytes) -> None:
    case = f"{view.claimant_type}-{'inspection' if view.inspection_selected else 'plain'}"
    png = page_png(pdf, f"receipt-{case}")
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert (width, height) == (662, 936)
