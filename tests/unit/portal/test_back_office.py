"""The agents' pages with a fake claims API: who reaches them, what they show, how the forms go to the API and how
its refusals come back in the page's language; and the pure helpers (reasons in words, the agents' forms)."""

import asyncio
import re
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape
from time import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.datastructures import FormData

from services.portal import back_office, i18n
from services.portal.agent_pages import agent_router
from services.portal.app import _answer_problems
from services.portal.auth_pages import auth_router
from services.portal.backend import BackendError
from services.portal.oidc import Identity, Tokens
from services.portal.sessions import Session
from services.portal.web import Cookies, Portal, PortalMiddleware
from tests.unit.portal.test_catalog import agent_pages_context

PORTAL_URL = "http://portal.test"
AGENT = {"username": "900000001", "name": "Agent Anfa", "roles": ["agent"], "agency": "CASA-ANFA"}
CLAIMANT = {"username": "123456789", "name": "Fatima", "roles": ["insured"]}


class FakeSessions:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}

    async def new(self, data: dict[str, Any] | None = None) -> Session:
        session = Session(f"s{len(self.sessions) + 1}", "csrf-token", datetime.now(UTC), data or {})
        self.sessions[session.id] = session
        return session

    async def find(self, session_id: str | None) -> Session | None:
        return self.sessions.get(session_id or "")

    async def save(self, session: Session, *keys: str) -> None:
        self.sessions[session.id] = session

    async def delete(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)


class FakeOidc:
    browser_origin = "http://idp.test"

    def __init__(self, identity: Identity | None = None) -> None:
        self.identity = identity

    async def exchange(self, code: str, login: Any) -> tuple[Tokens, Identity]:
        assert self.identity is not None
        return Tokens("access", "refresh", "id", time() + 300), self.identity


