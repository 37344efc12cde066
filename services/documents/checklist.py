"""Which documents a claim needs (DOMAIN.md section 6), from what the form declares."""

from contracts import ClaimForm
from contracts import DocumentType as Doc
from contracts.documents import DOCUMENT_LABELS

_BY_ROLE: dict[str, tuple[Doc, ...]] = {
    "spouse": (Doc.IDENTITY_CARD, Doc.MARRIAGE_CERTIFICATE, Doc.HEIRSHIP_DEED),
    "divorced_parent": (Doc.DIVORCE_DEED,),
    "guardian": (Doc.DEATH_CERTIFICATES, Doc.IDENTITY_CARD, Doc.GUARDIANSHIP_DEED),
    "child": (Doc.IDENTITY_CARD,),
}


def required_documents(form: ClaimForm) -> list[Doc]:
    if form.claimant_type == "insured":
        required = [Doc.IDENTITY_CARD, Doc.BANK_DETAILS]
        if form.mining_activity:
            required.append(Doc.UNDERGROUND_WORK_CERTIFICATE)
    else:
        required = [Doc.SURVIVORS_REQUEST_FORM, Doc.BANK_DETAILS, *_BY_ROLE.get(form.applicant_role, ())]
        required += _children_documents(form)
    if form.force_majeure:
        required.append(Doc.FORCE_MAJEURE_PROOF)
    return list(dict.fromkeys(required))


def _children_documents(form: ClaimForm) -> list[Doc]:
    children = [b for b in form.beneficiaries if b.relation == "child"]
    needed: list[Doc] = [Doc.BIRTH_CERTIFICATE] if children else []
    for child in children:
        if child.apprentice:
            needed.append(Doc.APPRENTICESHIP_CERTIFICATE)
        elif child.in_school:
            needed.append(Doc.SCHOOL_CERTIFICATE)
        if child.sick:
            needed.append(Doc.SICKNESS_CERTIFICATE)
        if child.disabled:
            needed.append(Doc.DISABILITY_CERTIFICATE)
    return needed


def missing_documents(form: ClaimForm, present: set[str]) -> list[str]:
    return [doc.value for doc in required_documents(form) if doc.value not in present]


def checklist(form: ClaimForm) -> list[dict[str, str]]:
    """The documents the claimant is asked for, in order, each named in French and Arabic."""
    return [
        {"doc_type": doc.value, "label_fr": DOCUMENT_LABELS[doc][0], "label_ar": DOCUMENT_LABELS[doc][1]}
        for doc in required_documents(form)
    ]
