"""The SMS gateway port, and Kannel's `sendsms` HTTP interface behind it."""

from typing import Protocol

import httpx

from services.notifications.messages import needs_ucs2


class TransientGatewayError(Exception):
    """The gateway could not take the message now; sending again later may work."""


class PermanentGatewayError(Exception):
    """The gateway refused the message for good (invalid number, bad request)."""


class SmsGateway(Protocol):
    async def send(self, to: str, text: str, delivery_report_url: str) -> None: ...


class KannelGateway:
    """Kannel's sendsms over at most `connections` kept open, the sends beyond them queueing for one (opening more
    than its listen backlog of 10 at once, smsbox made some wait a second for their connection to be retried)."""

    def __init__(
        self,
        sendsms_url: str,
        username: str,
        password: str,
        sender: str,
        client: httpx.AsyncClient | None = None,
        *,
        connections: int = 4,
    ) -> None:
        self.sendsms_url = sendsms_url
        self.credentials = {"username": username, "password": password}
        self.sender = sender
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.client = client or httpx.AsyncClient(timeout=10, limits=limits)

    async def send(self, to: str, text: str, delivery_report_url: str) -> None:
        ucs2 = needs_ucs2(text)
        params = {
            **self.credentials,
            "from": self.sender,
            "to": to,
            "charset": "UTF-8",
            "text": text,
            "coding": "2" if ucs2 else "0",
            "dlr-mask": "31",
            "dlr-url": delivery_report_url,
        }
        try:
            response = await self.client.get(self.sendsms_url, params=params)
        except httpx.HTTPError as error:
            raise TransientGatewayError(f"gateway unreachable: {type(error).__name__}") from error
        if response.status_code in (200, 202):
            return
        if response.status_code >= 500:
            raise TransientGatewayError(f"gateway answered {response.status_code}: {response.text[:200]}")
        raise PermanentGatewayError(f"gateway refused the message ({response.status_code}): {response.text[:200]}")

    async def close(self) -> None:
        await self.client.aclose()
