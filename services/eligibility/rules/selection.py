"""Selection of a validated claim for a physical inspection (DOMAIN.md section 7): the pure rules.

The random draw is `int.from_bytes(HMAC-SHA256(secret, reference)[:8], "big") / 2**64`, compared exactly (as a
fraction) with the rate, so it is reproducible for audit and unpredictable without the secret. Every rule that
fires is listed, and `RANDOM` too when the draw selects the claim, whatever the rules said.
"""

import hashlib
import hmac
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Filer(StrEnum):
    """Who filed the claim: the insured, a survivor, or someone on the children's behalf."""

    INSURED = "insured"
    SPOUSE = "spouse"
    CHILD = "child"
    DIVORCED_PARENT = "divorced_parent"
    GUARDIAN = "guardian"


class InspectionReason(StrEnum):
    """Why a claim is inspected: one code per rule, and `RANDOM` for the keyed draw."""

    AMOUNT_ABOVE_LIMIT = "AMOUNT_ABOVE_LIMIT"
    MINER_EARLY_CLAIM = "MINER_EARLY_CLAIM"
    FORCE_MAJEURE = "FORCE_MAJEURE"
    FILED_BY_REPRESENTATIVE = "FILED_BY_REPRESENTATIVE"
    SEVERAL_SPOUSES = "SEVERAL_SPOUSES"
    FLAGGED_DOCUMENT = "FLAGGED_DOCUMENT"
    CLAIM_AFTER_REFUSAL = "CLAIM_AFTER_REFUSAL"
    RANDOM = "RANDOM"


class SwitchRule(BaseModel):
    """A rule that is on or off."""

    model_config = _FROZEN
    enabled: bool = True


class AmountRule(SwitchRule):
    """Selects a claim whose amount is strictly above `limit`."""

    limit: Decimal = Decimal("100000.00")


class MinerAgeRule(SwitchRule):
    """Selects a miner claiming between `min_age` and `max_age` (both included)."""

    min_age: int = 55
    max_age: int = 59


class FilerRule(SwitchRule):
    """Selects a claim filed by one of `filers` on someone else's behalf."""

    filers: frozenset[Filer] = frozenset({Filer.DIVORCED_PARENT, Filer.GUARDIAN})


class CountRule(SwitchRule):
    """Selects a claim when a count reaches `minimum`."""

    minimum: int = Field(default=1, ge=1)


class InspectionRules(BaseModel):
    """Every selection rule with its own switch and threshold."""

    model_config = _FROZEN

    amount_above_limit: AmountRule = AmountRule()
    miner_early_claim: MinerAgeRule = MinerAgeRule()
    force_majeure: SwitchRule = SwitchRule()
    filed_by_representative: FilerRule = FilerRule()
    several_spouses: CountRule = CountRule(minimum=2)
    flagged_document: CountRule = CountRule(minimum=1)
    claim_after_refusal: SwitchRule = SwitchRule()


class InspectionFacts(BaseModel):
    """What the rules look at in a validated claim."""

    model_config = _FROZEN

    reference: str = Field(min_length=1)
    amount: Decimal = Decimal("0.00")
    is_miner: bool = False
    age_at_filing: int = Field(default=0, ge=0)
    force_majeure: bool = False
    filed_by: Filer = Filer.INSURED
    spouse_count: int = Field(default=0, ge=0)
    flagged_documents: int = Field(default=0, ge=0)
    refused_before: bool = False


class SelectionReason(BaseModel):
    """A rule code, or `RANDOM` with the drawn value and the rate it was compared with."""

    model_config = _FROZEN

    code: InspectionReason
    drawn: float | None = None
    rate: Decimal | None = None


class Selection(BaseModel):
    """Whether the claim is inspected, and every reason; the draw is kept even when it did not select."""

    model_config = _FROZEN

    reference: str
    selected: bool
    reasons: tuple[SelectionReason, ...]
    drawn: float
    rate: Decimal


def fired_rules(facts: InspectionFacts, rules: InspectionRules) -> list[InspectionReason]:
    """The codes of the enabled rules that select this claim, in rule order."""
    checks = {
        InspectionReason.AMOUNT_ABOVE_LIMIT: (
            rules.amount_above_limit,
            facts.amount > rules.amount_above_limit.limit,
        ),
        InspectionReason.MINER_EARLY_CLAIM: (
            rules.miner_early_claim,
            facts.is_miner
            and rules.miner_early_claim.min_age <= facts.age_at_filing <= rules.miner_early_claim.max_age,
        ),
        InspectionReason.FORCE_MAJEURE: (rules.force_majeure, facts.force_majeure),
        InspectionReason.FILED_BY_REPRESENTATIVE: (
            rules.filed_by_representative,
            facts.filed_by in rules.filed_by_representative.filers,
        ),
        InspectionReason.SEVERAL_SPOUSES: (
            rules.several_spouses,
            facts.spouse_count >= rules.several_spouses.minimum,
        ),
        InspectionReason.FLAGGED_DOCUMENT: (
            rules.flagged_document,
            facts.flagged_documents >= rules.flagged_document.minimum,
        ),
        InspectionReason.CLAIM_AFTER_REFUSAL: (rules.claim_after_refusal, facts.refused_before),
    }
    return [code for code, (rule, fires) in checks.items() if rule.enabled and fires]


def random_draw(secret: str, reference: str) -> Fraction:
    """The claim's draw in [0, 1): the first 8 bytes of HMAC-SHA256(secret, reference), big-endian, / 2**64."""
    digest = hmac.new(secret.encode(), reference.encode(), hashlib.sha256).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64)


def select(facts: InspectionFacts, rules: InspectionRules, random_rate: Decimal, secret: str) -> Selection:
    """Every enabled rule that fires, plus `RANDOM` when the keyed draw falls below `random_rate`."""
    reasons = [SelectionReason(code=code) for code in fired_rules(facts, rules)]
    drawn = random_draw(secret, facts.reference)
    if drawn < Fraction(random_rate):
        reasons.append(SelectionReason(code=InspectionReason.RANDOM, drawn=float(drawn), rate=random_rate))
    return Selection(
        reference=facts.reference,
        selected=bool(reasons),
        reasons=tuple(reasons),
        drawn=float(drawn),
        rate=random_rate,
    )
