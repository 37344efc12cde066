"""What a receipt (accusé de dépôt de demande) shows, already decided and checked."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BENEFIT_FR = "Remboursement des cotisations salariales"
BENEFIT_AR = "استرجاع الاشتراكات الأجرية"
SHORT_HASH_LENGTH = 12

ClaimantType = Literal["insured", "survivors"]

CLAIMANT_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "insured": ("Assuré(e)", "المؤمن له"),
    "survivors": ("Ayants droit de l'assuré(e) décédé(e)", "ذوو حقوق المؤمن له المتوفى"),
}


class ReceivedDocument(BaseModel):
    """One document received with the claim, as listed on the receipt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type_code: str = Field(min_length=1, max_length=40)
    label_fr: str = Field(min_length=1)
    label_ar: str = Field(min_length=1)
    pages: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @property
    def short_sha256(self) -> str:
        return self.sha256[:SHORT_HASH_LENGTH]


class ReceiptView(BaseModel):
    """Everything printed on one receipt; rendering adds nothing but layout and translations of labels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    applicant_name: str = Field(min_length=1, max_length=200)
    registration_number: str = Field(pattern=r"^\d{9}$")
    claimant_type: ClaimantType
    benefit_fr: str = BENEFIT_FR
    benefit_ar: str = BENEFIT_AR
    reference: str = Field(min_length=1, max_length=64)
    request_date: date
    documents: tuple[ReceivedDocument, ...] = Field(min_length=1)
    inspection_selected: bool
    verification_code: str = Field(min_length=1, max_length=32)
    verification_url: str = Field(pattern=r"^https://\S+$")

    @property
    def request_date_display(self) -> str:
        return self.request_date.strftime("%d/%m/%Y")

    @property
    def claimant_type_fr(self) -> str:
        return CLAIMANT_TYPE_LABELS[self.claimant_type][0]

    @property
    def claimant_type_ar(self) -> str:
        return CLAIMANT_TYPE_LABELS[self.claimant_type][1]
