"""Who a campaign invites and when (services/eligibility/outreach.py), and a campaign run over in-memory ports: each
invitation asked for once across runs, never for those who filed, dry runs publish nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import CareerRecord, InsuredContact, InvitationDue
from services.eligibility.outreach import CampaignPolicy, add_months, due_milestone, invitation_for, reminder_for
from services.eligibility.registry import UnfinishedClaim
from services.eligibility.use_cases import RunCampaign
from tests.fakes.eligibility import InMemoryCareers, InMemoryIdSet, InMemoryUnfinished

TODAY = date(2026, 12, 1)
POLICY = CampaignPolicy()
P3 = {"birth_date": "1963-06-01", "contribution_days": 900, "ceased_activity_on": "2023-01-01"}  # deadline 2029-03-31
SITUATIONS = {  # name: (career, the invitation due on TODAY as (period, deadline, milestone), or None)
    "p3-owed": (P3, ("P3", "2029-03-31", "first")),
    "p2-late-cessation": (
        {"birth_date": "1958-01-10", "contribution_days": 3000, "ceased_activity_on": "2022-06-30"},
        ("P2", "2027-06-30", "12m"),
    ),
    "p4-event-in-2-months": (
        {"birth_date": "1967-02-15", "contribution_days": 500, "ceased_activity_on": "2026-06-30"},
        ("P4", "2032-02-15", "first"),
    ),
    "miner-at-55": (
        {
            "birth_date": "1970-01-01",
            "contribution_days": 100,
            "ceased_activity_on": "2024-01-01",
            "underground_mining_years": 6,
        },
        ("P3", "2029-03-31", "first"),
    ),
    "event-in-4-months": ({**P3, "birth_date": "1967-04-15", "ceased_activity_on": "2026-06-30"}, None),
    "p2-deadline-passed": (
        {"birth_date": "1958-01-10", "contribution_days": 900, "ceased_activity_on": "2017-12-31"},
        None,
    ),
    "pension-rights": ({**P3, "contribution_days": 1320}, None),
    "still-at-work": ({**P3, "ceased_activity_on": None}, None),
    "deceased": ({**P3, "death_date": "2025-05-01"}, None),
    "refunded": ({**P3, "already_refunded": True}, None),
    "has-pension": ({**P3, "has_pension": True}, None),
    "before-2000": ({**P3, "birth_date": "1935-01-01", "ceased_activity_on": "1994-01-01"}, None),
}


@pytest.mark.parametrize("name", SITUATIONS)
def test_the_rules_decide_who_is_invited_and_at_which_milestone(name):
    career, expected = SITUATIONS[name]
    found = invitation_for("123456789", CareerRecord.model_validate(career), TODAY, POLICY)
    assert (found and (found.period, found.deadline.isoformat(), found.milestone)) == expected


@pytest.mark.parametrize(
    ("today", "milestone"),
    [
        ("2028-03-30", "first"),
        ("2028-03-31", "12m"),
        ("2028-09-29", "12m"),
        ("2028-09-30", "6m"),
        ("2029-02-27", "6m"),
        ("2029-02-28", "1m"),  # a month before 31 March: February has no 31st
        ("2029-03-31", "1m"),
    ],
)
def test_the_milestone_is_the_nearest_one_reached(today, milestone):
    assert due_milestone(date(2029, 3, 31), date.fromisoformat(today), (12, 6, 1)) == milestone


def test_the_deadline_day_is_the_last_one_invited_for():
    career = CareerRecord.model_validate(P3)
    assert invitation_for("1", career, date(2029, 3, 31), POLICY).milestone == "1m"
    assert invitation_for("1", career, date(2029, 4, 1), POLICY) is None


def test_months_land_on_the_same_day_or_the_last_of_a_shorter_month():
    assert add_months(date(2029, 3, 31), -1) == date(2029, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 1), 3) == date(2027, 3, 1)
    assert add_months(date(2027, 1, 15), -13) == date(2025, 12, 15)


class Campaign:
    def __init__(self) -> None:
        self.registry, self.filings, self.asked = InMemoryCareers(), InMemoryIdSet(), InMemoryIdSet()
        self.unfinished = InMemoryUnfinished()
        self.published: list[InvitationDue] = []

        async def publish(event: InvitationDue) -> None:
            self.published.append(event)

        self.run = RunCampaign(self.registry, self.filings, self.unfinished, self.asked, publish, POLICY, batch_size=3)

    async def enrol(self, number: str, career: dict, contact: InsuredContact | None) -> None:
        await self.registry.upsert(number, CareerRecord.model_validate(career), contact)


async def test_a_campaign_asks_for_each_invitation_once_and_never_for_who_filed_or_cannot_be_reached():
    campaign = Campaign()
    for index, (career, _) in enumerate(SITUATIONS.values()):
        await campaign.enrol(f"{index:09d}", career, InsuredContact(phone=f"+2126{index:08d}", language="ar"))
    await campaign.enrol("100000001", P3, None)  # no phone in the registry
    await campaign.enrol("100000002", P3, InsuredContact(phone="+212700000002"))
    await campaign.filings.add(["100000002"], first_claim_id="c1")

    dry = await campaign.run(TODAY, dry_run=True)
    assert campaign.published == [] and campaign.asked.ids == {}
    report = await campaign.run(TODAY)
    assert report == dry
    assert dict(report.due) == {("first", "P3"): 2, ("12m", "P2"): 1, ("first", "P4"): 1}
    assert (report.read, report.filed, report.no_contact, report.asked_before) == (len(SITUATIONS) + 2, 1, 1, 0)
    assert sorted(e.invitation_id for e in campaign.published) == [
        "000000000:2029-03-31:first",
        "000000001:2027-06-30:12m",
        "000000002:2032-02-15:first",
        "000000003:2029-03-31:first",
    ]
    assert {(e.language, e.phone) for e in campaign.published if e.registration_number == "000000000"} == {
        ("ar", "+212600000000")
    }

    again = await campaign.run(TODAY)
    assert (again.invited, again.asked_before, len(campaign.published)) == (0, 4, 4)
    later = await campaign.run(date(2027, 1, 1))  # P2's 6 months milestone is reached
    assert [e.invitation_id for e in campaign.published[4:]] == ["000000001:2027-06-30:6m"]
    assert later.invited == 1


DEADLINE_SOON = {"birth_date": "1961-12-15", "contribution_days": 900, "ceased_activity_on": "2021-06-30"}  # 2026-12-15


def unfinished(number: str = "123456789", claimant_type: str = "insured") -> UnfinishedClaim:
    return UnfinishedClaim(number, "c1", "RCS-20261120-AAAA0001", claimant_type, "+212612345678", "ar")


@pytest.mark.parametrize(
    ("career", "today", "due"),
    [
        (DEADLINE_SOON, TODAY, ("P2", "2026-12-15", "reminder", "RCS-20261120-AAAA0001")),
        (DEADLINE_SOON, date(2026, 11, 14), None),  # 31 days before: not yet
        (DEADLINE_SOON, date(2026, 11, 15), ("P2", "2026-12-15", "reminder", "RCS-20261120-AAAA0001")),
        (DEADLINE_SOON, date(2026, 12, 15), ("P2", "2026-12-15", "reminder", "RCS-20261120-AAAA0001")),
        (DEADLINE_SOON, date(2026, 12, 16), None),  # too late to remind
        (P3, TODAY, None),  # 2029: far
    ],
)
def test_a_claim_left_unfinished_is_reminded_of_within_a_month_of_its_deadline(career, today, due):
    found = reminder_for(unfinished(), CareerRecord.model_validate(career), today, POLICY)
    assert (found and (found.period, found.deadline.isoformat(), found.milestone, found.reference)) == due


def test_a_survivors_claim_is_reminded_of_by_the_date_of_death_and_not_without_one():
    died = CareerRecord.model_validate({**P3, "death_date": "2021-12-20"})  # P2, R = E = death: 2026-12-20
    found = reminder_for(unfinished(claimant_type="survivors"), died, TODAY, POLICY)
    assert (found.period, found.deadline) == ("P2", date(2026, 12, 20))
    alive = CareerRecord.model_validate(P3)
    assert reminder_for(unfinished(claimant_type="survivors"), alive, TODAY, POLICY) is None


async def test_a_campaign_reminds_once_those_whose_claim_is_unfinished_and_not_those_who_submitted_it():
    campaign = Campaign()
    for number in ("200000001", "200000002", "200000003"):  # each owed a refund, with a phone in the registry
        await campaign.enrol(number, DEADLINE_SOON, InsuredContact(phone="+212700000009"))
    await campaign.filings.add(["200000002", "200000003"])
    left = datetime(2026, 11, 20, 10, tzinfo=UTC)
    await campaign.unfinished.left(unfinished("200000001"), left)  # a draft
    await campaign.unfinished.left(unfinished("200000002"), left)  # submitted since
    await campaign.unfinished.submitted("200000002", left + timedelta(hours=1))
    await campaign.unfinished.submitted("200000003", left + timedelta(hours=1))  # returned after its submission
    await campaign.unfinished.left(unfinished("200000003"), left + timedelta(days=2))
    report = await campaign.run(TODAY)
    assert sorted(e.invitation_id for e in campaign.published) == [
        "200000001:2026-12-15:reminder",
        "200000003:2026-12-15:reminder",
    ]
    assert {(e.phone, e.language, e.reference) for e in campaign.published} == {
        ("+212612345678", "ar", "RCS-20261120-AAAA0001")
    }
    assert (report.reminders, report.invited, dict(report.due)) == (2, 0, {("reminder", "P2"): 2})  # not invited
    assert report.filed == 3
    again = await campaign.run(TODAY + timedelta(days=1))
    assert (again.reminders, again.asked_before, len(campaign.published)) == (0, 2, 2)
