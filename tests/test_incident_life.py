"""The full life of an incident through the emulator: declared (by command, by the form, from a
message), its channel, the people in it, its topic, the announcement updated in place, a developer
paged in, a pinned message, the resolution with MTTA/MTTR, the timeline.

tests/fixtures/team.yaml at the FakeClock's start (Mon 2026-11-23 09:00 UTC): carol holds
payments-ops (erin shadows her), dave holds payments-dev; alice is an admin.
"""

from datetime import timedelta

from storage.outbox import find_message
from tests.support.incidents import channel_of, events, incident, message_shortcut, settled

ANNOUNCEMENT = "incident:1:announcement"


async def announcement_messages(bot, slack):
    """Top-level messages in the incidents channel that announce incident #1: one, the keyed one."""
    async with bot.ctx.db.sessions() as session:
        handle = await find_message(session, ANNOUNCEMENT)
    found = [
        m
        for m in slack.messages_in("C0INCIDENTS")
        if not m.is_reply and m.text.startswith(("Incident #1 ", "Resolved #1 "))
    ]
    assert handle is not None and [m.ts for m in found] == [handle.ts]
    return found


async def test_declared_by_command_from_declare_to_resolve(team_bot, slack, clock):
    bot = team_bot
    alice, carol = slack.user("U0ALICE"), slack.user("U0CAROL")

    await alice.command(
        "/incident", "declare Checkout API returns 500s sev2 service:checkout", channel="C0GENERAL"
    )
    reply = await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    channel_id = await channel_of(bot)
    assert f"<#{channel_id}>" in reply.text_content
    await bot.deliver()

    # the channel: its name, who is in it, its topic, its header
    channel = slack.workspace.channels[channel_id]
    assert channel.name == "inc-1-checkout-api-returns-500s"
    assert {"U0ALICE", "U0CAROL"} <= channel.members  # the declarer (commander) and the ops on call
    assert "U0DAVE" not in channel.members  # the developer comes when paged
    assert channel.topic == "SEV2 · checkout · IC @alice · investigating"
    header = await slack.expect_message(
        channel_id, contains=["Incident #1", "Incident commander: <@U0ALICE>"]
    )
    assert "Dev lead: —" in header.text_content
    await slack.expect_dm("U0CAROL", contains="You are paged")  # level 1 of the payments policy

    # the announcement in the incidents channel
    announced = await slack.expect_message("C0INCIDENTS", contains=["Incident #1", f"<#{channel_id}>"])
    assert "Investigating" in announced.text_content

    # carol acknowledges after 4 minutes, in the channel: she becomes the commander
    clock.advance(timedelta(minutes=4))
    await carol.command("/incident", "ack", channel=channel_id)
    await slack.expect_ephemeral("U0CAROL", contains="You acknowledged incident #1")
    await settled(
        bot,
        lambda: _topic_is(slack, channel_id, "SEV2 · checkout · IC @carol · investigating"),
        what="the topic naming carol",
    )

    # a status update goes to the channel and under the announcement
    clock.advance(timedelta(minutes=2))
    await carol.command("/incident", "status identified: a bad deploy of checkout", channel=channel_id)
    await slack.expect_ephemeral("U0CAROL", contains="Posted a status update on incident #1")
    await bot.deliver()
    await slack.expect_message(channel_id, contains=["Identified", "a bad deploy of checkout"])
    threaded = await slack.expect_message(
        "C0INCIDENTS", contains="a bad deploy of checkout", where=lambda m: m.is_reply
    )
    assert threaded.thread_ts == (await announcement_messages(bot, slack))[0].ts
    assert slack.workspace.channels[channel_id].topic.endswith("· identified")

    # the developer on call is paged in, and invited
    await carol.command("/incident", "page service:checkout", channel=channel_id)
    await slack.expect_ephemeral("U0CAROL", contains=["Paged <@U0DAVE>", "invited to its channel"])
    await bot.deliver()
    await slack.expect_dm("U0DAVE", contains="You are paged")
    await settled(bot, lambda: _member(slack, channel_id, "U0DAVE"), what="dave invited")
    await slack.expect_message(channel_id, contains=["Paged <@U0DAVE>", "paged by <@U0CAROL>"])

    # a message marked with :pushpin: joins the timeline
    said = await slack.user("U0DAVE").say(channel_id, "Rolling back checkout to v41")
    await carol.react(said, "pushpin")
    pinned = await settled(bot, lambda: events(bot, kind="pinned"), what="the pushpin captured")
    assert pinned[0].data["text"] == "Rolling back checkout to v41" and pinned[0].data["author"] == "U0DAVE"
    assert pinned[0].actor == "U0CAROL"

    # resolved 16 minutes after it was declared
    clock.advance(timedelta(minutes=10))
    await carol.command("/incident", "resolve Rolled back to v41", channel=channel_id)
    await slack.expect_ephemeral("U0CAROL", contains="You resolved incident #1")
    await bot.deliver()
    summary = await slack.expect_message(channel_id, contains="is resolved")
    content = summary.text_content
    assert "Time to acknowledge: *4m 00s*" in content and "time to resolve: *16m 00s*" in content
    assert "Rolled back to v41" in content
    assert "<@U0CAROL>: incident commander" in content and "<@U0DAVE>: paged" in content
    assert "<@U0ALICE>: declared it" in content

    # one announcement, updated in place all along
    [announcement] = await announcement_messages(bot, slack)
    assert "Resolved #1" in announcement.text_content and "16m 00s" in announcement.text_content
    updates = [c for c in slack.calls_to("chat.update") if c.params.get("ts") == announcement.ts]
    assert len(updates) >= 4

    # the timeline, in alice's time zone (Europe/Berlin: UTC+1)
    await alice.command("/incident", "timeline", channel=channel_id)
    timeline = await slack.expect_ephemeral("U0ALICE", contains="Timeline of incident #1")
    text = timeline.text_content
    assert "Europe/Berlin" in text and "`10:00`" in text and "`10:16`" in text
    assert "Rolling back checkout to v41" in text and "Acknowledged by <@U0CAROL>" in text
    assert (await incident(bot)).archive_at == clock.now() + timedelta(days=7)


