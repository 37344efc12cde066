"""Every error of the services' HTTP APIs is one shape, RFC 9457 problem details with a stable `code`, and every
status a route answers is in its OpenAPI document with that shape."""

import importlib
from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, HTTPException, Path
from fastapi.testclient import TestClient
from pydantic import BaseModel

from services.runtime.problems import PROBLEM_JSON, ApiError, ProblemRoute, install_problem_handlers, problems


class Form(BaseModel):
    name: str
    years: int


def app() -> FastAPI:
    router = APIRouter(prefix="/things", route_class=ProblemRoute, responses=problems(401))

    @router.get("", responses=problems(403))
    async def every_thing(who: str = "") -> dict:
        if who == "nobody":
            raise HTTPException(401, "bearer token required", headers={"WWW-Authenticate": "Bearer"})
        if who == "stranger":
            raise HTTPException(403)
        if who == "broken":
            raise RuntimeError("a bug")
        return {}

    @router.get("/{thing_id}", responses=problems(404, 409))
    async def one_thing(thing_id: Annotated[str, Path(pattern="^[a-z]+$")]) -> dict:
        if thing_id == "gone":
            raise ApiError(404, "thing_not_found", "no thing has this id")
        if thing_id == "busy":
            raise HTTPException(409, {"code": "own_decision", "reason": "the agent who decided cannot approve"})
        return {}

    @router.post("", status_code=201)
    async def new_thing(form: Form) -> dict:
        return {}

    @router.delete("/all", status_code=204)
    async def no_thing() -> None:
        return None

    application = FastAPI()
    application.include_router(router)
    install_problem_handlers(application)
    return application


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(app(), raise_server_exceptions=False)


def problem(response) -> dict:
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == response.status_code and body["type"] == "about:blank" and body["title"]
    return body


def test_a_routes_error_is_a_problem_with_its_code_and_the_reason_as_detail(client):
    gone = problem(client.get("/things/gone"))
    assert (gone["code"], gone["detail"]) == ("thing_not_found", "no thing has this id")
    assert gone["title"] == "Not Found"
    busy = problem(client.get("/things/busy"))  # the `{code, reason}` detail the agents' actions raised
    assert (busy["code"], busy["detail"]) == ("own_decision", "the agent who decided cannot approve")


def test_an_error_without_a_code_gets_its_statuss_code_and_keeps_its_headers(client):
    nobody = client.get("/things", params={"who": "nobody"})
    assert problem(nobody) | {"type": "about:blank"} == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "bearer token required",
        "code": "unauthorized",
    }
    assert nobody.headers["www-authenticate"] == "Bearer"
    stranger = problem(client.get("/things", params={"who": "stranger"}))
    assert (stranger["code"], stranger["detail"]) == ("forbidden", "Forbidden")


def test_a_request_not_matching_the_document_is_a_validation_error_naming_each_field(client):
    body = problem(client.post("/things", json={"years": "many", "secret": "x"}))
    assert body["code"] == "validation_error" and body["status"] == 422
    assert {(tuple(e["loc"]), e["type"]) for e in body["errors"]} == {
        (("body", "name"), "missing"),
        (("body", "years"), "int_parsing"),
    }
    assert all(set(error) == {"loc", "msg", "type"} for error in body["errors"])  # the value sent is not echoed
    assert "body.name" in body["detail"]
    path = problem(client.get("/things/NOT-A-NAME"))
    assert path["code"] == "validation_error" and path["errors"][0]["loc"] == ["path", "thing_id"]


def test_a_failure_is_a_500_problem_and_is_logged(client, caplog):
    body = problem(client.get("/things", params={"who": "broken"}))
    assert (body["status"], body["code"]) == (500, "internal_error")
    assert "a bug" not in body["detail"]
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_a_method_a_resource_does_not_take_is_a_405_problem_naming_every_method_it_takes(client):
    refused = client.patch("/things")  # two routes on this path: the router alone would name the first's only
    assert problem(refused)["code"] == "method_not_allowed"
    assert refused.headers["allow"] == "GET, POST"
    assert client.put("/things/gone").headers["allow"] == "GET"


def test_what_no_route_answers_is_a_problem_too_when_the_app_installs_the_handlers(client):
    assert problem(client.get("/nowhere"))["code"] == "not_found"


def test_every_error_status_is_documented_as_a_problem_and_400_422_only_where_a_request_can_be_invalid():
    document = app().openapi()
    operations = {(method, path): op for path, ops in document["paths"].items() for method, op in ops.items()}
    assert {key: sorted(op["responses"]) for key, op in operations.items()} == {
        ("get", "/things"): ["200", "401", "403", "422"],
        ("get", "/things/{thing_id}"): ["200", "401", "404", "409", "422"],
        ("post", "/things"): ["201", "400", "401", "422"],  # 400: a body that cannot be read at all
        ("delete", "/things/all"): ["204", "401"],
    }
    for operation in operations.values():
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == [PROBLEM_JSON]
                schema = response["content"][PROBLEM_JSON]["schema"]
                assert schema["required"] == ["type", "title", "status", "detail", "code"]
    assert "HTTPValidationError" not in document.get("components", {}).get("schemas", {})


@pytest.mark.parametrize("service", ["claims", "documents", "eligibility", "receipts", "notifications"])
def test_each_services_document_gives_every_error_the_problem_shape(service, monkeypatch):
    monkeypatch.setenv("TAAWIDATY_LOCAL_MODE", "true")  # the repository's local secrets: the app is only built
    create_app = importlib.import_module(f"services.{service}.app").create_app
    settings = getattr(importlib.import_module(f"services.{service}.config"), f"{service.capitalize()}Settings")
    document = create_app(settings()).openapi()
    assert "HTTPValidationError" not in document.get("components", {}).get("schemas", {})
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/health/ready":  # readiness answers its own report
                    assert list(response.get("content", {})) == [PROBLEM_JSON], (method, path, status)
