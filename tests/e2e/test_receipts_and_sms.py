"""The deposit receipt as the claimant gets it and anyone can verify it; SMS sent once and only once per event,
whatever is redelivered or however many instances run."""

import asyncio
import ctypes
import os
import re
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from contracts import Topic
from services.notifications.messages import count_parts
from tests.conftest import ROOT
from tests.e2e.flow import (
    ELIGIBLE_CAREER,
    client_for,
    enrol_insured,
    insured_form,
    phone_of,
    submit_claim,
    wait_for_sms,
    wait_for_status,
)
from tests.e2e.kafka_reading import events_of
from tests.e2e.samples import smsc_messages

pytestmark = pytest.mark.e2e


def qr_token(pdf: bytes, tmp_path) -> str:
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", tmp_path / "receipt.pdf", tmp_path / "page"], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "page.png"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return decoded.split("?t=", 1)[1]


async def test_the_claimant_downloads_their_receipt_and_anyone_can_verify_its_code(api, insured, stack, tmp_path):
    created = submit_claim(api, insured_form(insured))
    claim = await wait_for_status(api, created["claim_id"], "receipt_issued")
    pdf = api.get(f"/claims/{created['claim_id']}/receipt")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    link = api.get(f"/claims/{created['claim_id']}/receipt", params={"link": "true"}).json()["url"]
    assert httpx.get(link).content == pdf.content
    with client_for(stack.url("claims"), "111222333") as stranger:
        assert stranger.get(f"/claims/{created['claim_id']}/receipt").status_code == 404

    verification = f"{stack.url('receipts')}/verification"
    token = qr_token(pdf.content, tmp_path)
    answer = httpx.get(verification, params={"t": token}).json()
    assert answer["genuine"] and answer["reference"] == created["reference"]
    assert answer["registration_number"] == "******" + insured[-3:]
    code = next(e for e in claim["timeline"] if e["status"] == "receipt_issued")["detail"]["verification_code"]
    assert httpx.get(verification, params={"code": code}).json()["reference"] == created["reference"]
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert httpx.get(verification, params={"t": tampered}).status_code == 400
    assert httpx.get(verification, params={"code": "AAAAA-AAAAA"}).status_code == 404


async def test_a_redelivered_event_with_two_instances_running_sends_no_second_sms(
    api, insured, stack, servers, producer
):
    created = submit_claim(api, insured_form(insured))
    claim = await wait_for_sms(api, created["claim_id"])
    trigger = Topic.RECEIPT_ISSUED if claim["status"] == "under_inspection" else Topic.CLAIM_ACCEPTED
    stack.start("notifications", instance=1)
    try:
        events = await events_of(servers, trigger, created["claim_id"])
        assert len(events) == 1
        for _ in range(3):
            await producer.send_and_wait(trigger, events[0], key=created["claim_id"].encode())
        await asyncio.sleep(5)
    finally:
        stack.stop("notifications", instance=1)
    assert len([m for m in smsc_messages() if created["reference"] in m.text]) == 1


@pytest.mark.parametrize(
    "language, reason_words",
    [("ar", "أيام الاشتراك تخول الحق في معاش"), ("fr", "jours cotisés suffisants: droit à une pension")],
)
async def test_a_refused_claimant_gets_one_refusal_sms_in_their_language_and_a_redelivery_sends_nothing_more(
    stack, servers, producer, mongo, run_id, language, reason_words
):
    owed_a_pension = {**ELIGIBLE_CAREER, "contribution_days": 3500}
    number = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], owed_a_pension)
    with client_for(stack.url("claims"), number) as api:
        created = submit_claim(api, insured_form(number, language=language))
        claim = await wait_for_sms(api, created["claim_id"], "refusal")
        # "decided", or "selected_for_inspection" when the 5 % random draw picks it: the decision either way
        decided = next(e for e in claim["timeline"] if e["type"] == "claim.decided")
        assert (decided["detail"]["outcome"], decided["detail"]["reasons"]) == ("ineligible", ["PENSION_RIGHTS"])

        events = await events_of(servers, Topic.RECEIPT_ISSUED, created["claim_id"])
        assert len(events) == 1
        for _ in range(3):
            await producer.send_and_wait(Topic.RECEIPT_ISSUED, events[0], key=created["claim_id"].encode())
        await asyncio.sleep(5)
        claim = api.get(f"/claims/{created['claim_id']}").raise_for_status().json()

    assert claim["status"] == "refused"
    sms = [e["detail"]["kind"] for e in claim["timeline"] if e["status"] == "sms_delivered"]
    assert sms == ["refusal"]
    text = (await mongo[f"{run_id}_notifications"]["notifications"].find_one({"claim_id": created["claim_id"]}))["text"]
    parts = [m for m in smsc_messages() if m.receiver == phone_of(number).lstrip("+")]
    assert len(parts) == count_parts(text) and len([m for m in parts if created["reference"] in m.text]) == 1
    received = "".join(m.text for m in parts)
    assert reason_words in received and "080 20 20 109" in received
    assert ("الضمان الاجتماعي" if language == "ar" else "CNSS: demande") in received