async def _topic_is(slack, channel_id: str, topic: str) -> bool:
    return slack.workspace.channels[channel_id].topic == topic


async def _member(slack, channel_id: str, user: str) -> bool:
    return user in slack.workspace.channels[channel_id].members


async def test_declared_through_the_form(team_bot, slack):
    alice = slack.user("U0ALICE")
    await alice.command("/incident", "declare", channel="C0GENERAL")
    form = await slack.expect_view("U0ALICE", callback_id="declare_incident")
    errors = await alice.submit(form, values={"title": "x" * 201, "severity": "2", "service": "checkout"})
    assert "limit is 200" in errors["title"]
    errors = await alice.submit(
        form,
        values={
            "title": "Payments are slow",
            "severity": "2",
            "service": "checkout",
            "description": "p99 is 4 s since 09:00",
        },
    )
    assert errors == {}
    channel_id = await channel_of(team_bot)
    await team_bot.deliver()
    assert slack.workspace.channels[channel_id].name == "inc-1-payments-are-slow"
    await slack.expect_ephemeral(
        "U0ALICE", contains=["You declared incident #1", f"<#{channel_id}>"], channel="C0GENERAL"
    )
    header = await slack.expect_message(channel_id, contains="p99 is 4 s since 09:00")
    assert "SEV2" in header.text_content
    found = await incident(team_bot)
    assert (found.severity, found.service_id, found.declared_by, found.source) == (
        2,
        "checkout",
        "U0ALICE",
        "slack",
    )
    await slack.expect_message("C0INCIDENTS", contains=["Incident #1", "Payments are slow"])


async def test_declared_from_a_message(team_bot, slack):
    said = await slack.user("U0BOB").say(
        "C0PAYMENTS", "Card payments fail for <@U0ALICE> & everyone\nsince 9"
    )
    await message_shortcut(slack, "U0BOB", said)
    form = await slack.expect_view("U0BOB", callback_id="declare_incident")
    title = next(b for b in form.blocks if b["block_id"] == "title")["element"]["initial_value"]
    assert title == "Card payments fail for @alice & everyone"
    # (the emulator does not carry initial values into the submitted state, so bob "types" them)
    assert (
        await slack.user("U0BOB").submit(form, values={"title": title, "severity": "SEV1 · critical"}) == {}
    )
    channel_id = await channel_of(team_bot)
    await team_bot.deliver()
    found = await incident(team_bot)
    assert found.severity == 1 and found.title == title
    assert found.links[0]["href"].startswith("http")  # the message's permalink, bookmarked
    await settled(team_bot, lambda: _bookmarked(slack, channel_id), what="the permalink bookmarked")


async def _bookmarked(slack, channel_id: str) -> bool:
    return bool(slack.workspace.bookmarks.get(channel_id))
