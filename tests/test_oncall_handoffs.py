"""Handoffs from database state: announced once across replicas and restarts, a heads-up an hour
before, the team's user group following, nothing replayed after long downtime.

With tests/fixtures/team.yaml the next handoff is payments-ops on Sat 28 Nov 09:00 Berlin
(08:00 UTC): carol (ops) goes off, dave (dev, the weekend layer) comes on; erin shadows.
"""

from datetime import UTC, datetime, timedelta

from storage.models import Incident, Service
from tests.support import harness
from tests.support.oncall import settle

HANDOFF = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _handoffs(slack) -> list:
    return [m for m in slack.messages_in("C0PAYMENTS") if "Handoff for *payments-ops*" in m.text_content]


def _group_updates(slack, users: set[str]) -> list:
    return [
        c for c in slack.calls_to("usergroups.users.update") if set(c.params["users"].split(",")) == users
    ]


async def _open_incident(bot, title: str, state: str = "triggered") -> None:
    async with bot.ctx.db.transaction() as session:
        assert await session.get(Service, "checkout") is not None
        session.add(
            Incident(service_id="checkout", title=title, severity=2, state=state, created_at=bot.clock.now())
        )


async def test_a_handoff_is_announced_once_across_replicas_and_a_restart(
    team_bot, slack, database_url, clock
):
    await _open_incident(team_bot, "Checkout <slow> for EU")
    await _open_incident(team_bot, "Old one", state="resolved")
    await settle(team_bot)
    replica = await harness.start_bot(harness.test_settings(database_url, slack.api_url), clock)
    try:
        clock.set(HANDOFF + timedelta(seconds=30))
        await team_bot.run_due()
        await replica.run_due()
        await settle(team_bot)
        await settle(replica)
    finally:
        await replica.stop()

    [message] = _handoffs(slack)
    shown = message.text_content
    assert "<@U0CAROL> (ops) goes off, <@U0DAVE> (dev) comes on until <!date^" in shown
    assert "Shadowing: <@U0ERIN> (dev)" in shown
    assert "(sev2, triggered)" in shown and "Checkout &lt;slow&gt; for EU" in shown
    assert "Old one" not in shown
    # ops: dave (weekend), dev: dave (this week): the group is just dave, set once for this handoff.
    assert len(_group_updates(slack, {"U0DAVE"})) == 1
    assert slack.workspace.usergroups["S0PAYONCALL"].users == ["U0DAVE"]

    # A restart a few minutes later neither repeats nor loses anything.
    clock.advance(timedelta(minutes=5))
    restarted = await harness.start_bot(harness.test_settings(database_url, slack.api_url), clock)
    try:
        await settle(restarted)
    finally:
        await restarted.stop()
    assert len(_handoffs(slack)) == 1
    assert len(_group_updates(slack, {"U0DAVE"})) == 1


async def test_a_handoff_missed_during_downtime_is_announced_late_once(team_bot, slack, clock):
    await settle(team_bot)
    clock.set(HANDOFF + timedelta(minutes=40))  # the bot was away across the handoff
    await settle(team_bot)
    await settle(team_bot)
    assert len(_handoffs(slack)) == 1


async def test_handoffs_older_than_an_hour_are_not_replayed(team_bot, slack, clock):
    await settle(team_bot)
    clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))  # days later: several handoffs went by
    await settle(team_bot)
    assert _handoffs(slack) == []
    assert [m for m in slack.messages_in("C0PAYMENTS") if "Handoff for" in m.text_content] == []
    # The next one is announced as usual.
    clock.set(datetime(2026, 12, 5, 8, 0, 1, tzinfo=UTC))  # Sat 5 Dec 09:00 Berlin: dave's weekend
    await settle(team_bot)
    assert len(_handoffs(slack)) == 1


async def test_the_incoming_person_gets_a_heads_up_an_hour_before(team_bot, slack, clock):
    await settle(team_bot)
    clock.set(HANDOFF - timedelta(minutes=61))
    await settle(team_bot)
    assert [m for m in slack.messages_in("U0DAVE") if "Heads-up" in m.text_content] == []
    clock.set(HANDOFF - timedelta(minutes=59))
    await settle(team_bot)
    dm = await slack.expect_dm("U0DAVE", contains="Heads-up: your on-call shift for *payments-ops*")
    assert "starts Sat 28 Nov 09:00 CET until Sat 28 Nov 21:00 CET" in dm.text_content
    clock.advance(timedelta(minutes=30))
    await settle(team_bot)
    assert len([m for m in slack.messages_in("U0DAVE") if "Heads-up" in m.text_content]) == 1
    assert _handoffs(slack) == []
