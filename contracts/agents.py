"""What agents do to a claim (the back office), and the agencies claimants choose for an inspection."""

from typing import Literal

from pydantic import Field

from contracts.claims import ClaimDetails
from contracts.eligibility import ReasonExplanation
from contracts.envelope import Event

# CNSS agencies a claimant may choose for an inspection, and an agent belongs to (`agency` attribute): (fr, ar).
AGENCIES: dict[str, tuple[str, str]] = {
    "CASA-ANFA": ("Casablanca Anfa", "الدار البيضاء أنفا"),
    "CASA-HAY-MOHAMMADI": ("Casablanca Hay Mohammadi", "الدار البيضاء الحي المحمدي"),
    "RABAT-AGDAL": ("Rabat Agdal", "الرباط أكدال"),
    "FES-SAISS": ("Fès Saïss", "فاس سايس"),
    "MARRAKECH-GUELIZ": ("Marrakech Guéliz", "مراكش جليز"),
    "TANGER-MEDINA": ("Tanger Médina", "طنجة المدينة"),
    "AGADIR-TALBORJT": ("Agadir Talborjt", "أكادير تالبرجت"),
    "OUJDA-CENTRE": ("Oujda Centre", "وجدة المركز"),
}

# Why an agent refuses a claim, in plain words for the claimant: (fr, ar). The rules' codes an agent confirms get
# a refusal's wording here (the rules' own explanations say the claim goes to an agent).
AGENT_REFUSAL_REASONS: dict[str, tuple[str, str]] = {
    "FORCE_MAJEURE_REVIEW": (
        "Le cas de force majeure invoqué pour le retard n'a pas été retenu.",
        "لم تُقبل حالة القوة القاهرة المصرح بها لتبرير التأخر.",
    ),
    "INSURED_UNKNOWN": (
        "Le numéro d'immatriculation ne correspond à aucun assuré connu.",
        "رقم التسجيل لا يطابق أي مؤمن له معروف.",
    ),
    "REGISTRY_DATA_MISSING": (
        "Les données de carrière nécessaires manquent dans le registre.",
        "معطيات المسار المهني اللازمة غير متوفرة في السجل.",
    ),
    "DEADLINE_PASSED": ("La demande a été déposée après la date limite.", "قُدّم الطلب بعد انقضاء الأجل المحدد."),
    "IDENTITY_NOT_CONFIRMED": ("L'identité du demandeur n'a pas pu être confirmée.", "تعذر التأكد من هوية مقدم الطلب."),
    "DOCUMENTS_NOT_AUTHENTIC": ("Les documents présentés ne sont pas authentiques.", "الوثائق المقدمة غير صحيحة."),
    "DECLARATION_INACCURATE": (
        "Les informations déclarées ne correspondent pas à la réalité.",
        "المعلومات المصرح بها لا تطابق الواقع.",
    ),
    "INSPECTION_NOT_ATTENDED": (
        "Le demandeur ne s'est pas présenté au contrôle physique.",
        "لم يحضر مقدم الطلب إلى المراقبة الحضورية.",
    ),
}
# Codes of the rules an agent may confirm when refusing a claim in manual review (DOMAIN.md section 3).
RULE_REFUSAL_REASONS = ("FORCE_MAJEURE_REVIEW", "INSURED_UNKNOWN", "REGISTRY_DATA_MISSING", "DEADLINE_PASSED")
INSPECTION_FAILURE_REASONS = (
    "IDENTITY_NOT_CONFIRMED",
    "DOCUMENTS_NOT_AUTHENTIC",
    "DECLARATION_INACCURATE",
    "INSPECTION_NOT_ATTENDED",
)
REVIEW_REFUSAL_REASONS = (
    *RULE_REFUSAL_REASONS,
    "IDENTITY_NOT_CONFIRMED",
    "DOCUMENTS_NOT_AUTHENTIC",
    "DECLARATION_INACCURATE",
)

AgentId = str  # the agent's username at the identity provider


class ReviewDecided(Event):
    """An agent decided a claim in manual review. An acceptance above the configured amount waits for a second
    agent's `ReviewApproved` (both on `Topic.REVIEWS`). `inspection_pending`: the claim was selected for an
    inspection, which comes after the acceptance."""

    type: Literal["review.decided"] = "review.decided"
    agent_id: AgentId = Field(min_length=1, max_length=64)
    agency: str | None = Field(default=None, max_length=64)
    outcome: Literal["accept", "refuse"]
    reasons: tuple[str, ...] = Field(default=(), max_length=10)
    justification: str = Field(default="", max_length=2000)
    needs_approval: bool = False
    inspection_pending: bool = False


class ReviewApproved(Event):
    """A second agent approved an acceptance that needed it (four eyes)."""

    type: Literal["review.approved"] = "review.approved"
    agent_id: AgentId = Field(min_length=1, max_length=64)
    agency: str | None = Field(default=None, max_length=64)
    review_event_id: str = Field(min_length=1, max_length=64)
    inspection_pending: bool = False


class ClaimRefused(Event):
    """The refund is refused by a person: an agent's review, or a failed inspection."""

    type: Literal["claim.refused"] = "claim.refused"
    claim: ClaimDetails
    reasons: tuple[str, ...]
    explanations: tuple[ReasonExplanation, ...] = ()
    agent_id: AgentId = Field(min_length=1, max_length=64)
