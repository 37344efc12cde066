"""The notifications service's subscribers and delivery-report route through FastStream's test broker and an ASGI
client, with in-memory ports: each event's SMS goes out once, recorded before it is sent, and every status change it
goes through is published once."""

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts import (
    ClaimAccepted,
    ClaimRefused,
    DocumentsIncomplete,
    Event,
    InvitationDue,
    Topic,
)
from services.notifications.adapters.gateway import PermanentGatewayError, TransientGatewayError
from services.notifications.domain import sms_for
from services.notifications.handlers import register
from services.notifications.use_cases import SmsSender
from services.runtime.auth import Caller
from services.runtime.kafka import headers_for, serialize
from tests.unit.notifications.fakes import FakeGateway, MemoryOptOuts, MemorySmsRecords
from tests.unit.notifications.test_choice_of_sms import CLAIM, ENVELOPE, issued
from tests.unit.runtime.fakes import MemoryOutbox

REPORTS = "http://notifications.test/delivery-reports"
FR = {**ENVELOPE, "claim": CLAIM.model_copy(update={"language": "fr"})}


PORTAL = "https://taawidaty.cnss.ma"
GATEWAY_TOKEN = "t" * 40
AGENT, INSURED = Caller("900000001", is_agent=True), Caller("123456789", is_agent=False)


class Service:
    def __init__(self) -> None:
        self.gateway, self.outbox, self.opt_outs = FakeGateway(), MemoryOutbox(), MemoryOptOuts()
        self.records = MemorySmsRecords(self.outbox)
        self.sender = SmsSender(self.gateway, self.records, self.outbox, self.opt_outs, REPORTS, PORTAL, max_parts=4)
        self.broker = KafkaBroker()
        self.app = FastAPI()
        self.caller = AGENT
        self.app.include_router(register(self.broker, self.sender, GATEWAY_TOKEN, lambda: self.caller))

    async def deliver(self, topic: str, *events: Event | InvitationDue) -> None:
        async with TestKafkaBroker(self.broker) as test_broker:
            for event in events:
                key = getattr(event, "claim_id", None) or event.registration_number
                await test_broker.publish(serialize(event), topic, key=key.encode(), headers=headers_for(event))

    async def call(self, method: str, path: str, **options) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as client:
            return await client.request(method, path, **options)

    async def report(self, notification_id: str, report_type: int) -> httpx.Response:
        return await self.call("GET", "/delivery-reports", params={"id": notification_id, "type": report_type})

    async def incoming(self, sender: str, text: str, token: str = GATEWAY_TOKEN) -> httpx.Response:
        return await self.call("GET", "/incoming-sms", params={"from": sender, "text": text, "token": token})

    def statuses(self) -> list[tuple[str, str]]:
        return [(sent["notification_id"], sent["status"]) for _, sent in self.outbox.published]


@pytest.mark.parametrize(
    "topic, event, kind",
    [
        (Topic.RECEIPT_ISSUED, issued(selected=True), "inspection"),
        (Topic.DOCUMENTS_INCOMPLETE, DocumentsIncomplete(**FR, missing=("bank_details",)), "missing_documents"),
        (Topic.CLAIM_ACCEPTED, ClaimAccepted(**FR, amount=Decimal("1234.50")), "acceptance"),
        (
            Topic.CLAIM_REFUSED,
            ClaimRefused(**FR, reasons=("DOCUMENTS_NOT_AUTHENTIC",), agent_id="900000001"),
            "refusal",
        ),
    ],
    ids=["receipt-issued", "documents-incomplete", "claim-accepted", "claim-refused"],
)
async def test_each_event_sends_its_sms_once_even_redelivered_and_publishes_that_the_gateway_took_it(
    topic, event, kind
):
    service = Service()
    await service.deliver(topic, event, event)
    notification_id = f"{event.event_id}:{kind}"
    [(to, text, report_url)] = service.gateway.sent
    assert (to, report_url) == (CLAIM.phone, f"{REPORTS}?id={notification_id}&type=%d")
    assert CLAIM.reference in text
    assert service.outbox.published[0][0] == Topic.NOTIFICATION_STATUS
    assert service.statuses() == [(notification_id, "queued")]


async def test_an_event_that_calls_for_no_sms_sends_and_records_nothing():
    service = Service()
    await service.deliver(Topic.RECEIPT_ISSUED, issued(selected=False))
    assert (service.gateway.sent, service.records.records, service.outbox.published) == ([], {}, [])


async def test_a_gateway_out_of_reach_fails_the_handler_and_the_redelivered_event_sends_the_sms():
    service, event = Service(), ClaimAccepted(**FR, amount=Decimal("10.00"))
    service.gateway.failure = TransientGatewayError("gateway unreachable")
    with pytest.raises(TransientGatewayError):
        await service.deliver(Topic.CLAIM_ACCEPTED, event)
    assert (service.records.records[f"{event.event_id}:acceptance"].status, service.outbox.published) == ("retry", [])
    service.gateway.failure = None
    await service.deliver(Topic.CLAIM_ACCEPTED, event)
    assert len(service.gateway.sent) == 1
    assert service.statuses() == [(f"{event.event_id}:acceptance", "queued")]


async def test_a_batch_sends_every_sms_but_the_one_the_gateway_could_not_take_which_its_redelivery_sends():
    service = Service()
    events = [ClaimAccepted(**FR, amount=Decimal(f"{n}.00")) for n in (10, 20, 30)]
    unlucky = f"{events[1].event_id}:acceptance"
    service.gateway.failing_for = unlucky
    with pytest.raises(TransientGatewayError):
        await service.sender.send_for(*events)
    assert sorted(service.statuses()) == sorted((f"{e.event_id}:acceptance", "queued") for e in (events[0], events[2]))
    assert service.records.records[unlucky].status == "retry"
    service.gateway.failing_for = None
    await service.sender.send_for(*events)
    assert len(service.gateway.sent) == 3
    assert service.statuses()[-1] == (unlucky, "queued")


