"""The services' HTTP APIs, called as the signed-in person (their access token). The portal decides nothing:
it shows what these answer."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx


class BackendError(Exception):
    """A service's refusal. `detail` is the field errors of a 422 that names them (pydantic's list, each with its
    `loc`), else `{"code", "reason"}`: the problem document's stable code (None in an answer that is not one) and
    its human text."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"{status}: {detail}")
        self.status, self.detail = status, detail


class ServiceUnavailable(Exception):
    """A service did not answer; the person is asked to try again in a moment, nothing was lost."""


@dataclass(frozen=True)
class ServiceUrls:
    claims: str
    documents: str
    eligibility: str
    receipts: str


def _raise_for_status(response: httpx.Response, method: str, url: str) -> None:
    if response.status_code >= 500:
        raise ServiceUnavailable(f"{method} {url}: {response.status_code}")
    if response.status_code >= 400:
        raise BackendError(response.status_code, _refusal(response))


def _refusal(response: httpx.Response) -> Any:
    """What a refusal says, from the services' problem documents (RFC 9457, `code` beside `detail`)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):  # not from a service (a proxy's page): no code, the pages fall back on the status
        return {"code": None, "reason": response.text[:200]}
    if isinstance(body.get("errors"), list):
        return body["errors"]
    code = body.get("code")
    return {"code": code if isinstance(code, str) else None, "reason": str(body.get("detail") or "")}


class Backend:
    def __init__(self, http: httpx.AsyncClient, urls: ServiceUrls) -> None:
        self.http, self.urls = http, urls

    async def _call(self, method: str, url: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self.http.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ServiceUnavailable(f"{method} {url}: {type(error).__name__}") from error
        _raise_for_status(response, method, url)
        return response

    def _claim(self, claim_id: str, *rest: str) -> str:
        """A claim's URL in the claims API; values from the page's path stay one segment each (no `?`, `#`, `/`)."""
        return "/".join((f"{self.urls.claims}/claims", *(quote(part, safe="") for part in (claim_id, *rest))))

    async def my_claims(self, token: str) -> list[dict]:
        return (await self._call("GET", f"{self.urls.claims}/claims", token)).json()["claims"]

    async def claim(self, token: str, claim_id: str) -> dict:
        return (await self._call("GET", self._claim(claim_id), token)).json()

    async def create_claim(self, token: str, form: dict, idempotency_key: str) -> dict:
        return (
            await self._call(
                "POST", f"{self.urls.claims}/claims", token, json=form, headers={"Idempotency-Key": idempotency_key}
            )
        ).json()

    async def update_form(self, token: str, claim_id: str, form: dict) -> None:
        await self._call("PUT", self._claim(claim_id, "form"), token, json=form)

    async def upload(self, token: str, claim_id: str, doc_type: str, content: bytes, file_name: str) -> dict:
        headers = {"Content-Type": "application/octet-stream", "X-File-Name": quote(file_name, safe="")}
        return (
            await self._call(
                "PUT", self._claim(claim_id, "documents", doc_type), token, content=content, headers=headers
            )
        ).json()

    async def remove_document(self, token: str, claim_id: str, document_id: str) -> None:
        await self._call("DELETE", self._claim(claim_id, "documents", document_id), token)

    async def submit(self, token: str, claim_id: str) -> None:
        await self._call("POST", self._claim(claim_id, "submit"), token)

    async def receipt(self, token: str, claim_id: str) -> httpx.Response:
        """The PDF as the claims API serves it, with its file name (Content-Disposition)."""
        return await self._call("GET", self._claim(claim_id, "receipt"), token)

    async def checklist(self, form: dict) -> dict:
        return (await self._call("POST", f"{self.urls.documents}/checklist", json=form)).json()

    async def estimate(self, token: str, what_if: dict) -> dict:
        return (await self._call("POST", f"{self.urls.eligibility}/estimate", token, json=what_if)).json()

    async def filing_rules(self) -> dict:
        return (await self._call("GET", f"{self.urls.eligibility}/filing-rules", timeout=5)).json()

    async def verify_receipt(self, code: str | None, qr_token: str | None) -> dict:
        params = {"t": qr_token} if qr_token else {"code": code or ""}
        return (await self._call("GET", f"{self.urls.receipts}/verification", params=params)).json()

    # The back office: the agents' queues, a claim's file and documents, their actions and the audit trail
    def _agent(self, *parts: str) -> str:
        return "/".join((f"{self.urls.claims}/agent", *(quote(part, safe="") for part in parts)))

    async def agent_queues(self, token: str, agency: str | None = None) -> dict:
        params = {"agency": agency} if agency else {}
        return (await self._call("GET", self._agent("queues"), token, params=params)).json()

    async def agent_queue(self, token: str, queue: str, page: int = 1, agency: str | None = None) -> dict:
        params: dict[str, Any] = {"page": page} | ({"agency": agency} if agency else {})
        return (await self._call("GET", self._agent("queues", queue), token, params=params)).json()

    async def claim_file(self, token: str, claim_id: str) -> dict:
        return (await self._call("GET", self._claim(claim_id, "file"), token)).json()

    async def open_document(self, token: str, claim_id: str, document_id: str) -> httpx.Response:
        """A claim's document as the claims API serves it to an agent, not read yet: the caller streams its body
        (`aiter_bytes`) and closes it (`aclose`)."""
        url = self._claim(claim_id, "documents", document_id)
        request = self.http.build_request("GET", url, headers={"Authorization": f"Bearer {token}"})
        try:
            response = await self.http.send(request, stream=True)
        except httpx.HTTPError as error:
            raise ServiceUnavailable(f"GET {url}: {type(error).__name__}") from error
        if response.status_code >= 400:
            try:
                await response.aread()
            finally:
                await response.aclose()
            _raise_for_status(response, "GET", url)
        return response

    async def record_inspection(self, token: str, claim_id: str, passed: bool, reason: str | None, notes: str) -> dict:
        body = {"passed": passed, "reason": reason, "notes": notes}
        return (await self._call("POST", self._claim(claim_id, "inspection"), token, json=body)).json()

    async def review_claim(
        self, token: str, claim_id: str, outcome: str, reasons: list[str], justification: str
    ) -> dict:
        body = {"outcome": outcome, "reasons": reasons, "justification": justification}
        return (await self._call("POST", self._claim(claim_id, "review"), token, json=body)).json()

    async def approve_review(self, token: str, claim_id: str) -> dict:
        return (await self._call("POST", self._claim(claim_id, "review", "approval"), token, json={})).json()

    async def audit(self, token: str, claim_id: str | None = None, agent_id: str | None = None, page: int = 1) -> dict:
        params: dict[str, Any] = {"page": page} | ({"claim_id": claim_id} if claim_id else {"agent_id": agent_id})
        return (await self._call("GET", self._agent("audit"), token, params=params)).json()
