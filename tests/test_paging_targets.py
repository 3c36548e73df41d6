"""Who a target reaches at the moment of paging, and paging by hand through the lifecycle."""

import pytest
from sqlalchemy import select

from bot.escalation import targets
from bot.incidents import lifecycle
from storage.models import IncidentEvent
from tests.support.paging import apply_yaml, fast_team_yaml, quiesce


@pytest.fixture
async def team(bot, tmp_path):
    await apply_yaml(bot.ctx.db, fast_team_yaml(), tmp_path)
    yield bot
    await quiesce(bot)


async def resolve(bot, wanted, *, team_on_call=False):
    async with bot.ctx.db.sessions() as session:
        return await targets.resolve(session, wanted, bot.clock.now(), team_on_call=team_on_call)


def who(resolution):
    return sorted((r.slack_user_id, r.is_shadow) for r in resolution.recipients)


async def test_schedule_reaches_the_person_on_call_and_copies_the_shadow(team):
    found = await resolve(team, ["schedule:ops"])
    assert who(found) == [("U0CAROL", False), ("U0ERIN", True)]
    assert next(r for r in found.recipients if r.is_shadow).shadowing == "U0CAROL"


async def test_team_means_every_member_in_a_policy_but_its_people_on_call_by_hand(team):
    assert who(await resolve(team, ["team:payments"])) == [
        ("U0ALICE", False),
        ("U0BOB", False),
        ("U0CAROL", False),
        ("U0DAVE", False),
    ]
    assert who(await resolve(team, ["team:payments"], team_on_call=True)) == [
        ("U0BOB", False),
        ("U0CAROL", False),
        ("U0ERIN", True),
    ]


async def test_service_reaches_its_teams_developers_on_call(team):
    assert who(await resolve(team, ["service:checkout"])) == [("U0BOB", False)]


async def test_people_slack_users_duplicates_and_mistakes(team):
    found = await resolve(
        team,
        ["person:dave", "slack:U0ZOE", "person:dave", "schedule:ops", "person:erin", "schedule:nope", "wat"],
    )
    # erin, named directly, is a responder: that beats her shadow copy
    assert who(found) == [("U0CAROL", False), ("U0DAVE", False), ("U0ERIN", False), ("U0ZOE", False)]
    assert found.problems == ["`schedule:nope`: no such schedule", "`wat` is not a target"]


async def test_page_targets_pages_by_hand_and_records_who_did_it(team, slack):
    bot = team
    now = bot.clock.now()
    async with bot.ctx.db.transaction() as session:
        opened = await lifecycle.open_incident(
            session,
            now=now,
            title="Declared by hand",
            severity=2,
            service_id="checkout",
            source="slack",
            declared_by="U0ALICE",
        )
        incident_id = opened.incident.id
    async with bot.ctx.db.transaction() as session:
        outcome = await lifecycle.page_targets(
            session, incident_id, ["service:checkout", "schedule:nope"], by="U0ALICE", now=now
        )
    assert [p.slack_user_id for p in outcome.pages] == ["U0BOB"]
    assert "Paged <@U0BOB>" in outcome.message and "no such schedule" in outcome.message
    await bot.deliver()
    dm = await slack.expect_dm("U0BOB", contains=["You are paged", "paged by <@U0ALICE>", "Declared by hand"])
    assert "Acknowledge" in dm.text_content
    async with bot.ctx.db.sessions() as session:
        paged = (
            await session.scalars(
                select(IncidentEvent).where(IncidentEvent.kind == "paged", IncidentEvent.actor == "U0ALICE")
            )
        ).all()
    assert [e.data["slack"] for e in paged] == ["U0BOB"]
    async with bot.ctx.db.transaction() as session:  # bob was paged: he may now acknowledge
        acked = await lifecycle.acknowledge(session, incident_id, by="U0BOB", now=now)
    assert acked.changed and acked.incident.acknowledged_by == "U0BOB"
