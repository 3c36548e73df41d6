"""Who may answer a page, answering twice, answering too late, and `/incident ack|escalate|resolve`."""

import asyncio

import pytest
from sqlalchemy import select, update

from storage.models import Incident, IncidentEvent
from tests.support.paging import apply_yaml, fast_team_yaml, pd_trigger, post_json, quiesce


@pytest.fixture(autouse=True)
async def _quiet_teardown(bot):
    yield
    await quiesce(bot)


@pytest.fixture
async def paged(bot, slack, tmp_path):
    """One incident (#1) paging carol, with erin shadowing; the sender is paused so the test
    decides when page updates reach Slack."""
    await apply_yaml(bot.ctx.db, fast_team_yaml(timeout="5m"), tmp_path)
    status, _ = await post_json(f"{bot.url}/v2/enqueue", pd_trigger("Checkout is down"))
    assert status == 202
    await bot.ctx.sender.stop()
    await bot.deliver()
    return await slack.expect_dm("U0CAROL", contains="Acknowledge")


async def events_of(bot, kind: str) -> list[IncidentEvent]:
    async with bot.ctx.db.sessions() as session:
        return list(await session.scalars(select(IncidentEvent).where(IncidentEvent.kind == kind)))


async def state(bot) -> str:
    async with bot.ctx.db.sessions() as session:
        return await session.scalar(select(Incident.state).where(Incident.id == 1))


async def reaches(bot, expected: str) -> None:
    """Bolt acks a click before its listener runs: wait until the change is in the database."""
    for _ in range(250):
        if await state(bot) == expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"incident #1 never became {expected}; it is {await state(bot)}")


async def test_a_stranger_pressing_a_button_gets_an_explanation_and_nothing_changes(bot, slack, paged):
    for label in ("Acknowledge", "Escalate", "Resolve"):
        await slack.user("U0DAVE").click(paged, label)
        await slack.expect_ephemeral("U0DAVE", contains="You were not paged for incident #1")
    assert await state(bot) == "triggered"
    assert await events_of(bot, "acknowledged") == [] and await events_of(bot, "escalated") == []


async def test_a_shadow_cannot_acknowledge_for_the_primary(bot, slack, paged):
    await slack.user("U0ERIN").command("/incident", "ack #1", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ERIN", contains="not paged for incident #1")
    assert await state(bot) == "triggered"


async def test_an_admin_may_answer_any_page(bot, slack, paged):
    await slack.user("U0ALICE").click(paged, "Acknowledge")
    await reaches(bot, "acknowledged")
    await bot.deliver()
    await slack.expect_message("C0INCIDENTS", contains="<@U0ALICE> acknowledged incident #1")
    assert await state(bot) == "acknowledged"


async def test_acknowledge_pressed_twice_at_once_acknowledges_once(bot, slack, paged):
    carol = slack.user("U0CAROL")
    await asyncio.gather(carol.click(paged, "Acknowledge"), carol.click(paged, "Acknowledge"))
    await slack.expect_ephemeral("U0CAROL", contains="already acknowledged by <@U0CAROL>")
    assert len(await events_of(bot, "acknowledged")) == 1
    await carol.command("/incident", "ack #1", channel="C0GENERAL")
    await slack.expect_ephemeral("U0CAROL", contains="Incident #1 is already acknowledged")
    assert len(await events_of(bot, "acknowledged")) == 1


async def test_a_button_on_a_resolved_incident_explains_and_changes_nothing(bot, slack, paged):
    status, _ = await post_json(
        f"{bot.url}/v2/enqueue",
        {"routing_key": pd_trigger()["routing_key"], "event_action": "resolve", "dedup_key": "unknown"},
    )
    assert status == 202  # an unknown key is dropped, as PagerDuty does
    await slack.user("U0CAROL").command("/incident", "resolve #1 rolled back", channel="C0GENERAL")
    await slack.expect_ephemeral("U0CAROL", contains="You resolved incident #1")
    # the DM update has not been delivered yet: carol still sees the buttons and presses one
    await slack.user("U0CAROL").click(paged, "Acknowledge")
    await slack.expect_ephemeral("U0CAROL", contains="Incident #1 is already resolved (by <@U0CAROL>")
    await slack.user("U0CAROL").click(paged, "Escalate")
    await slack.expect_ephemeral("U0CAROL", contains="already resolved")
    assert await events_of(bot, "acknowledged") == [] and len(await events_of(bot, "resolved")) == 1
    await bot.deliver()
    dm = await slack.expect_dm("U0CAROL", contains="Resolved by <@U0CAROL>")
    assert not [b for b in dm.blocks if b["type"] == "actions"]
    async with bot.ctx.db.sessions() as session:
        assert (await session.get(Incident, 1)).summary == "rolled back"
    await slack.expect_message(contains=["<@U0CAROL> resolved incident #1", "Summary: rolled back"])


async def test_commands_outside_an_incident_channel_need_an_id(bot, slack, paged):
    carol = slack.user("U0CAROL")
    await carol.command("/incident", "ack", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0CAROL", contains="Which incident?")
    assert (
        "`/incident ack #42`" in reply.text_content and "/incident declare" in reply.text_content
    )  # with usage
    await carol.command("/incident", "escalate #999", channel="C0GENERAL")
    await slack.expect_ephemeral("U0CAROL", contains="There is no incident #999")
    assert await state(bot) == "triggered"


async def test_in_the_incident_channel_the_incident_is_implied(bot, slack, paged):
    async with bot.ctx.db.transaction() as session:
        await session.execute(update(Incident).where(Incident.id == 1).values(channel_id="C0PAYMENTS"))
    await slack.user("U0CAROL").command("/incident", "ack", channel="C0PAYMENTS")
    await slack.expect_ephemeral("U0CAROL", contains="You acknowledged incident #1")
    await bot.deliver()
    # lines about the incident now go to its own channel
    await slack.expect_message("C0PAYMENTS", contains="<@U0CAROL> acknowledged incident #1")
    await slack.user("U0CAROL").command("/incident", "escalate", channel="C0PAYMENTS")
    await slack.expect_ephemeral("U0CAROL", contains=["Escalated incident #1 to level 2", "<@U0BOB>"])
    await bot.deliver()
    await slack.expect_message("C0PAYMENTS", contains=["Paged <@U0BOB>", "escalated by <@U0CAROL>"])
    assert await state(bot) == "triggered"  # escalating asks for more help: the timer runs again


async def test_untrusted_alert_text_pings_nobody(bot, slack, tmp_path):
    await apply_yaml(bot.ctx.db, fast_team_yaml(), tmp_path)
    await post_json(f"{bot.url}/v2/enqueue", pd_trigger("<!channel> <@U0ZOE> & <https://evil|click>"))
    await bot.run_due()
    dm = await slack.expect_dm("U0CAROL", contains="You are paged")
    line = await slack.expect_message("C0INCIDENTS", contains="Paged")
    for text in (dm.text, dm.text_content, line.text):
        assert "<!channel>" not in text and "<@U0ZOE>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt; &lt;@U0ZOE&gt; &amp;" in line.text
