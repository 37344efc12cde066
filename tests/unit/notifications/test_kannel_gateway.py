"""How the Kannel adapter reads the gateway's answers and shares its connections (the real gateway is exercised by the
e2e tests)."""

import asyncio

import httpx
import pytest

from services.notifications.adapters.gateway import KannelGateway, PermanentGatewayError, TransientGatewayError


def gateway(answer) -> tuple[KannelGateway, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return KannelGateway("http://kannel/cgi-bin/sendsms", "user", "secret", "CNSS", client), seen


async def test_arabic_goes_out_as_ucs2_with_the_delivery_report_url():
    sms, seen = gateway(lambda _: httpx.Response(202, text="0: Accepted for delivery"))
    await sms.send("+212661000001", "تم قبول طلبكم", "http://notifications/delivery-reports?id=n1&type=%d")
    query = seen[0].url.params
    assert (query["coding"], query["charset"], query["dlr-mask"]) == ("2", "UTF-8", "31")
    assert query["dlr-url"].endswith("type=%d") and query["text"] == "تم قبول طلبكم"


async def test_plain_french_goes_out_as_gsm7():
    sms, seen = gateway(lambda _: httpx.Response(202))
    await sms.send("+212661000001", "Votre demande est acceptée", "http://n/d")
    assert seen[0].url.params["coding"] == "0"


@pytest.mark.parametrize(
    "answer, error",
    [
        (lambda _: httpx.Response(503, text="queue full"), TransientGatewayError),
        (lambda _: httpx.Response(403, text="Authorization failed"), PermanentGatewayError),
        (lambda _: httpx.Response(400, text="Invalid receiver"), PermanentGatewayError),
    ],
)
async def test_gateway_refusals_are_told_apart(answer, error):
    sms, _ = gateway(answer)
    with pytest.raises(error):
        await sms.send("+212661000001", "x", "http://n/d")


async def test_an_unreachable_gateway_is_a_transient_failure():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sms, _ = gateway(refuse)
    with pytest.raises(TransientGatewayError):
        await sms.send("+212661000001", "x", "http://n/d")


async def test_sends_at_once_share_the_connections_kept_open():
    """Twenty sends at once go over the three connections asked for, kept open from one send to the next; a client
    opening one for each send made smsbox, whose listen backlog is 10, leave some waiting a second."""
    opened, open_now, most_open = 0, 0, 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal opened, open_now, most_open
        opened, open_now = opened + 1, open_now + 1
        most_open = max(most_open, open_now)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(0.01)
                writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 24\r\n\r\n0: Accepted for delivery")
                await writer.drain()
        except asyncio.IncompleteReadError:
            pass
        finally:
            open_now -= 1
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/cgi-bin/sendsms"
    sms = KannelGateway(url, "user", "secret", "CNSS", connections=3)
    async with server:
        await asyncio.gather(*(sms.send("+212661000001", f"n{index}", "http://n/d") for index in range(20)))
        await sms.send("+212661000001", "later", "http://n/d")
        await sms.close()
    assert (opened, most_open) == (3, 3)