async def test_an_sms_is_sent_once_the_gateway_is_back_after_an_outage(api, insured):
    subprocess.run(["bash", ROOT / "deploy/local/stop.sh", "kannel"], check=True, capture_output=True)
    try:
        created = submit_claim(api, insured_form(insured))
        await wait_for_status(api, created["claim_id"], "receipt_issued")
        await asyncio.sleep(2)
    finally:
        subprocess.run(["bash", ROOT / "deploy/local/start.sh", "kannel"], check=True, capture_output=True)
    await wait_for_sms(api, created["claim_id"], timeout_s=120)
    assert len([m for m in smsc_messages() if created["reference"] in m.text]) == 1


def test_the_gateway_s_boxes_send_each_write_to_each_other_at_once():
    """start.sh loads tcp-nodelay.c into bearerbox and smsbox: both ends of their link have TCP_NODELAY set (without
    it, a send asking for delivery reports waited 44 ms for a delayed ACK, and its reports came 42 ms later). Read
    from each box's own socket, through pidfd_getfd."""
    run = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run"))
    conf = (run / "kannel" / "kannel.conf").read_text()
    link_port = int(re.search(r"^smsbox-port = (\d+)$", conf, re.MULTILINE).group(1))
    for box in ("smsbox", "bearerbox"):
        pid = int((run / "pids" / f"{box}.pid").read_text())
        connections = tcp_connections_of(pid)
        link = [c for c in connections if link_port in (c.getsockname()[1], c.getpeername()[1])]
        try:
            assert link, f"{box} has no connection to the other box"
            assert all(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in link), box
        finally:
            for connection in connections:
                connection.close()


def tcp_connections_of(pid: int) -> list[socket.socket]:
    """Copies of the process's connected TCP sockets (pidfd_open and pidfd_getfd, Linux 5.6)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd_open, pidfd_getfd = 434, 438
    pidfd = libc.syscall(pidfd_open, pid, 0)
    assert pidfd >= 0, os.strerror(ctypes.get_errno())
    found = []
    try:
        for entry in Path(f"/proc/{pid}/fd").iterdir():
            if not os.readlink(entry).startswith("socket:"):
                continue
            copy = libc.syscall(pidfd_getfd, pidfd, int(entry.name), 0)
            assert copy >= 0, os.strerror(ctypes.get_errno())
            connection = socket.socket(fileno=copy)
            try:
                connection.getpeername()
            except OSError:  # listening, or not connected
                connection.close()
                continue
            if connection.family in (socket.AF_INET, socket.AF_INET6) and connection.type == socket.SOCK_STREAM:
                found.append(connection)
            else:
                connection.close()
    finally:
        os.close(pidfd)
    return found


async def test_an_sms_whose_sender_died_before_the_gateway_got_it_is_sent_once_after_the_restart(
    api, insured, stack, tmp_path
):
    marker = tmp_path / "crash-before-sms"
    unsent_soon = {"NOTIFICATIONS_UNCONFIRMED_AFTER_S": "5", "NOTIFICATIONS_UNSENT_SWEEP_INTERVAL_S": "1"}
    stack.restart_to_crash_at("notifications", "BEFORE_SMS", marker, unsent_soon)
    try:
        created = submit_claim(api, insured_form(insured))
        await stack.crashed("notifications", marker)
        stack.stop("notifications")
        stack.start("notifications", extra_env=unsent_soon)  # the event is redelivered: already "sending", not sent
        claim = await wait_for_sms(api, created["claim_id"], timeout_s=60)
    finally:
        stack.stop("notifications")
        stack.start("notifications")
    assert len([m for m in smsc_messages() if created["reference"] in m.text]) == 1
    assert [e["status"] for e in claim["timeline"]].count("sms_delivered") == 1
