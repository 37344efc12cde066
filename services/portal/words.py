"""The words pages use for the services' codes (statuses, timeline events, refusal codes of a file). French is
the source text; `_()` in the templates translates it."""

from services.portal.forms import N_

CLAIM_STATUS = {
    "draft": N_("Brouillon, pas encore validée"),
    "returned": N_("À compléter : des documents manquent ou ont été refusés"),
    "submitted": N_("Validée, en cours de vérification"),
    "decided": N_("Décision prise"),
    "under_inspection": N_("En attente du contrôle physique"),
    "accepted": N_("Acceptée"),
    "refused": N_("Refusée"),
}

TIMELINE_EVENT = {
    "submitted": N_("Demande validée et reçue"),
    "documents_verified": N_("Documents vérifiés"),
    "documents_incomplete": N_("Documents manquants ou refusés : la demande vous est renvoyée"),
    "decided": N_("Décision prise"),
    "selected_for_inspection": N_("Demande retenue pour un contrôle physique"),
    "receipt_issued": N_("Accusé de dépôt disponible"),
    "inspection_passed": N_("Contrôle physique réussi"),
    "inspection_failed": N_("Contrôle physique non concluant"),
    "accepted": N_("Demande acceptée"),
    "sms_queued": N_("SMS en préparation"),
    "sms_sent": N_("SMS envoyé"),
    "sms_delivered": N_("SMS reçu sur votre téléphone"),
    "sms_failed": N_("SMS non remis"),
}

DECISION_OUTCOME = {
    "eligible": N_("Éligible"),
    "ineligible": N_("Non éligible"),
    "manual_review": N_("À examiner par un agent"),
}

FILE_REFUSAL = {
    "empty_file": N_("Le fichier est vide."),
    "file_too_large": N_("Le fichier dépasse la taille maximale."),
    "claim_too_large": N_("Les documents de la demande dépassent ensemble la taille maximale."),
    "not_allowed_type": N_("Ce fichier n'est pas un PDF, un JPEG ou un PNG, quel que soit son nom."),
    "pdf_encrypted": N_("Le PDF est protégé par un mot de passe : envoyez-le sans protection."),
    "pdf_truncated": N_("Le PDF est incomplet ou endommagé."),
    "pdf_unreadable": N_("Le PDF ne peut pas être lu."),
    "pdf_no_pages": N_("Le PDF ne contient aucune page."),
    "too_many_pages": N_("Le PDF a trop de pages."),
    "image_too_large": N_("L'image est trop grande (trop de pixels)."),
    "image_truncated": N_("L'image est incomplète ou endommagée."),
    "image_unreadable": N_("L'image ne peut pas être lue."),
    "infected": N_("Le fichier contient un virus."),
    "unavailable": N_("Le fichier n'a pas pu être vérifié pour le moment : renvoyez-le dans quelques minutes."),
}
FILE_REFUSED = N_("Le fichier a été refusé.")

APPLICANT_ROLE = {
    "insured": N_("Assuré"),
    "spouse": N_("Conjoint de l'assuré"),
    "child": N_("Enfant de l'assuré"),
    "divorced_parent": N_("Parent divorcé ayant la garde des enfants"),
    "guardian": N_("Tuteur des enfants orphelins"),
}
