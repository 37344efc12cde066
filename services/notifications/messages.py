"""The SMS texts in the claimant's language (French or Arabic), and how many parts they take on the air."""

from datetime import date
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
        return (
            f"الضمان الاجتماعي: تم قبول طلبكم {reference}. المبلغ: {amount:.2f} درهم. المعالجة خلال أسبوع على الأكثر."
        )
    money = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"CNSS: votre demande {reference} est acceptée. Montant: {money} MAD. Traitement en une semaine au plus."


def inspection(language: Language, reference: str) -> str:
    if language == "ar":
        return (
            f"الضمان الاجتماعي: طلبكم {reference} خاضع للمراقبة الحضورية. "
            f"توجهوا إلى وكالة من اختياركم مع ملفكم ووصل الإيداع."
        )
    return (
        f"CNSS: demande {reference} retenue pour contrôle physique. Venez à l'agence de votre choix "
        f"avec dossier et accusé de dépôt."
    )


def missing_documents(language: Language, reference: str, doc_types: list[str]) -> str:
    index = 1 if language == "ar" else 0
    names = ("، " if language == "ar" else ", ").join(DOCUMENT_LABELS.get(t, (t, t))[index] for t in doc_types)
    if language == "ar":
        return f"الضمان الاجتماعي: طلبكم {reference} غير مكتمل. الوثائق الناقصة: {names}."
    return f"CNSS: demande {reference} incomplète. Documents manquants: {names}."


# The main reason of a refusal in a few plain words, by reason code (DOMAIN.md section 3): (French, Arabic). The
# French ones keep to the GSM-7 alphabet (no â, ê, ô, ç: not even "dépôt"), so the French SMS fits in one part.
REFUSAL_REASONS: dict[str, tuple[str, str]] = {
    "AGE_NOT_REACHED": ("60 ans (55 si mineur) non atteints", "السن المطلوبة غير مبلوغة"),
    "STILL_EMPLOYED": ("activité salariée pas encore cessée", "النشاط المأجور لم يتوقف"),
    "PENSION_RIGHTS": ("jours cotisés suffisants: droit à une pension", "أيام الاشتراك تخول الحق في معاش"),
    "HAS_PENSION": ("une pension est déjà servie ou due", "معاش مصروف أو مستحق"),
    "THIRD_PARTY_ACCIDENT": ("pension due après un accident causé par un tiers", "معاش مستحق إثر حادثة سببها الغير"),
    "OTHER_SCHEME": ("droits dans un autre régime de retraite", "حقوق في نظام تقاعد آخر"),
    "ALREADY_REFUNDED": ("remboursement déjà versé une fois", "سبق صرف الاسترجاع"),
    "NO_ELIGIBLE_BENEFICIARY": ("aucun ayant droit ne remplit les conditions", "لا أحد من ذوي الحقوق يستوفي الشروط"),
    "EVENT_BEFORE_2000": ("retraite ou décès avant l'an 2000", "التقاعد أو الوفاة قبل سنة 2000"),
    "DEADLINE_PASSED": ("demande déposée après la date limite", "قدم الطلب بعد انقضاء الأجل"),
    "FORCE_MAJEURE_REVIEW": ("cas de force majeure non retenu", "حالة القوة القاهرة غير مقبولة"),
    "INSURED_UNKNOWN": ("numéro d'immatriculation inconnu", "رقم التسجيل غير معروف"),
    "REGISTRY_DATA_MISSING": ("données de carrière incomplètes", "معطيات المسار المهني ناقصة"),
    # an agent's reasons (contracts.agents)
    "IDENTITY_NOT_CONFIRMED": ("identité non confirmée", "تعذر التأكد من الهوية"),
    "DOCUMENTS_NOT_AUTHENTIC": ("documents non authentiques", "وثائق غير صحيحة"),
    "DECLARATION_INACCURATE": ("déclaration inexacte", "تصريح غير مطابق للواقع"),
    "INSPECTION_NOT_ATTENDED": ("absence au rendez-vous en agence", "عدم الحضور إلى المراقبة الحضورية"),
}
_UNLISTED_REASON = ("conditions non remplies", "الشروط غير مستوفاة")


def refusal(language: Language, reference: str, reason: str | None, explanation: str = "") -> str:
    """The refusal SMS: its main reason in a few words (a code without a short wording: the decision's own
    explanation, else "conditions not met") and where to ask about it."""
    index = 1 if language == "ar" else 0
    if reason in REFUSAL_REASONS:
        words = REFUSAL_REASONS[reason][index]
    elif explanation := explanation.strip().rstrip("."):
        words = explanation[:1].lower() + explanation[1:]
    else:
        words = _UNLISTED_REASON[index]
    if language == "ar":
        return (
            f"الضمان الاجتماعي: رفض طلبكم {reference}. السبب: {words}. "
            f"للاستفسار: وكالة الضمان الاجتماعي مع وصل الإيداع أو 080 20 20 109."
        )
    return f"CNSS: demande {reference} refusée: {words}. Infos: agence CNSS avec votre accusé, ou 080 20 20 109."


def invitation(language: Language, deadline: date, portal_url: str) -> str:
    day = deadline.strftime("%d/%m/%Y")
    if language == "ar":
        return (
            f"الضمان الاجتماعي: يحق لكم طلب استرجاع اشتراكاتكم الأجرية قبل {day}. "
            f"قدموا طلبكم عبر {portal_url} . لإيقاف هذه الرسائل أرسلوا STOP."
        )
    return (
        f"CNSS: vous pouvez demander le remboursement de vos cotisations salariales avant le {day}. "
        f"Demande en ligne: {portal_url} . STOP pour ne plus recevoir ces messages."
    )


def reminder(language: Language, reference: str, deadline: date, portal_url: str) -> str:
    day = deadline.strftime("%d/%m/%Y")
    if language == "ar":
        return (
            f"الضمان الاجتماعي: طلبكم {reference} لم يكتمل بعد. أكملوه وصادقوا عليه قبل {day} عبر {portal_url} ، "
            f"وإلا سقط حقكم في الاسترجاع."
        )
    return (
        f"CNSS: votre demande {reference} n'est pas terminée. Complétez-la et validez-la avant le {day} sur "
        f"{portal_url} , sinon le droit au remboursement sera perdu."
    )


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
