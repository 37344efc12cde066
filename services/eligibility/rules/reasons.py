"""Reason codes of a decision, the outcome they lead to, and their explanations in French and Arabic."""

from enum import StrEnum


class ReasonCode(StrEnum):
    """Why a claim is not simply eligible. Declaration order is the order reasons are listed in."""

    AGE_NOT_REACHED = "AGE_NOT_REACHED"
    STILL_EMPLOYED = "STILL_EMPLOYED"
    PENSION_RIGHTS = "PENSION_RIGHTS"
    HAS_PENSION = "HAS_PENSION"
    THIRD_PARTY_ACCIDENT = "THIRD_PARTY_ACCIDENT"
    OTHER_SCHEME = "OTHER_SCHEME"
    ALREADY_REFUNDED = "ALREADY_REFUNDED"
    NO_ELIGIBLE_BENEFICIARY = "NO_ELIGIBLE_BENEFICIARY"
    EVENT_BEFORE_2000 = "EVENT_BEFORE_2000"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    FORCE_MAJEURE_REVIEW = "FORCE_MAJEURE_REVIEW"
    INSURED_UNKNOWN = "INSURED_UNKNOWN"
    REGISTRY_DATA_MISSING = "REGISTRY_DATA_MISSING"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    MANUAL_REVIEW = "manual_review"


REVIEW_REASONS = frozenset(
    {ReasonCode.FORCE_MAJEURE_REVIEW, ReasonCode.INSURED_UNKNOWN, ReasonCode.REGISTRY_DATA_MISSING}
)
_ORDER = {code: position for position, code in enumerate(ReasonCode)}

_EXPLANATIONS: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.AGE_NOT_REACHED: (
        "L'âge requis (60 ans, ou 55 ans pour un mineur justifiant de 5 années de travail au fond) "
        "n'est pas atteint à la date de la demande.",
        "لم يبلغ المؤمن له السن المطلوبة (60 سنة، أو 55 سنة بالنسبة للعامل في المناجم الذي قضى 5 سنوات "
        "من العمل في باطن الأرض) في تاريخ تقديم الطلب.",
    ),
    ReasonCode.STILL_EMPLOYED: (
        "L'assuré n'a pas cessé toute activité salariée.",
        "لم يتوقف المؤمن له عن مزاولة كل نشاط مأجور.",
    ),
    ReasonCode.PENSION_RIGHTS: (
        "Les jours de cotisation atteignent le seuil de la période : l'assuré a droit à une pension, "
        "non à un remboursement.",
        "بلغت أيام الاشتراك الحد المطلوب في الفترة: يستحق المؤمن له معاشا وليس استرجاع الاشتراكات.",
    ),
    ReasonCode.HAS_PENSION: (
        "L'assuré bénéficie ou a droit à une pension d'invalidité ou de vieillesse.",
        "يستفيد المؤمن له أو له الحق في معاش الزمانة أو معاش الشيخوخة.",
    ),
    ReasonCode.THIRD_PARTY_ACCIDENT: (
        "Une pension de survivants est due à la suite d'un accident causé par un tiers.",
        "معاش المتوفى عنهم مستحق على إثر حادثة تسبب فيها الغير.",
    ),
    ReasonCode.OTHER_SCHEME: (
        "L'assuré a des droits dans un autre régime de retraite de base, ou à une pension par coordination "
        "ou totalisation.",
        "للمؤمن له حقوق في نظام أساسي آخر للتقاعد، أو في معاش عن طريق التنسيق أو تجميع الفترات.",
    ),
    ReasonCode.ALREADY_REFUNDED: (
        "Un remboursement a déjà été versé pour cet assuré ; il n'est versé qu'une fois.",
        "سبق صرف استرجاع الاشتراكات لهذا المؤمن له، ولا يُصرف إلا مرة واحدة.",
    ),
    ReasonCode.NO_ELIGIBLE_BENEFICIARY: (
        "Aucun ayant droit listé ne remplit les conditions à la date du décès.",
        "لا يستوفي أي من ذوي الحقوق المذكورين الشروط في تاريخ الوفاة.",
    ),
    ReasonCode.EVENT_BEFORE_2000: (
        "L'événement (âge de la retraite ou décès) est antérieur au 1er janvier 2000 : pas de remboursement.",
        "وقع الحدث (بلوغ سن التقاعد أو الوفاة) قبل فاتح يناير 2000: لا حق في الاسترجاع.",
    ),
    ReasonCode.DEADLINE_PASSED: (
        "La demande a été déposée après la date limite.",
        "قُدّم الطلب بعد انقضاء الأجل المحدد.",
    ),
    ReasonCode.FORCE_MAJEURE_REVIEW: (
        "Demande tardive avec un cas de force majeure déclaré : un agent examine le dossier.",
        "طلب متأخر مع التصريح بحالة قوة قاهرة: يدرس أحد الأعوان الملف.",
    ),
    ReasonCode.INSURED_UNKNOWN: (
        "Le numéro d'immatriculation ne correspond à aucun assuré connu : un agent examine le dossier.",
        "رقم التسجيل لا يطابق أي مؤمن له معروف: يدرس أحد الأعوان الملف.",
    ),
    ReasonCode.REGISTRY_DATA_MISSING: (
        "Des données de carrière manquent dans le registre : un agent examine le dossier.",
        "بعض معطيات المسار المهني غير متوفرة في السجل: يدرس أحد الأعوان الملف.",
    ),
}


