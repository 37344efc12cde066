"""The SMS texts in the claimant's language (French or Arabic), and how many parts they take on the air."""

from decimal import Decimal
from typing import Literal

from contracts.documents import DOCUMENT_LABELS

Language = Literal["fr", "ar"]

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")


def acceptance(language: Language, reference: str, amount: Decimal) -> str:
    if language == "ar":
        return (f"الضمان الاجتماعي: تم قبول طلبكم {reference}. المبلغ: {amount:.2f} درهم. "
                f"المعالجة خلال أسبوع على الأكثر.")
    money = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return (f"CNSS: votre demande {reference} est acceptée. Montant: {money} MAD. "
            f"Traitement en une semaine au plus.")


def inspection(language: Language, reference: str) -> str:
    if language == "ar":
        return (f"الضمان الاجتماعي: طلبكم {reference} خاضع للمراقبة الحضورية. "
                f"توجهوا إلى وكالة من اختياركم مع ملفكم ووصل الإيداع.")
    return (f"CNSS: demande {reference} retenue pour contrôle physique. Venez à l'agence de votre choix "
            f"avec dossier et accusé de dépôt.")


def missing_documents(language: Language, reference: str, doc_types: list[str]) -> str:
    index = 1 if language == "ar" else 0
    names = ("، " if language == "ar" else ", ").join(DOCUMENT_LABELS.get(t, (t, t))[index] for t in doc_types)
    if language == "ar":
        return f"الضمان الاجتماعي: طلبكم {reference} غير مكتمل. الوثائق الناقصة: {names}."
    return f"CNSS: demande {reference} incomplète. Documents manquants: {names}."


def needs_ucs2(text: str) -> bool:
    return any(ch not in GSM7_BASIC and ch not in GSM7_EXTENDED for ch in text)


def count_parts(text: str) -> int:
    """UCS-2: 70 characters, 67 a part when concatenated; GSM-7: 160 (153), extended characters count twice."""
    if needs_ucs2(text):
        units, single, multi = len(text.encode("utf-16-be")) // 2, 70, 67
    else:
        units, single, multi = len(text) + sum(ch in GSM7_EXTENDED for ch in text), 160, 153
    return 1 if units <= single else -(-units // multi)


def fit_to_parts(text: str, max_parts: int) -> str:
    """The text, cut with "..." when it would take more than `max_parts` parts (a long missing-documents list)."""
    if count_parts(text) <= max_parts:
        return text
    cut = len(text)
    while cut > 0 and count_parts(text[:cut] + "...") > max_parts:
        cut -= 1
    return text[:cut].rstrip() + "..."