async def test_a_message_the_gateway_refuses_for_good_is_published_as_failed_and_not_sent_again():
    service, event = Service(), ClaimAccepted(**FR, amount=Decimal("10.00"))
    service.gateway.failure = PermanentGatewayError("invalid number")
    await service.deliver(Topic.CLAIM_ACCEPTED, event, event)
    assert service.statuses() == [(f"{event.event_id}:acceptance", "failed")]
    assert service.outbox.published[0][1]["detail"] == "invalid number"


async def test_delivery_reports_move_the_sms_forward_only_and_each_change_is_published():
    service, event = Service(), issued(selected=True)
    await service.deliver(Topic.RECEIPT_ISSUED, event)
    notification_id = f"{event.event_id}:inspection"
    answers = [await service.report(notification_id, report_type) for report_type in (8, 1, 8, 99)]
    assert [(a.status_code, a.json(), a.headers["connection"]) for a in answers] == [
        (200, {"status": "recorded"}, "close")
    ] * 4
    assert service.statuses() == [
        (notification_id, "queued"),
        (notification_id, "sent"),
        (notification_id, "delivered"),
    ]
    assert (await service.report("unknown:acceptance", 1)).json() == {"status": "recorded"}


async def test_an_sms_a_crash_left_unsent_is_sent_again_once_by_the_sweep():
    service, event = Service(), ClaimAccepted(**FR, amount=Decimal("10.00"))
    await service.records.claim_for_sending(sms_for(event, 4))  # recorded, then the process died before sending
    await service.sender.resend_unsent(unconfirmed_after_s=-60)
    await service.sender.resend_unsent(unconfirmed_after_s=-60)
    assert len(service.gateway.sent) == 1
    assert service.statuses() == [(f"{event.event_id}:acceptance", "queued")]


def invitation(
    milestone: str = "12m", phone: str = "+212612345678", language: str = "fr", reference: str | None = None
) -> InvitationDue:
    return InvitationDue(
        reference=reference,
        correlation_id="campaign",
        producer="eligibility",
        invitation_id=f"123456789:2029-03-31:{milestone}",
        registration_number="123456789",
        phone=phone,
        language=language,
        period="P3",
        deadline="2029-03-31",
        milestone=milestone,
    )


async def test_an_invitation_goes_out_once_in_its_language_with_the_portal_and_publishes_no_claim_status():
    service = Service()
    await service.deliver(Topic.INVITATIONS, invitation(), invitation(), invitation(language="ar", milestone="6m"))
    [(to, french, report_url), (_, arabic, _)] = service.gateway.sent
    assert to == "+212612345678" and report_url.startswith(f"{REPORTS}?id=invitation:123456789:2029-03-31:12m&")
    assert "31/03/2029" in french and PORTAL in french and "STOP" in french and "remboursement" in french
    assert "31/03/2029" in arabic and PORTAL in arabic and "استرجاع" in arabic
    assert (await service.report("invitation:123456789:2029-03-31:12m", 1)).status_code == 200
    assert service.records.records["invitation:123456789:2029-03-31:12m"].status == "delivered"
    assert service.outbox.published == []  # an invitation belongs to no claim's timeline


@pytest.mark.parametrize("sender", ["+212612345678", "212612345678", "0612345678", "00212612345678"])
async def test_a_stop_reply_from_the_gateway_stops_the_invitations_to_that_phone(sender):
    service = Service()
    answer = await service.incoming(sender, " Stop ")
    assert (answer.status_code, answer.content) == (200, b"")  # Kannel replies nothing
    await service.deliver(Topic.INVITATIONS, invitation())
    assert service.gateway.sent == [] and service.opt_outs.keys == {"phone:+212612345678": ("sms", None)}


async def test_other_incoming_sms_and_a_wrong_token_change_nothing():
    service = Service()
    assert (await service.incoming("+212612345678", "bonjour")).status_code == 200
    refused = await service.incoming("+212612345678", "STOP", token="forged")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert (await service.incoming("+33612345678", "STOP")).status_code == 200  # not a Moroccan mobile
    await service.deliver(Topic.INVITATIONS, invitation())
    assert len(service.gateway.sent) == 1 and service.opt_outs.keys == {}


async def test_an_agent_opts_an_insured_out_and_nobody_else_may():
    service = Service()
    service.caller = INSURED
    refused = await service.call("POST", "/opt-outs", json={"registration_number": "123456789"})
    assert (refused.status_code, refused.json()["code"]) == (403, "agents_only")
    service.caller = AGENT
    assert (await service.call("POST", "/opt-outs", json={})).json()["code"] == "nobody_named"
    assert (await service.call("POST", "/opt-outs", json={"phone": "0612"})).status_code == 422
    done = await service.call("POST", "/opt-outs", json={"registration_number": "123456789"})
    assert (done.status_code, done.json()) == (201, {"status": "opted_out"})
    await service.deliver(Topic.INVITATIONS, invitation(phone="+212712345678"))
    assert service.gateway.sent == [] and service.opt_outs.keys == {"insured:123456789": ("agent", "900000001")}


async def test_a_reminder_names_the_unfinished_claim_and_its_deadline_once():
    service = Service()
    reminder = invitation(milestone="reminder", reference="RCS-20261120-AAAA0001")
    await service.deliver(Topic.INVITATIONS, reminder, reminder)
    [(_, text, _)] = service.gateway.sent
    assert "RCS-20261120-AAAA0001" in text and "n'est pas terminée" in text and "31/03/2029" in text
