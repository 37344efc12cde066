"""How the portal reads the services' refusals (RFC 9457 problem documents): the code of a refused upload and of a
refused agent's action, the fields a 422 names; a server error is the service being unavailable."""

import httpx
import pytest
from fastapi.exceptions import RequestValidationError

from services.portal import back_office, forms, words
from services.portal.backend import BackendError, ServiceUnavailable, _raise_for_status
from services.runtime.problems import problem_response, validation_problem


def answered(response) -> httpx.Response:
    return httpx.Response(response.status_code, content=response.body, headers=dict(response.headers))


def refusal(response: httpx.Response) -> BackendError:
    with pytest.raises(BackendError) as raised:
        _raise_for_status(response, "PUT", "http://claims/claims/c1/documents/identity_card")
    return raised.value


def test_a_refused_upload_gives_the_portal_its_code_and_reason():
    refused = refusal(answered(problem_response(422, "not_allowed_type", "not a PDF, JPEG or PNG")))
    assert (refused.status, refused.detail) == (422, {"code": "not_allowed_type", "reason": "not a PDF, JPEG or PNG"})
    too_large = refusal(answered(problem_response(413, "file_too_large", "file larger than 10 bytes")))
    assert too_large.detail["code"] == "file_too_large"


def test_a_refused_action_gives_the_back_office_its_words():
    refused = refusal(answered(problem_response(409, "own_decision", "the agent who accepted cannot approve")))
    assert back_office.refusal_message(refused.detail) == words.ACTION_REFUSAL["own_decision"]


def test_a_validation_error_gives_the_form_the_fields_it_names():
    error = RequestValidationError([{"loc": ("body", "phone"), "msg": "bad phone", "type": "value_error"}])
    refused = refusal(answered(validation_problem(error)))
    assert refused.detail == [{"loc": ["body", "phone"], "msg": "bad phone", "type": "value_error"}]
    assert list(forms.field_errors(refused.detail)) == ["phone"]


def test_an_answer_that_is_no_problem_document_has_no_code_and_a_server_error_is_unavailability():
    proxy = refusal(httpx.Response(413, text="<html>Request Entity Too Large</html>"))
    assert proxy.detail["code"] is None and "Too Large" in proxy.detail["reason"]
    with pytest.raises(ServiceUnavailable):
        _raise_for_status(answered(problem_response(500, "internal_error", "logged")), "GET", "http://claims/claims")
