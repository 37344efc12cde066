"""Send the SMS an event calls for, once, and follow its delivery reports; invite to file, and stop inviting those
who reply STOP or whom an agent opts out."""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, ConfigDict, Field

from contracts import ClaimAccepted, ClaimRefused, DocumentsIncomplete, InvitationDue, ReceiptIssued, Topic
from contracts.scalars import MoroccanMobile
from services.notifications.domain import asks_to_stop, mobile_from_gateway, opt_out_keys, status_of_report
from services.notifications.use_cases import SmsSender
from services.runtime.auth import Caller
from services.runtime.dead_letters import PermanentErrors
from services.runtime.kafka import read_batch, subscriber
from services.runtime.problems import ApiError, ProblemRoute, problems


class OptOut(BaseModel):
    """Whom an agent stops inviting: an insured (by registration number) or a phone."""

    model_config = ConfigDict(extra="forbid")

    registration_number: str | None = Field(None, pattern=r"^\d{9}$")
    phone: MoroccanMobile | None = None


def register(broker: KafkaBroker, sender: SmsSender, incoming_sms_token: str, current_caller: Any) -> APIRouter:
    # Receipts and acceptances, an SMS a claim, come in batches of what has arrived: recorded in one write and sent
    # at once. The unreadable events are dead-lettered each alone.
    @subscriber(broker, Topic.RECEIPT_ISSUED, group_id="notifications-receipts", batch=True)
    async def on_receipts_issued(values: list[bytes]) -> None:
        await send_for_batch(sender, values, ReceiptIssued)

    @subscriber(broker, Topic.DOCUMENTS_INCOMPLETE, group_id="notifications-incomplete")
    async def on_documents_incomplete(event: DocumentsIncomplete) -> None:
        await sender.send_for(event)

    @subscriber(broker, Topic.CLAIM_ACCEPTED, group_id="notifications-acceptances", batch=True)
    async def on_claims_accepted(values: list[bytes]) -> None:
        await send_for_batch(sender, values, ClaimAccepted)

    @subscriber(broker, Topic.CLAIM_REFUSED, group_id="notifications-refusals")
    async def on_claim_refused(event: ClaimRefused) -> None:
        await sender.send_for(event)

    @subscriber(broker, Topic.INVITATIONS, group_id="notifications-invitations")
    async def on_invitation_due(invitation: InvitationDue) -> None:
        await sender.invite(invitation)

    router = APIRouter(tags=["delivery reports", "opt-outs"], route_class=ProblemRoute)

    @router.get("/delivery-reports")
    async def on_delivery_report(
        response: Response, id: str = Query(max_length=200), type: int = Query()
    ) -> dict[str, str]:
        """Kannel's dlr-url. The connection is closed after each report: Kannel would otherwise reuse a
        kept-alive connection the server may have closed meanwhile, and that report would be lost."""
        response.headers["Connection"] = "close"
        if (status := status_of_report(type)) is not None:
            await sender.record_report(id, status, f"delivery report type {type}")
        return {"status": "recorded"}

    @router.get("/incoming-sms", responses=problems(403))
    async def on_incoming_sms(
        sender_number: Annotated[str, Query(alias="from", max_length=32)],
        text: Annotated[str, Query(max_length=640)],
        token: Annotated[str, Query(max_length=200)],
    ) -> Response:
        """Kannel's MO get-url: a reply "STOP" (or ARRET, توقف) stops the invitations to that phone. Kannel sends the
        body back as a reply SMS: it is empty, nothing is sent."""
        if not hmac.compare_digest(token.encode(), incoming_sms_token.encode()):
            raise ApiError(status.HTTP_403_FORBIDDEN, "forbidden", "not the gateway's token")
        if asks_to_stop(text) and (phone := mobile_from_gateway(sender_number)):
            for key in opt_out_keys(phone=phone):
                await sender.stop_invitations(key, "sms")
        return Response(status_code=status.HTTP_200_OK)

    @router.post("/opt-outs", status_code=status.HTTP_201_CREATED, responses=problems(400, 401, 403))
    async def opt_out(opt_out: OptOut, caller: Annotated[Caller, Depends(current_caller)]) -> dict[str, str]:
        """An agent stops the invitations to an insured or a phone (at the person's request at an agency)."""
        if not caller.is_agent:
            raise ApiError(status.HTTP_403_FORBIDDEN, "agents_only", "only an agent may opt someone out")
        keys = opt_out_keys(opt_out.phone, opt_out.registration_number)
        if not keys:
            raise ApiError(status.HTTP_400_BAD_REQUEST, "nobody_named", "give a registration_number or a phone")
        for key in keys:
            await sender.stop_invitations(key, "agent", caller.subject)
        return {"status": "opted_out"}

    return router


async def send_for_batch(
    sender: SmsSender, values: list[bytes], event_type: type[ReceiptIssued | ClaimAccepted]
) -> None:
    events, failed = read_batch(values, event_type.model_validate_json)
    await sender.send_for(*events.values())
    if failed:
        raise PermanentErrors(failed)
