"""Escalation through the emulator with second-scale timeouts, on a fake clock moved by the test."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage.models import Incident, IncidentEvent, Page
from tests.support.paging import apply_yaml, fast_team_yaml, pd_trigger, post_json, quiesce


@pytest.fixture(autouse=True)
async def _quiet_teardown(bot):
    yield
    await quiesce(bot)


@pytest.fixture
async def fast_bot(bot, tmp_path):
    await apply_yaml(bot.ctx.db, fast_team_yaml(timeout="2s", repeat=1), tmp_path)
    return bot


async def trigger(bot, **kwargs) -> str:
    status, body = await post_json(f"{bot.url}/v2/enqueue", pd_trigger(**kwargs))
    assert status == 202, body
    await bot.run_due()
    return body["dedup_key"]


async def tick(bot, seconds: float) -> None:
    bot.clock.advance(timedelta(seconds=seconds))
    await bot.run_due()


async def responder_pages(bot) -> list[tuple[str, int, int]]:
    async with bot.ctx.db.sessions() as session:
        rows = await session.scalars(select(Page).where(Page.is_shadow.is_(False)).order_by(Page.id))
        return [(p.slack_user_id, p.level, p.loop) for p in rows]


async def kinds(bot) -> list[str]:
    async with bot.ctx.db.sessions() as session:
        return list(await session.scalars(select(IncidentEvent.kind).order_by(IncidentEvent.id)))


async def test_no_ack_pages_level_two_then_repeats_then_calls_here(fast_bot, slack):
    bot = fast_bot
    await trigger(bot)
    await slack.expect_dm(
        "U0CAROL", contains=["You are paged", "level 1 of escalation policy", "Acknowledge"]
    )
    fyi = await slack.expect_dm("U0ERIN", contains="FYI, you shadow")
    assert "Acknowledge" not in fyi.text_content  # shadows cannot acknowledge for the primary
    await slack.expect_message("C0INCIDENTS", contains=["Paged <@U0CAROL>", "level 1", "FYI to <@U0ERIN>"])

    await tick(bot, 1.5)  # not yet due
    assert await responder_pages(bot) == [("U0CAROL", 1, 0)]
    await tick(bot, 0.5)
    await slack.expect_dm("U0BOB", contains=["You are paged", "level 2 of escalation policy"])
    await slack.expect_message("C0INCIDENTS", contains=["Paged <@U0BOB>", "level 2"])

    await tick(bot, 2)  # repeat: 1 -> the whole policy once more
    await slack.expect_message("C0INCIDENTS", contains=["Paged <@U0CAROL>", "round 2"])
    await tick(bot, 2)
    await slack.expect_message("C0INCIDENTS", contains=["Paged <@U0BOB>", "round 2"])
    assert await responder_pages(bot) == [
        ("U0CAROL", 1, 0),
        ("U0BOB", 2, 0),
        ("U0CAROL", 1, 1),
        ("U0BOB", 2, 1),
    ]

    await tick(bot, 2)
    here = await slack.expect_message("C0INCIDENTS", contains="Nobody acknowledged")
    assert here.text.startswith("<!here>") and "paged 2 times" in here.text
    await tick(bot, 60)
    await slack.expect_no_message("C0INCIDENTS", within=0.3)
    assert len(await responder_pages(bot)) == 4
    assert (await kinds(bot)).count("escalation_exhausted") == 1
    async with bot.ctx.db.sessions() as session:
        incident = await session.scalar(select(Incident))
    assert incident.state == "triggered" and incident.next_escalation_at is None


async def test_acknowledging_stops_the_escalation(fast_bot, slack):
    bot = fast_bot
    await trigger(bot)
    page = await slack.expect_dm("U0CAROL", contains="Acknowledge")
    await slack.user("U0CAROL").click(page, "Acknowledge")
    await bot.deliver()
    await slack.expect_message("C0INCIDENTS", contains="<@U0CAROL> acknowledged incident #1")
    updated = await slack.expect_dm("U0CAROL", contains="Acknowledged by <@U0CAROL>")
    assert "Acknowledge" not in [b for b in updated.text_content.splitlines()]  # the button is gone
    for _ in range(5):
        await tick(bot, 2)
    await slack.expect_no_message("U0BOB", within=0.3)
    assert await responder_pages(bot) == [("U0CAROL", 1, 0)]
    events = await kinds(bot)
    assert events.count("acknowledged") == 1 and "escalated" not in events
    assert bot.ctx.metrics.pages_sent._value.get() == 1


async def test_escalate_button_pages_the_next_level_now(fast_bot, slack):
    bot = fast_bot
    await trigger(bot)
    page = await slack.expect_dm("U0CAROL", contains="Escalate")
    await slack.user("U0CAROL").click(page, "Escalate")
    await slack.expect_ephemeral("U0CAROL", contains=["Escalated incident #1 to level 2", "<@U0BOB>"])
    await bot.deliver()
    await slack.expect_dm("U0BOB", contains=["level 2 of escalation policy", "escalated by <@U0CAROL>"])
    await tick(bot, 1)
    assert await responder_pages(bot) == [
        ("U0CAROL", 1, 0),
        ("U0BOB", 2, 0),
    ]  # the timer restarted at level 2


async def test_resolve_button_ends_it_and_page_buttons_become_a_status_line(fast_bot, slack):
    bot = fast_bot
    dedup = await trigger(bot)
    await tick(bot, 2)
    bob_page = await slack.expect_dm("U0BOB", contains="Resolve")
    await slack.user("U0BOB").click(bob_page, "Resolve")
    await bot.deliver()
    for user in ("U0CAROL", "U0BOB", "U0ERIN"):
        dm = await slack.expect_dm(user, contains="Resolved by <@U0BOB>")
        assert dm.blocks and not [b for b in dm.blocks if b["type"] == "actions"]
    await tick(bot, 30)
    assert len(await responder_pages(bot)) == 2
    # the alert key is free again: the same dedup key opens a new incident
    await trigger(bot, dedup_key=dedup)
    await slack.expect_dm("U0CAROL", contains="incident #2")
    async with bot.ctx.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Incident)) == 2


async def test_sev4_opens_without_paging_and_escalate_pages_level_one(fast_bot, slack):
    bot = fast_bot
    await trigger(bot, severity="info")
    await tick(bot, 10)
    assert await responder_pages(bot) == []
    await slack.user("U0ALICE").command("/incident", "escalate #1", channel="C0GENERAL")  # alice is an admin
    await slack.expect_ephemeral("U0ALICE", contains="Escalated incident #1 to level 1")
    await bot.deliver()
    await slack.expect_dm("U0CAROL", contains="SEV4")
