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
            PORTAL, [("**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")], options_map=options,
            keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}):
        messages.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return messages


def test_every_message_of_the_pages_has_an_arabic_translation():
    catalog = i18n.Catalog("ar")
    missing = sorted(extracted_messages() - catalog.texts.keys() - catalog.plurals.keys()
                     - {plural for plural in extracted_messages() if plural.startswith("%(num)d fichiers")})
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
    assert counted == {1: "تمت إضافة ملف واحد.", 2: "تمت إضافة ملفين.", 3: "تمت إضافة %(num)d ملفات.",
                       11: "تمت إضافة %(num)d ملفا."}
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
    claim = {"claim_id": "c1", "reference": "RCS-20261201-ABCDEF12", "status": "submitted",
             "form": {"claimant_type": "insured", "applicant_role": "insured", "registration_number": "123456789",
                      "applicant_name": "Test", "phone": "+212612345678", "language": "fr",
                      "mining_activity": False, "ceased_activity_on": "2025-12-31", "force_majeure": False,
                      "beneficiaries": []},
             "documents": [], "timeline": [{"status": "submitted", "at": "2026-12-01T10:00:00+00:00", "detail": {}}]}
    return {"lang": language, "dir": i18n.direction(language), "path": "/", "query": "", "user": None,
            "csrf_token": "t", "claim": claim, "events": {"submitted": claim["timeline"][0]},
            "checklist": {"documents": [{"doc_type": "identity_card", "label_fr": "CNI", "label_ar": "البطاقة"}]},
            "files": [], "missing": ["identity_card"], "others": [], "claims": [], "open_statuses": ("draft",),
            "form": claim["form"], "errors": {"phone": "Vérifiez ce champ."}, "fields": {}, "max_bytes": 10485760,
            "problem": None, "estimate": None, "result": None, "code": "", "flash": None}
