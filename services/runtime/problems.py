"""Every error of the services' HTTP APIs in one shape: RFC 9457 problem details (`application/problem+json`).

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "claim not found", "code": "claim_not_found"}

`title` is the status's phrase, `detail` the human text, `code` a stable snake_case name a client tests instead of
the text; a validation error (422 `validation_error`) adds `errors`, one `{loc, msg, type}` per field it refuses
(`loc` the field's path, as `["body", "beneficiaries", 0, "full_name"]`; the value sent is never echoed).

Routes raise `ApiError(status, code, detail)`; an `HTTPException` whose detail is `{"code", "reason"}` keeps its code,
one with a text detail gets its status's code (401 `unauthorized`, 403 `forbidden`, …). Routers answer in this shape
with `route_class=ProblemRoute`, and document what they answer with `responses=problems(401, 404, …)`.
"""

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

PROBLEM_JSON = "application/problem+json"
CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
DESCRIPTION_OF_STATUS = {
    400: "The request cannot be read or is empty (the code says which)",
    401: "No valid bearer token (`unauthorized`)",
    403: "The caller may not do this (`forbidden`)",
    404: "Nothing the caller may see at this address (`…_not_found`)",
    409: "The resource is not in a state that allows this (the code says why)",
    413: "The body is larger than allowed (`file_too_large`, `claim_too_large`, `payload_too_large`)",
    422: "The request does not match this document (`validation_error`, with `errors`), or is refused (the code says)",
    503: "A service this one needs is out of reach; nothing was kept, try again shortly (`service_unavailable`)",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details, with a stable `code`",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status and the code say what happened"},
        "title": {"type": "string", "description": "the status's phrase"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "what happened, for a person"},
        "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "stable, for a program"},
        "errors": {
            "type": "array",
            "description": "validation errors: each refused field's path (`loc`) and message (`msg`)",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
log = logging.getLogger(__name__)


class ApiError(HTTPException):
    """An error a route answers, with its stable code: `raise ApiError(404, "claim_not_found", "claim not found")`."""

    def __init__(self, status_code: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, detail, headers)
        self.code = code


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_response(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _phrase(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers=headers)


def http_problem(error: StarletteHTTPException) -> Response:
    status, detail = error.status_code, error.detail
    code = CODE_OF_STATUS.get(status, "error")
    if isinstance(error, ApiError):
        code = error.code
    elif isinstance(detail, dict) and isinstance(detail.get("code"), str):
        code, detail = detail["code"], detail.get("reason")
    if status in (204, 304) or status < 200:  # no body allowed
        return Response(status_code=status, headers=error.headers)
    text = detail if isinstance(detail, str) and detail else _phrase(status)
    return problem_response(status, code, text, error.headers)


def validation_problem(error: RequestValidationError) -> ProblemResponse:
    errors = [
        {"loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", ())], "msg": str(e.get("msg"))}
        | {"type": str(e.get("type", "value_error"))}
        for e in error.errors()
    ]
    said = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return problem_response(422, "validation_error", f"the request is not valid: {said}{more}", errors=errors)


def internal_problem(request: Request, error: Exception) -> ProblemResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return problem_response(500, "internal_error", "the request could not be completed; it was logged")


class ProblemRoute(APIRoute):
    """A route whose every error is a problem document, and which documents the 422 a request not matching its
    parameters or body gets (FastAPI would document its own `HTTPValidationError` instead), and the 400 of a body
    that cannot be read at all."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        documented = {str(status) for status in self.responses}
        if self.body_field is not None and "400" not in documented:  # a body that cannot be read at all
            self.responses = {**self.responses, **problems(400)}
        if (self.body_field is not None or get_flat_params(self.dependant)) and "422" not in documented:
            self.responses = {**self.responses, **problems(422)}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A method the route does not take: 405 with every method of the resource in `Allow` (the router would name
        only those of the first route on this path, `GET` of `/claims` that also takes `POST`)."""
        if scope["type"] == "http" and self.methods and scope["method"] not in self.methods:
            allowed = _methods_at(scope.get("app"), self.path_format) | self.methods
            response = problem_response(
                405,
                "method_not_allowed",
                f"{scope['method']} is not a method of this resource",
                headers={"Allow": ", ".join(sorted(allowed))},
            )
            await response(scope, receive, send)
            return
        await super().handle(scope, receive, send)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as error:
                return validation_problem(error)
            except StarletteHTTPException as error:
                return http_problem(error)
            except Exception as error:  # a failure is logged, and the client still gets the same shape
                return internal_problem(request, error)

        return answer


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route or a router: each status answered as a problem document."""
    return {
        status: {
            "description": DESCRIPTION_OF_STATUS.get(status, _phrase(status)),
            "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


def install_problem_handlers(app: FastAPI) -> None:
    """The same shape for what no route answers (an unknown path): for the app that mounts the routers
    (`ServiceRuntime.http_app`)."""

    async def on_http_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        return http_problem(error)

    async def on_validation_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return validation_problem(error)

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


def _methods_at(app: Any, path: str) -> set[str]:
    """The methods the app's OpenAPI document gives this path."""
    try:
        operations = app.openapi()["paths"].get(path, {})
    except Exception:  # not a FastAPI app, or no document: the route's own methods only
        return set()
    return {method.upper() for method in operations if method.upper() in _HTTP_METHODS}


_HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
