"""The words pages use for the services' codes (statuses, timeline events, refusal codes of a file). French is
the source text; `_()` in the templates translates it."""

from services.portal.forms import N_

CLAIM_STATUS = {
    "draft": N_("Brouillon, pas encore validée"),
    "returned": N_("À compléter : des documents manquent ou ont été refusés"),
    "submitted": N_("Validée, en cours de vérification"),
    "decided": N_("Décision prise"),
    "under_inspection": N_("En attente du contrôle physique"),
    "manual_review": N_("En cours d'examen par un agent"),
    "awaiting_approval": N_("En attente de l'approbation d'un second agent"),
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
    "review_accepted": N_("Dossier examiné par un agent : acceptation"),
    "review_refused": N_("Dossier examiné par un agent : refus"),
    "review_approved": N_("Acceptation approuvée par un second agent"),
    "refused": N_("Demande refusée"),
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

# The back office (agents' pages)
QUEUE = {
    "inspection": N_("Contrôles physiques en attente de résultat"),
    "manual_review": N_("Dossiers à examiner"),
    "approval": N_("Acceptations à approuver"),
    "returned": N_("Dossiers renvoyés pour documents"),
}
QUEUE_HINT = {
    "inspection": N_(
        "Demandes retenues pour un contrôle physique : enregistrez le résultat après le passage du demandeur."
    ),
    "manual_review": N_("Demandes que les règles ne tranchent pas : acceptez-les ou refusez-les, motifs à l'appui."),
    "approval": N_("Acceptations d'un collègue au-dessus du seuil : un second agent doit les approuver."),
    "returned": N_("Demandes renvoyées au demandeur pour des documents, sans réponse depuis plus de %(days)s jours."),
}

# Where a claim stands against its one-week decision deadline (the claims service's `decision_clock`)
DECISION_CLOCK = {
    "past": N_("Délai dépassé"),
    "close": N_("Échéance proche"),
    "on_time": N_("Dans les délais"),
    "paused": N_("Délai suspendu : en attente du demandeur"),
}

# Why the rules selected a claim for a physical inspection (eligibility service's codes); RANDOM is worded apart
INSPECTION_REASON = {
    "AMOUNT_ABOVE_LIMIT": N_("Montant au-dessus du plafond fixé pour les contrôles"),
    "MINER_EARLY_CLAIM": N_("Mineur demandant le remboursement avant l'âge normal"),
    "FORCE_MAJEURE": N_("Demande tardive pour un cas de force majeure"),
    "FILED_BY_REPRESENTATIVE": N_("Demande déposée par un représentant (parent divorcé ou tuteur)"),
    "SEVERAL_SPOUSES": N_("Plusieurs conjoints déclarés"),
    "FLAGGED_DOCUMENT": N_("Document signalé pour examen"),
    "CLAIM_AFTER_REFUSAL": N_("Nouvelle demande après un refus"),
}
RANDOM_DRAW = N_("Tirage au sort : valeur tirée %(drawn)s, pour un taux de %(rate)s")

# Why the rules left a claim to an agent (decision reason codes of a claim in manual review)
REVIEW_REASON = {
    "FORCE_MAJEURE_REVIEW": N_("Demande tardive avec un cas de force majeure déclaré"),
    "INSURED_UNKNOWN": N_("Assuré inconnu du registre"),
    "REGISTRY_DATA_MISSING": N_("Données de carrière manquantes dans le registre"),
}

# What the documents service noticed in a file: worth a look, never a rejection
DOCUMENT_FLAG = {
    "pdf_javascript": N_("Le PDF contient du code JavaScript"),
    "pdf_launch_action": N_("Le PDF tente de lancer un programme"),
    "pdf_embedded_file": N_("Le PDF contient un fichier joint"),
    "pdf_rich_media": N_("Le PDF contient un contenu multimédia"),
    "pdf_xfa_form": N_("Le PDF contient un formulaire dynamique (XFA)"),
    "pdf_automatic_action": N_("Le PDF contient une action automatique"),
    "image_edited": N_("La photo a été enregistrée par un logiciel de retouche"),
}

AUDIT_ACTION = {
    "claim_viewed": N_("Dossier consulté"),
    "document_viewed": N_("Document ouvert"),
    "inspection_recorded": N_("Résultat de contrôle enregistré"),
    "review_decided": N_("Dossier examiné"),
    "review_approved": N_("Acceptation approuvée"),
}

# The claims API's refusals of an agent's action (409, detail.code)
ACTION_REFUSAL = {
    "not_under_inspection": N_(
        "Ce dossier n'attend pas de résultat de contrôle physique : un collègue l'a peut-être déjà enregistré."
    ),
    "not_in_review": N_("Ce dossier n'est pas à examiner : un collègue l'a peut-être déjà décidé."),
    "already_decided": N_("Ce dossier a déjà été décidé."),
    "no_amount": N_("Aucun montant n'a été calculé pour ce dossier : il ne peut pas être accepté, seulement refusé."),
    "nothing_to_approve": N_("Ce dossier n'a aucune acceptation en attente d'approbation."),
    "own_decision": N_("Vous ne pouvez pas approuver votre propre acceptation : un autre agent doit le faire."),
}
ACTION_REFUSED = N_(
    "L'action n'a pas été prise en compte : le dossier a changé entre-temps. Relisez-le puis recommencez."
)
