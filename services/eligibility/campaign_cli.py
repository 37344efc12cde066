"""`campaign [--dry-run] [--today YYYY-MM-DD]`: invite the insured who are owed a refund and have not asked for it
to file before their deadline, and remind those whose claim is left as a draft or returned for documents to submit
it before then (services/eligibility/outreach.py says who and when). Run by an operator, or on a
schedule (deploy/k8s/eligibility.yaml's CronJob): each invitation goes out once however often it runs.

Prints one line per milestone and period (`first P4 1234`, `reminder P2 12`), then the totals; `--dry-run` publishes
nothing. Exit 0, or 2 on bad arguments."""

import argparse
import asyncio
import resource
import time
from datetime import date

from faststream.kafka import KafkaBroker

from contracts import InvitationDue, Topic
from services.eligibility.config import EligibilitySettings
from services.eligibility.outreach import CampaignPolicy
from services.eligibility.registry import IdSet, InsuredRegistry, UnfinishedClaims
from services.eligibility.use_cases import CampaignReport, RunCampaign
from services.runtime.kafka import ensure_topics, headers_for, serialize
from services.runtime.logs import configure_logging
from services.runtime.mongo import open_database
from services.runtime.publishing import publish


async def run(settings: EligibilitySettings, today: date, dry_run: bool) -> CampaignReport:
    client, database = open_database(settings.mongodb_url, settings.database_prefix, "eligibility")
    broker = KafkaBroker(settings.kafka_bootstrap_servers, acks="all", enable_idempotence=True, logger=None)
    try:
        if not dry_run:
            await ensure_topics(
                settings.kafka_bootstrap_servers, settings.kafka_topic_partitions, settings.kafka_topic_replication
            )
            await broker.connect()

        async def publish_invitation(event: InvitationDue) -> None:
            await publish(
                broker,
                serialize(event),
                Topic.INVITATIONS,
                key=event.registration_number.encode(),
                headers=headers_for(event),
            )

        campaign = RunCampaign(
            InsuredRegistry(database["insured"]),
            IdSet(database["filings"]),
            UnfinishedClaims(database["unfinished"]),
            IdSet(database["invitations"]),
            publish_invitation,
            CampaignPolicy(
                milestones_months=settings.campaign_milestones_months,
                lookahead_months=settings.campaign_lookahead_months,
                reminder_days=settings.campaign_reminder_days,
            ),
            settings.campaign_batch_size,
        )
        return await campaign(today, dry_run)
    finally:
        await broker.stop()
        await client.close()


def main(argv: list[str], settings: EligibilitySettings) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.eligibility campaign")
    parser.add_argument("--dry-run", action="store_true", help="count who would be invited, publish nothing")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="the day to judge on")
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    configure_logging("eligibility")  # personal data masked, as the service's
    started = time.monotonic()
    report = asyncio.run(run(settings, arguments.today, arguments.dry_run))
    for (milestone, period), count in sorted(report.due.items()):
        print(f"{milestone} {period} {count}")
    invite, remind = ("would invite", "would remind") if arguments.dry_run else ("invited", "reminded")
    print(
        f"{invite} {report.invited} of {report.read} insured read in {time.monotonic() - started:.1f}s; not "
        f"invited: {report.filed} filed or started a claim, {report.asked_before} asked for at this milestone "
        f"before, {report.no_contact} without a phone in the registry, {report.unreadable} unreadable records; "
        f"{remind} {report.reminders} claimants of a claim left unfinished; peak "
        f"memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return 0
