"""Every message the pages can show has its Arabic text, and every template renders in both languages."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from services.portal import i18n
from services.portal.web import templates

PORTAL = Path(__file__).resolve().parents[3] / "services" / "portal"
_LATIN_WORD = re.compile(r"\b[A-Za-zÀ-ÿ]{4,}\b")
_ALLOWED_LATIN = {"CNSS", "JPEG", "cnss"}  # names, formats and the web address stay as they are


def extracted_messages() -> set[str]:
    messages: set[str] = set()
    options = {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    for _, _, message, _, _ in extract_from_dir(
        PORTAL,
        [("**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")],
        options_map=options,
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        singular = message[0] if isinstance(message, tuple) else message  # a plural's forms hang on its singular
        if singular:
            messages.add(singular)
    return messages


def test_every_message_of_the_pages_has_an_arabic_translation():
    catalog = i18n.Catalog("ar")
    missing = sorted(extracted_messages() - catalog.texts.keys() - catalog.plurals.keys())
    assert not missing, f"{len(missing)} messages without Arabic text in locale/ar.po: {missing[:10]}"


def test_the_arabic_catalog_keeps_the_placeholders_of_each_message():
    for source, arabic in i18n.Catalog("ar").texts.items():
        assert re.findall(r"%\(\w+\)\w", source) == re.findall(r"%\(\w+\)\w", arabic), source


def test_no_arabic_translation_is_left_in_french():
    catalog = i18n.Catalog("ar")
    for source, arabic in [*catalog.texts.items(), *((s, " ".join(forms)) for s, forms in catalog.plurals.items())]:
        words = set(_LATIN_WORD.findall(re.sub(r"%\(\w+\)\w", "", arabic))) - _ALLOWED_LATIN
        assert not words, f"{source!r} → {arabic!r} keeps {words}"


def test_a_count_takes_the_arabic_form_its_number_needs():
    token = i18n.current_language.set("ar")
    try:
        counted = {n: i18n.ngettext("%(num)d fichier ajouté.", "%(num)d fichiers ajoutés.", n) for n in (1, 2, 3, 11)}
    finally:
        i18n.current_language.reset(token)
    assert counted == {
        1: "تمت إضافة ملف واحد.",
        2: "تمت إضافة ملفين.",
        3: "تمت إضافة %(num)d ملفات.",
        11: "تمت إضافة %(num)d ملفا.",
    }
    assert i18n.ngettext("%(num)d fichier ajouté.", "%(num)d fichiers ajoutés.", 2) == "%(num)d fichiers ajoutés."


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_dates_and_amounts_are_written_for_each_language_with_latin_digits(language):
    token = i18n.current_language.set(language)
    try:
        assert "2026" in i18n.written_date("2026-03-05")
        amount = i18n.written_amount("48759.78")
        assert "759" in amount and "78" in amount
        assert ("درهم" in amount) == (language == "ar")
        assert ("mars" in i18n.written_date("2026-03-05")) == (language == "fr")
    finally:
        i18n.current_language.reset(token)


def test_the_language_is_taken_from_the_cookie_then_the_browser():
    assert i18n.best_language("ar", "fr-FR,fr") == "ar"
    assert i18n.best_language(None, "ar-MA,ar;q=0.9,fr;q=0.8") == "ar"
    assert i18n.best_language("de", "en-US") == "fr"
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_template_renders(language):
    environment = templates()
    token = i18n.current_language.set(language)
    try:
        for path in sorted((PORTAL / "templates").glob("*.html.j2")):
            if path.name in ("macros.html.j2", "base.html.j2", "claim_status.html.j2"):
                continue
            html = environment.get_template(path.name).render(**_sample_context(language))
            assert f'<html lang="{language}" dir="{i18n.direction(language)}">' in html, path.name
    finally:
        i18n.current_language.reset(token)


def test_a_date_written_in_a_template_follows_each_pages_language():
    template = templates().from_string('{{ "2026-03-05" | date }}')
    rendered = {}
    for language in ("fr", "ar", "fr"):
        token = i18n.current_language.set(language)
        rendered.setdefault(language, set()).add(template.render())
        i18n.current_language.reset(token)
    assert rendered == {"fr": {"5 mars 2026"}, "ar": {"5 مارس 2026"}}


def _sample_context(language: str) -> dict:
    claim = {
        "claim_id": "c1",
        "reference": "RCS-20261201-ABCDEF12",
        "status": "submitted",
        "form": {
            "claimant_type": "insured",
            "applicant_role": "insured",
            "registration_number": "123456789",
            "applicant_name": "Test",
            "phone": "+212612345678",
            "language": "fr",
            "mining_activity": False,
            "ceased_activity_on": "2025-12-31",
            "force_majeure": False,
            "beneficiaries": [],
        },
        "documents": [],
        "timeline": [{"status": "submitted", "at": "2026-12-01T10:00:00+00:00", "detail": {}}],
    }
    return {
        "lang": language,
        "dir": i18n.direction(language),
        "path": "/",
        "query": "",
        "user": None,
        "csrf_token": "t",
        "claim": claim,
        "events": {"submitted": claim["timeline"][0]},
        "checklist": {"documents": [{"doc_type": "identity_card", "label_fr": "CNI", "label_ar": "البطاقة"}]},
        "files": [],
        "missing": ["identity_card"],
        "others": [],
        "claims": [],
        "open_statuses": ("draft",),
        "form": claim["form"],
        "errors": {"phone": "Vérifiez ce champ."},
        "fields": {},
        "max_bytes": 10485760,
        "problem": None,
        "estimate": None,
        "result": None,
        "code": "",
        "flash": None,
        **agent_pages_context(),
    }


def agent_pages_context() -> dict:
    """What the back office's templates are given (tests/unit/portal/test_back_office.py renders them for real)."""
    file = {
        "claim_id": "c1",
        "reference": "RCS-20261201-ABCDEF12",
        "status": "manual_review",
        "since": "2026-12-01T10:00:00+00:00",
        "decision_due_at": "2026-12-08T10:00:00+00:00",
        "decision_clock": "on_time",
        "form": {
            "claimant_type": "survivors",
            "applicant_role": "spouse",
            "registration_number": "345678912",
            "applicant_name": "Amina",
            "phone": "+212612345678",
            "language": "ar",
            "force_majeure": True,
            "agency": "RABAT-AGDAL",
            "beneficiaries": [
                {"id": "b1", "full_name": "Amina", "relation": "spouse", "birth_date": "1970-01-02"},
                {
                    "id": "b2",
                    "full_name": "Youssef",
                    "relation": "child",
                    "birth_date": "2012-03-04",
                    "orphan_of": "one_parent",
                    "in_school": True,
                },
            ],
        },
        "documents": [
            {
                "document_id": "d1",
                "doc_type": "identity_card",
                "file_name": "cni.pdf",
                "content_type": "application/pdf",
                "pages": 2,
                "size": 20480,
                "flags": ["pdf_javascript", "unknown_flag"],
                "verified": True,
            },
            {
                "document_id": "d2",
                "doc_type": "bank_details",
                "file_name": None,
                "content_type": "image/png",
                "pages": 1,
                "size": 900,
                "flags": [],
                "verified": False,
            },
        ],
        "decision": {
            "outcome": "manual_review",
            "reasons": ["FORCE_MAJEURE_REVIEW"],
            "explanations": [{"code": "FORCE_MAJEURE_REVIEW", "fr": "Force majeure.", "ar": "قوة قاهرة."}],
            "period": "P2",
            "event_date": "2010-04-10",
            "deadline": "2016-04-10",
            "refund_basis": "salary",
            "amount": "60000.00",
            "breakdown": [{"year": 2010, "base": "60000.00", "factor": "1.0000", "revalued": "60000.00"}],
            "shares": [{"id": "b1", "amount": "30000.00"}, {"id": "b2", "amount": "29000.00"}],
            "undistributed": "1000.00",
        },
        "inspection": {"selected": True, "reasons": ["FORCE_MAJEURE", "RANDOM(drawn=0.012345,rate=0.05)"]},
        "review": {
            "event_id": "e1",
            "outcome": "refuse",
            "reasons": ["DEADLINE_PASSED", "IDENTITY_NOT_CONFIRMED"],
            "justification": "Pièces\nincomplètes",
            "agent_id": "900000001",
            "agency": "CASA-ANFA",
            "at": "2026-12-01T11:00:00+00:00",
            "needs_approval": True,
            "approved_by": "900000002",
            "approved_at": "2026-12-01T12:00:00+00:00",
        },
        "actions": ["record_inspection", "accept", "refuse", "approve"],
        "blocked": None,
        "approval_above": "50000.00",
        "timeline": [
            {
                "event_id": "t1",
                "type": "review.decided",
                "status": "review_accepted",
                "at": "2026-12-01T11:00:00+00:00",
                "detail": {"agent_id": "900000001", "agency": "CASA-ANFA", "reasons": ["DEADLINE_PASSED"]},
            },
            {
                "event_id": "t2",
                "type": "inspection.completed",
                "status": "inspection_failed",
                "at": "2026-12-01T12:00:00+00:00",
                "detail": {"agent_id": "900000002", "reason": "INSPECTION_NOT_ATTENDED", "notes": "Absent"},
            },
        ],
    }
    answer = {
        "queue": "inspection",
        "count": 41,
        "page": 2,
        "pages": 3,
        "page_size": 20,
        "returned_after_days": 15,
        "claims": [
            {
                "claim_id": "c1",
                "reference": "RCS-20261201-ABCDEF12",
                "status": "under_inspection",
                "since": "2026-12-01T10:00:00+00:00",
                "claimant_type": "insured",
                "agency": "FES-SAISS",
                "reasons": ["AMOUNT_ABOVE_LIMIT", "RANDOM(drawn=0.01,rate=0.05)"],
                "amount": "120000.00",
                "proposed_by": "900000001",
                "decision_due_at": "2026-12-08T10:00:00+00:00",
                "decision_clock": "past",
            },
            {
                "claim_id": "c2",
                "reference": "RCS-20261201-ABCDEF13",
                "status": "under_inspection",
                "since": "2026-12-02T10:00:00+00:00",
                "claimant_type": "insured",
                "agency": "FES-SAISS",
                "reasons": [],
                "amount": "1000.00",
                "proposed_by": None,
                "decision_due_at": "2026-12-09T10:00:00+00:00",
                "decision_clock": "close",
            },
        ],
        "entries": [
            {
                "at": "2026-12-01T10:00:00+00:00",
                "agent_id": "900000001",
                "agency": "CASA-ANFA",
                "action": "inspection_recorded",
                "claim_id": "c1",
                "detail": {"passed": False, "reason": "IDENTITY_NOT_CONFIRMED"},
            }
        ],
    }
    return {
        "file": file,
        "answer": answer,
        "queue": "inspection",
        "agency": "all",
        "counts": {"inspection": 3},
        "own_agency": "CASA-ANFA",
        "returned_after_days": 15,
        "posted": {},
        "refusal": None,
        "failed_form": None,
        "document": file["documents"][0],
        "names": {"b1": "Amina", "b2": "Youssef"},
        "claim_id": "",
        "agent_id": "900000001",
    }
