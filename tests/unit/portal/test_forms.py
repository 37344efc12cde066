"""The claim form between the page and the claims API: no rule, only the shape (and the buttons that add or
remove a beneficiary without JavaScript)."""

import pytest

from services.portal import forms
from services.portal.web import safe_next

POSTED = {
    "applicant_role": "spouse",
    "registration_number": "345678912",
    "applicant_name": "Amina",
    "phone": "0612345678",
    "language": "ar",
    "beneficiaries-0-full_name": "Amina",
    "beneficiaries-0-relation": "spouse",
    "beneficiaries-1-full_name": "Youssef",
    "beneficiaries-1-relation": "child",
    "beneficiaries-1-birth_date": "4/3/2012",
    "beneficiaries-1-orphan_of": "one_parent",
    "beneficiaries-1-in_school": "on",
}


def test_a_survivors_form_becomes_the_apis_form_with_numbered_beneficiaries():
    form = forms.api_form(forms.form_state(POSTED, "survivors", "111111111"))
    assert form["registration_number"] == "345678912" and form["applicant_role"] == "spouse"
    assert form["beneficiaries"] == [
        {
            "id": "b1",
            "full_name": "Amina",
            "relation": "spouse",
            "birth_date": None,
            "in_school": False,
            "apprentice": False,
            "sick": False,
            "disabled": False,
        },
        {
            "id": "b2",
            "full_name": "Youssef",
            "relation": "child",
            "birth_date": "2012-03-04",
            "orphan_of": "one_parent",
            "in_school": True,
            "apprentice": False,
            "sick": False,
            "disabled": False,
        },
    ]


def test_an_insured_files_for_their_own_registration_number_whatever_the_page_posts():
    state = forms.form_state({**POSTED, "registration_number": "999999999"}, "insured", "123456789")
    assert state["registration_number"] == "123456789" and state["applicant_role"] == "insured"
    assert state["beneficiaries"] == []


def test_the_add_and_remove_buttons_change_the_beneficiaries_shown():
    added = forms.form_state({**POSTED, "action": "add_beneficiary"}, "survivors", "111111111")
    assert [b["full_name"] for b in added["beneficiaries"]] == ["Amina", "Youssef", ""]
    removed = forms.form_state({**POSTED, "action": "remove_beneficiary:0"}, "survivors", "111111111")
    assert [b["full_name"] for b in removed["beneficiaries"]] == ["Youssef"]
    ignored = forms.form_state({**POSTED, "action": "remove_beneficiary:x"}, "survivors", "111111111")
    assert len(ignored["beneficiaries"]) == 2


def test_the_apis_refusals_become_a_message_next_to_each_field():
    detail = [
        {"loc": ["body", "phone"], "msg": "not a Moroccan mobile number", "type": "value_error"},
        {"loc": ["body", "beneficiaries", 1, "birth_date"], "msg": "bad date", "type": "date_parsing"},
        {"loc": ["body", "unknown_field"], "msg": "?", "type": "extra"},
    ]
    errors = forms.field_errors(detail)
    assert errors["phone"] == forms.FIELD_MESSAGES["phone"]
    assert errors["beneficiaries-1-birth_date"] == forms.FIELD_MESSAGES["birth_date"]
    assert errors["unknown_field"] == "Vérifiez ce champ."


def test_a_form_kept_by_the_api_comes_back_with_the_phone_as_people_type_it():
    state = forms.state_from_claim(
        {"claimant_type": "insured", "phone": "+212612345678", "ceased_activity_on": None, "beneficiaries": []}
    )
    assert state["phone"] == "0612345678" and state["ceased_activity_on"] == ""


def test_after_sign_in_the_portal_goes_only_to_its_own_pages():
    assert safe_next("/claims/1/review") == "/claims/1/review"
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", None, "javascript:x"):
        assert safe_next(hostile) == "/"


def test_dates_are_taken_as_people_type_them_and_shown_back_day_first():
    assert forms.iso_date("31/12/2025") == "2025-12-31" and forms.iso_date("1.2.2020") == "2020-02-01"
    assert forms.iso_date("2025-12-31") == "2025-12-31"
    assert forms.iso_date("yesterday") == "yesterday"  # the API names the field
    assert forms.shown_date("2025-12-31") == "31/12/2025" and forms.shown_date(None) == ""


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("5", "5"),
        ("4.5", "4.5"),
        ("4,5", "4.5"),  # as French pages write it
        (" 4,99 ", "4.99"),
        ("4.50", "4.50"),
        ("٤٫٥", "4.5"),  # Arabic digits and decimal separator
        ("٤,٥", "4.5"),
        ("٥", "5"),
        ("4.999", "4.999"),  # the eligibility service refuses the third decimal, next to the field
    ],
)
def test_a_number_of_years_is_read_with_a_dot_or_a_comma_and_sent_as_an_exact_decimal_string(typed, sent):
    assert forms.decimal_number(typed) == sent


@pytest.mark.parametrize(
    "typed", ["", "  ", "-1", "4.", ".5", "4,5,6", "1e1", "nan", "inf", "1 000", "cinq", "4.5 ans"]
)
def test_what_is_not_a_number_of_years_is_refused_before_asking_the_service(typed):
    assert forms.decimal_number(typed) is None


def test_the_message_for_underground_years_says_decimals_are_allowed():
    message = forms.FIELD_MESSAGES["underground_mining_years"]
    assert "entier" not in message and "4,5" in message
    detail = [{"loc": ["body", "underground_mining_years"], "msg": "at most 2 decimals", "type": "decimal_max_places"}]
    assert forms.field_errors(detail) == {"underground_mining_years": message}