# The conditions of DOMAIN.md section 3 judged on an insured's own claim, in listing order (the survivors' ones,
# the third-party accident and the eligible beneficiary, are left out), and their wording once met.
INSURED_CONDITIONS = (
    ReasonCode.AGE_NOT_REACHED,
    ReasonCode.STILL_EMPLOYED,
    ReasonCode.PENSION_RIGHTS,
    ReasonCode.HAS_PENSION,
    ReasonCode.OTHER_SCHEME,
    ReasonCode.ALREADY_REFUNDED,
    ReasonCode.EVENT_BEFORE_2000,
    ReasonCode.DEADLINE_PASSED,
)

_MET: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.AGE_NOT_REACHED: (
        "L'âge requis (60 ans, ou 55 ans pour un mineur justifiant de 5 années de travail au fond) est atteint.",
        "بلغ المؤمن له السن المطلوبة (60 سنة، أو 55 سنة بالنسبة للعامل في المناجم الذي قضى 5 سنوات "
        "من العمل في باطن الأرض).",
    ),
    ReasonCode.STILL_EMPLOYED: (
        "L'assuré a cessé toute activité salariée.",
        "توقف المؤمن له عن مزاولة كل نشاط مأجور.",
    ),
    ReasonCode.PENSION_RIGHTS: (
        "Les jours de cotisation restent sous le seuil de la période : pas de pension, le remboursement est possible.",
        "أيام الاشتراك دون الحد المطلوب في الفترة: لا حق في المعاش، ويمكن استرجاع الاشتراكات.",
    ),
    ReasonCode.HAS_PENSION: (
        "L'assuré ne bénéficie d'aucune pension d'invalidité ou de vieillesse et n'y a pas droit.",
        "لا يستفيد المؤمن له من معاش الزمانة أو معاش الشيخوخة وليس له الحق فيهما.",
    ),
    ReasonCode.THIRD_PARTY_ACCIDENT: (
        "Aucune pension de survivants n'est due à la suite d'un accident causé par un tiers.",
        "لا يستحق أي معاش للمتوفى عنهم على إثر حادثة تسبب فيها الغير.",
    ),
    ReasonCode.OTHER_SCHEME: (
        "L'assuré n'a de droits dans aucun autre régime de retraite de base, ni à une pension par coordination "
        "ou totalisation.",
        "ليس للمؤمن له أي حق في نظام أساسي آخر للتقاعد، ولا في معاش عن طريق التنسيق أو تجميع الفترات.",
    ),
    ReasonCode.ALREADY_REFUNDED: (
        "Aucun remboursement n'a encore été versé pour cet assuré.",
        "لم يسبق صرف استرجاع الاشتراكات لهذا المؤمن له.",
    ),
    ReasonCode.NO_ELIGIBLE_BENEFICIARY: (
        "Au moins un ayant droit listé remplit les conditions à la date du décès.",
        "يستوفي واحد على الأقل من ذوي الحقوق المذكورين الشروط في تاريخ الوفاة.",
    ),
    ReasonCode.EVENT_BEFORE_2000: (
        "L'événement (âge de la retraite ou décès) date du 1er janvier 2000 ou après.",
        "وقع الحدث (بلوغ سن التقاعد أو الوفاة) في فاتح يناير 2000 أو بعده.",
    ),
    ReasonCode.DEADLINE_PASSED: (
        "La date limite de dépôt n'est pas dépassée.",
        "لم ينقض أجل تقديم الطلب.",
    ),
}


def describe_condition(code: ReasonCode | str, met: bool) -> dict[str, str]:
    """A condition in plain words, met or not: `{"fr": ..., "ar": ...}`. A review reason (force majeure, unknown
    insured, missing data) is never met: asking for it met raises KeyError."""
    if not met:
        return explain(code)
    french, arabic = _MET[ReasonCode(code)]
    return {"fr": french, "ar": arabic}


def explain(code: ReasonCode | str) -> dict[str, str]:
    """The explanation of a reason code: `{"fr": ..., "ar": ...}`. Raises ValueError for an unknown code."""
    french, arabic = _EXPLANATIONS[ReasonCode(code)]
    return {"fr": french, "ar": arabic}


def in_listing_order(codes: set[ReasonCode]) -> tuple[ReasonCode, ...]:
    return tuple(sorted(codes, key=_ORDER.__getitem__))


def outcome_for(reasons: tuple[ReasonCode, ...]) -> Outcome:
    """Any failing condition makes the claim ineligible; otherwise a review reason sends it to an agent."""
    if any(code not in REVIEW_REASONS for code in reasons):
        return Outcome.INELIGIBLE
    if reasons:
        return Outcome.MANUAL_REVIEW
    return Outcome.ELIGIBLE