class FakeBackend:
    """The claims API's agents' endpoints as the contract describes them; `refusals[name]` makes a call fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []
        self.refusals: dict[str, BackendError] = {}
        self.file = agent_pages_context()["file"]

    def _called(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))
        if name in self.refusals:
            raise self.refusals[name]

    async def agent_queues(self, token: str, agency: str | None = None) -> dict:
        self._called("agent_queues", agency=agency)
        return {
            "queues": [
                {"queue": "inspection", "count": 3},
                {"queue": "manual_review", "count": 1},
                {"queue": "approval", "count": 0},
                {"queue": "returned", "count": 2},
            ],
            "returned_after_days": 15,
        }

    async def agent_queue(self, token: str, queue: str, page: int = 1, agency: str | None = None) -> dict:
        self._called("agent_queue", queue, page=page, agency=agency)
        return {**agent_pages_context()["answer"], "queue": queue, "page": page}

    async def claim_file(self, token: str, claim_id: str) -> dict:
        self._called("claim_file", claim_id)
        return self.file

    async def open_document(self, token: str, claim_id: str, document_id: str) -> httpx.Response:
        self._called("open_document", claim_id, document_id)
        return httpx.Response(
            200,
            content=b"%PDF-1.7 fake",
            headers={
                "Content-Type": "application/pdf",
                "Content-Disposition": 'inline; filename="identity_card-d1.pdf"',
                "Content-Security-Policy": "sandbox; default-src 'none'",
            },
        )

    async def record_inspection(self, token: str, claim_id: str, passed: bool, reason: str | None, notes: str) -> dict:
        self._called("record_inspection", claim_id, passed=passed, reason=reason, notes=notes)
        return {"claim_id": claim_id, "inspection": "passed" if passed else "failed"}

    async def review_claim(
        self, token: str, claim_id: str, outcome: str, reasons: list[str], justification: str
    ) -> dict:
        self._called("review_claim", claim_id, outcome=outcome, reasons=reasons, justification=justification)
        return {"claim_id": claim_id, "review": outcome, "needs_approval": outcome == "accept"}

    async def approve_review(self, token: str, claim_id: str) -> dict:
        self._called("approve_review", claim_id)
        return {"claim_id": claim_id, "approved": True}

    async def audit(self, token: str, claim_id: str | None = None, agent_id: str | None = None, page: int = 1) -> dict:
        self._called("audit", claim_id=claim_id, agent_id=agent_id, page=page)
        return {**agent_pages_context()["answer"], "page": page}


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def sessions() -> FakeSessions:
    return FakeSessions()


def make_app(backend: FakeBackend, sessions: FakeSessions, oidc: FakeOidc | None = None) -> FastAPI:
    portal = Portal(sessions, oidc or FakeOidc(), Cookies(False), PORTAL_URL, max_form_bytes=1_000_000)  # type: ignore[arg-type]
    app = FastAPI()
    app.add_middleware(PortalMiddleware, portal=portal)
    app.include_router(auth_router(portal))
    app.include_router(agent_router(portal, backend))  # type: ignore[arg-type]
    _answer_problems(app, portal)
    return app


def browser(backend: FakeBackend, sessions: FakeSessions, user: dict | None, language: str = "fr") -> TestClient:
    client = TestClient(make_app(backend, sessions), base_url=PORTAL_URL, follow_redirects=False)
    client.cookies.set("lang", language)
    if user is not None:
        session = asyncio.run(
            sessions.new(
                {
                    "user": user,
                    "tokens": {
                        "access_token": "t",
                        "refresh_token": "r",
                        "id_token": "i",
                        "access_expires_at": time() + 3600,
                    },
                }
            )
        )
        client.cookies.set("taawidaty-session", session.id)
    return client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


AGENT_PATHS = [
    "/agent",
    "/agent/queues/inspection",
    "/agent/queues/approval?page=2",
    "/agent/claims/c1",
    "/agent/claims/c1/documents/d1",
    "/agent/audit?claim_id=c1",
    "/agent/no/such/page",
]


def test_signed_out_visitors_are_sent_to_sign_in_first(backend, sessions):
    client = browser(backend, sessions, None)
    response = client.get("/agent/queues/inspection?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fagent%2Fqueues%2Finspection%3Fpage%3D2"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_claimant_reaches_no_page_of_the_back_office(backend, sessions, language):
    client = browser(backend, sessions, CLAIMANT, language)
    title = "Page réservée aux agents de la CNSS" if language == "fr" else "صفحة مخصصة لأعوان الصندوق"
    for path in AGENT_PATHS:
        response = client.get(path)
        assert response.status_code == 403, path
        assert title in response.text
    for action in ("inspection", "review", "approval"):
        response = client.post(f"/agent/claims/c1/{action}", data={"csrf_token": "csrf-token", "passed": "yes"})
        assert response.status_code == 403, action
    assert backend.calls == []  # the API was never asked


def test_the_agents_home_counts_each_queue_for_the_agents_own_agency(backend, sessions):
    response = browser(backend, sessions, AGENT).get("/agent")
    assert response.status_code == 200
    page = text_of(response.text)
    assert backend.calls == [("agent_queues", (), {"agency": "CASA-ANFA"})]
    assert "3 dossiers" in page and "1 dossier" in page and "0 dossier" in page
    assert "Casablanca Anfa" in page and "plus de 15 jours" in page
    assert 'href="/agent" aria-current="page"' in response.text  # the header leads agents to the back office
    assert 'href="/claims"' not in response.text
    assert "Connecté en tant qu'agent" in page


def test_the_inspection_queue_defaults_to_the_agents_agency_and_offers_every_agency(backend, sessions):
    client = browser(backend, sessions, AGENT)
    response = client.get("/agent/queues/inspection")
    assert backend.calls[-1] == ("agent_queue", ("inspection",), {"page": 1, "agency": "CASA-ANFA"})
    assert '<option value="CASA-ANFA" selected>' in response.text and '<option value="all">' in response.text
    client.get("/agent/queues/inspection?agency=all&page=2")
    assert backend.calls[-1] == ("agent_queue", ("inspection",), {"page": 2, "agency": None})
    client.get("/agent/queues/inspection?agency=FES-SAISS&page=x")
    assert backend.calls[-1] == ("agent_queue", ("inspection",), {"page": 1, "agency": "FES-SAISS"})
    page = client.get("/agent/queues/inspection?agency=all&page=2").text
    assert 'href="/agent/queues/inspection?agency=all&amp;page=1" rel="prev"' in page
    assert 'href="/agent/queues/inspection?agency=all&amp;page=3" rel="next"' in page
    assert "Montant au-dessus du plafond fixé pour les contrôles" in page
    assert "Tirage au sort : valeur tirée 0,010000, pour un taux de 5" in page
    assert "Dossiers par échéance de décision, la plus proche d'abord" in page
    assert '8 décembre 2026, 11:00 <span class="tag tag-clock-past">Délai dépassé</span>' in page
    assert '<span class="tag tag-clock-close">Échéance proche</span>' in page
    client.get("/agent/queues/manual_review?agency=FES-SAISS")
    assert backend.calls[-1] == ("agent_queue", ("manual_review",), {"page": 1, "agency": None})
    assert client.get("/agent/queues/everything").status_code == 404


def test_the_claim_file_shows_every_part_and_the_actions_the_api_allows(backend, sessions):
    page = browser(backend, sessions, AGENT).get("/agent/claims/c1?document=d1").text
    words = text_of(page)
    for expected in (
        "Copie de la CNI ou du titre de séjour",
        "Le PDF contient du code JavaScript",
        "unknown_flag",
        "Force majeure.",
        "Demande tardive pour un cas de force majeure",
        "Tirage au sort : valeur tirée 0,012345, pour un taux de 5",
        "Youssef",
        "Non attribué",
        "Rabat Agdal",
        "L'identité du demandeur n'a pas pu être confirmée.",
        "La demande a été déposée après la date limite.",
        "Le demandeur ne s'est pas présenté au contrôle physique.",
        "Absent",
        "Décision due le : 8 décembre 2026, 11:00 Dans les délais",
    ):
        assert expected in words, expected
    assert '<iframe class="document-frame" id="document-frame" src="/agent/claims/c1/documents/d1"' in page
    assert 'href="/agent/claims/c1/documents/d2"' not in page  # not verified yet: nothing to open
    for action in ("/inspection", "/review", "/approval"):
        assert f'action="/agent/claims/c1{action}"' in page
    assert page.count('name="reasons"') == 7


def test_an_agent_never_sees_the_approval_of_their_own_acceptance(backend, sessions):
    backend.file = {**backend.file, "status": "awaiting_approval", "actions": [], "blocked": "own_decision"}
    page = browser(backend, sessions, AGENT).get("/agent/claims/c1").text
    assert 'action="/agent/claims/c1/approval"' not in page
    assert "attend l'approbation d'un autre agent" in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Vous ne pouvez pas approuver votre propre acceptation"),
        ("ar", "لا يمكنك المصادقة على قبول اتخذته بنفسك"),
    ],
)
def test_a_refusal_of_the_api_is_said_on_the_claim_file_in_the_pages_language(backend, sessions, language, message):
    backend.refusals["approve_review"] = BackendError(409, {"code": "own_decision", "reason": "the agent who ..."})
    response = browser(backend, sessions, AGENT, language).post(
        "/agent/claims/c1/approval", data={"csrf_token": "csrf-token"}
    )
    assert response.status_code == 409
    assert message in response.text and "the agent who" not in response.text
    assert 'role="alert"' in response.text and f'<html lang="{language}"' in response.text


def test_an_action_needs_the_sessions_token_and_this_portals_origin(backend, sessions):
    client = browser(backend, sessions, AGENT)
    assert client.post("/agent/claims/c1/approval", data={"csrf_token": "guessed"}).status_code == 403
    assert (
        client.post(
            "/agent/claims/c1/approval", data={"csrf_token": "csrf-token"}, headers={"Origin": "http://elsewhere.test"}
        ).status_code
        == 403
    )
    assert backend.calls == []


def test_an_inspection_outcome_goes_to_the_api_and_the_file_says_it_is_recorded(backend, sessions):
    client = browser(backend, sessions, AGENT)
    response = client.post(
        "/agent/claims/c1/inspection",
        data={"csrf_token": "csrf-token", "passed": "yes", "reason": "IDENTITY_NOT_CONFIRMED", "notes": " ok "},
    )
    assert response.status_code == 303 and response.headers["location"] == "/agent/claims/c1#flash"
    assert backend.calls[-1] == ("record_inspection", ("c1",), {"passed": True, "reason": None, "notes": "ok"})
    assert "Le contrôle réussi est enregistré." in client.get("/agent/claims/c1").text
    assert "Le contrôle réussi est enregistré." not in client.get("/agent/claims/c1").text  # said once


def test_a_refusal_without_reasons_or_justification_is_sent_back_with_what_to_correct(backend, sessions):
    client = browser(backend, sessions, AGENT)
    response = client.post(
        "/agent/claims/c1/review", data={"csrf_token": "csrf-token", "outcome": "refuse", "justification": "court"}
    )
    assert response.status_code == 422
    assert 'href="#refuse-reasons"' in response.text and 'href="#refuse-justification"' in response.text
    assert ">court</textarea>" in response.text
    assert not [call for call in backend.calls if call[0] == "review_claim"]
    response = client.post(
        "/agent/claims/c1/review",
        data={
            "csrf_token": "csrf-token",
            "outcome": "refuse",
            "reasons": ["DEADLINE_PASSED", "NOT_A_CODE"],
            "justification": "Déposée six ans après la date limite.",
        },
    )
    assert response.status_code == 303
    assert backend.calls[-1] == (
        "review_claim",
        ("c1",),
        {"outcome": "refuse", "reasons": ["DEADLINE_PASSED"], "justification": "Déposée six ans après la date limite."},
    )
    assert "Votre refus est enregistré" in client.get("/agent/claims/c1").text


def test_a_document_is_streamed_with_headers_no_browser_runs_it_by(backend, sessions):
    response = browser(backend, sessions, AGENT).get("/agent/claims/c1/documents/d1")
    assert response.status_code == 200 and response.content == b"%PDF-1.7 fake"
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert headers["content-security-policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["content-disposition"] == 'inline; filename="identity_card-d1.pdf"'


def test_a_document_of_another_type_is_not_served(backend, sessions):
    async def html(*_: Any) -> httpx.Response:
        return httpx.Response(200, content=b"<script>alert(1)</script>", headers={"Content-Type": "text/html"})

    backend.open_document = html  # type: ignore[method-assign]
    response = browser(backend, sessions, AGENT).get("/agent/claims/c1/documents/d1")
    assert response.status_code == 502 and "<script>alert" not in response.text


def test_the_audit_trail_shows_the_agents_own_actions_by_default(backend, sessions):
    client = browser(backend, sessions, AGENT)
    page = text_of(client.get("/agent/audit").text)
    assert backend.calls[-1] == ("audit", (), {"claim_id": None, "agent_id": "900000001", "page": 1})
    assert "Résultat de contrôle enregistré" in page and "Contrôle non concluant" in page
    client.get("/agent/audit?claim_id=c1&agent_id=900000002&page=3")
    assert backend.calls[-1] == ("audit", (), {"claim_id": "c1", "agent_id": None, "page": 3})


def test_an_agent_signing_in_from_the_home_page_lands_in_the_back_office_with_their_agency(backend, sessions):
    oidc = FakeOidc(Identity("900000001", "Agent Anfa", ("agent",), "CASA-ANFA"))
    client = TestClient(make_app(backend, sessions, oidc), base_url=PORTAL_URL, follow_redirects=False)
    pending = asyncio.run(sessions.new({"login": {"state": "s", "nonce": "n", "code_verifier": "v", "next": "/"}}))
    client.cookies.set("taawidaty-session", pending.id)
    response = client.get("/auth/callback?code=c&state=s")
    assert response.status_code == 303 and response.headers["location"] == "/agent"
    (session,) = sessions.sessions.values()
    assert session.user == {"username": "900000001", "name": "Agent Anfa", "roles": ["agent"], "agency": "CASA-ANFA"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Tirage au sort : valeur tirée 0,012345, pour un taux de 5%"),
        ("ar", "القرعة: القيمة المسحوبة 0,012345، مقابل نسبة 5%"),
    ],
)
def test_the_random_draw_is_said_with_its_value_and_rate(language, expected):
    token = i18n.current_language.set(language)
    try:
        said = back_office.inspection_reason("RANDOM(drawn=0.012345,rate=0.05)")
        assert said == expected
        assert back_office.inspection_reason("FORCE_MAJEURE") != "FORCE_MAJEURE"
        assert back_office.inspection_reason("SOMETHING_NEW") == "SOMETHING_NEW"
    finally:
        i18n.current_language.reset(token)
    assert back_office.random_draw("RANDOM(drawn=0.5,rate=0.05)") == (Decimal("0.5"), Decimal("0.05"))
    assert back_office.random_draw("RANDOM(drawn=x,rate=0.05)") is None


def test_the_inspection_queue_is_filtered_by_an_agency_only_when_one_is_known():
    assert back_office.queue_agency("inspection", None, "CASA-ANFA") == "CASA-ANFA"
    assert back_office.queue_agency("inspection", "all", "CASA-ANFA") is None
    assert back_office.queue_agency("inspection", "FES-SAISS", "CASA-ANFA") == "FES-SAISS"
    assert back_office.queue_agency("inspection", "NOWHERE", None) is None
    assert back_office.queue_agency("returned", "FES-SAISS", "CASA-ANFA") is None


def test_the_agents_forms_become_the_apis_bodies():
    assert back_office.inspection_form(FormData({"passed": "no", "reason": "DOCUMENTS_NOT_AUTHENTIC"})) == (
        {"passed": False, "reason": "DOCUMENTS_NOT_AUTHENTIC", "notes": ""},
        {},
    )
    assert back_office.inspection_form(FormData({"passed": "no"}))[1] == {
        "inspection-reason": back_office.FORM_MESSAGES["reason"]
    }
    assert set(back_office.inspection_form(FormData({"notes": "x" * 1001}))[1]) == {
        "inspection-passed",
        "inspection-notes",
    }
    assert back_office.review_form(FormData({"outcome": "accept", "reasons": "DEADLINE_PASSED"})) == (
        {"outcome": "accept", "reasons": [], "justification": ""},
        {},
    )
    assert back_office.review_form(
        FormData(
            [
                ("outcome", "refuse"),
                ("reasons", "INSURED_UNKNOWN"),
                ("reasons", "DEADLINE_PASSED"),
                ("justification", "0123456789"),
            ]
        )
    ) == ({"outcome": "refuse", "reasons": ["INSURED_UNKNOWN", "DEADLINE_PASSED"], "justification": "0123456789"}, {})


def test_every_agency_and_reason_has_words_in_both_languages():
    for language in ("fr", "ar"):
        token = i18n.current_language.set(language)
        try:
            for code, words in [
                *back_office.review_refusal_reasons(),
                *back_office.inspection_failure_reasons(),
                *back_office.agencies(),
            ]:
                assert words and words != code, code
                assert bool(re.search("[\u0600-\u06ff]", words)) == (language == "ar"), words
        finally:
            i18n.current_language.reset(token)


def test_a_refusal_is_said_in_the_refusals_own_words_not_in_those_of_the_manual_review():
    detail = {
        "reasons": ["FORCE_MAJEURE_REVIEW", "SOMETHING_NEW", "ODD"],
        "explanations": [
            {"code": "FORCE_MAJEURE_REVIEW", "fr": "… un agent examine le dossier.", "ar": "…"},
            {"code": "SOMETHING_NEW", "fr": "Nouveau motif.", "ar": "سبب جديد."},
        ],
    }
    assert back_office.refusal_reasons_of(detail) == [
        "Le cas de force majeure invoqué pour le retard n'a pas été retenu.",
        "Nouveau motif.",
        "ODD",
    ]
    token = i18n.current_language.set("ar")
    try:
        assert back_office.refusal_reasons_of({"explanations": detail["explanations"][1:]}) == ["سبب جديد."]
    finally:
        i18n.current_language.reset(token)
