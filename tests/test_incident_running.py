"""Running an incident over time: status reminders, severity changes that page, roles, `/incident
list`, alert-opened channels, archiving 7 days after the resolve, and reopening."""

import asyncio
from datetime import timedelta

from bot.incidents import measures
from tests.support.incidents import channel_of, events, incident, settled
from tests.support.paging import pd_trigger, post_json

KEY = "0123456789abcdef0123456789abcdef"  # checkout's integration key in tests/fixtures/team.yaml


async def declare(slack, bot, text: str, user: str = "U0ALICE") -> str:
    await slack.user(user).command("/incident", f"declare {text}", channel="C0GENERAL")
    await slack.expect_ephemeral(user, contains="You declared incident #")
    channel_id = await channel_of(bot)
    await bot.deliver()
    return channel_id


async def test_the_commander_is_reminded_when_no_status_is_posted(team_bot, slack, clock):
    bot = team_bot
    channel_id = await declare(slack, bot, "Checkout down sev1 service:checkout")
    clock.advance(timedelta(minutes=29))
    await bot.run_due()
    await slack.expect_no_message("U0ALICE", contains="no status update", within=0.3)
    clock.advance(timedelta(minutes=2))
    await bot.run_due()
    reminder = await slack.expect_dm("U0ALICE", contains="has had no status update for 30m 00s")
    assert f"<#{channel_id}>" in reminder.text
    await bot.run_due()  # claimed once: a second pass sends nothing more
    assert len([m for m in slack.messages_in("U0ALICE") if "no status update" in m.text]) == 1

    # a status update moves the reminder on by 30 minutes from then
    await slack.user("U0ALICE").command("/incident", "status monitoring: the fix is out", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="Status: monitoring")
    clock.advance(timedelta(minutes=29))
    await bot.run_due()
    assert len([m for m in slack.messages_in("U0ALICE") if "no status update" in m.text]) == 1
    clock.advance(timedelta(minutes=2))
    await bot.run_due()
    await settled(bot, lambda: _count(slack, "U0ALICE", "no status update", 2), what="a second reminder")

    # sev3 is not chased
    await slack.user("U0ALICE").command("/incident", "sev 3", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="now SEV3")
    assert (await incident(bot)).status_reminder_at is None


async def _count(slack, channel: str, text: str, expected: int) -> bool:
    return len([m for m in slack.messages_in(channel) if text in m.text]) == expected


async def test_raising_the_severity_starts_paging_when_nobody_was_paged(team_bot, slack):
    channel_id = await declare(slack, team_bot, "Checkout slow sev4 service:checkout")
    assert await events(team_bot, kind="paged") == []  # sev4 pages nobody
    await slack.user("U0ALICE").command("/incident", "sev 2", channel=channel_id)
    await slack.expect_ephemeral(
        "U0ALICE", contains=["now SEV2 (was SEV4)", "It now pages: paged <@U0CAROL>"]
    )
    await team_bot.deliver()
    await slack.expect_dm("U0CAROL", contains="You are paged")
    await settled(team_bot, lambda: _member(slack, channel_id, "U0CAROL"), what="carol invited")
    assert slack.workspace.channels[channel_id].topic.startswith("SEV2 · checkout")
    # raising it again pages nobody twice: the policy is running already
    await slack.user("U0ALICE").command("/incident", "sev 1", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="now SEV1 (was SEV2).")
    assert len([e for e in await events(team_bot, kind="paged") if not e.data["shadow"]]) == 1


async def _member(slack, channel_id: str, user: str) -> bool:
    return user in slack.workspace.channels[channel_id].members


async def test_roles_show_in_the_header_and_bring_people_in(team_bot, slack):
    channel_id = await declare(slack, team_bot, "Checkout down service:checkout")
    alice = slack.user("U0ALICE")
    await alice.command("/incident", "role dev @bob", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="<@U0BOB> is now dev lead of incident #1")
    await alice.command("/incident", "role commander @dave", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="<@U0DAVE> is now incident commander")
    await team_bot.deliver()
    await slack.expect_message(channel_id, contains=["Incident commander: <@U0DAVE>", "Dev lead: <@U0BOB>"])
    await settled(team_bot, lambda: _member(slack, channel_id, "U0BOB"), what="bob invited")
    assert " · IC @dave · " in slack.workspace.channels[channel_id].topic
    # an explicit commander is not replaced by the first acknowledgement
    await slack.user("U0CAROL").command("/incident", "ack", channel=channel_id)
    await slack.expect_ephemeral("U0CAROL", contains="You acknowledged")
    await team_bot.deliver()
    assert " · IC @dave · " in slack.workspace.channels[channel_id].topic
    await alice.command("/incident", "role boss @bob", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="`boss` is not a role")
    await slack.user("U0BOB").command("/incident", "role comms me", channel=channel_id)  # bob holds a role
    await slack.expect_ephemeral("U0BOB", contains="<@U0BOB> is now comms lead")


async def test_list_shows_open_incidents_with_severity_age_commander_and_service(team_bot, slack, clock):
    await declare(slack, team_bot, "Checkout down sev2 service:checkout")
    clock.advance(timedelta(minutes=90))
    await slack.user("U0BOB").command("/incident", "declare Search is flaky sev3", channel="C0GENERAL")
    await slack.expect_ephemeral("U0BOB", contains="You declared incident #2")
    await slack.user("U0ALICE").command("/incident", "list", channel="C0GENERAL")
    listed = await slack.expect_ephemeral("U0ALICE", contains="Open incidents (2)")
    text = listed.text_content
    assert text.index("#1 · SEV2") < text.index("#2 · SEV3")
    assert "1h 30m old · <@U0ALICE> · checkout" in text and "0s old · <@U0BOB> · no service" in text


async def test_alerts_get_a_channel_from_sev2_up_and_when_raised(team_bot, slack):
    status, _ = await post_json(
        f"{team_bot.url}/v2/enqueue", pd_trigger("Disk full", key=KEY, severity="error")
    )
    assert status == 202
    await team_bot.run_due()
    channel_id = await channel_of(team_bot, 1)
    assert slack.workspace.channels[channel_id].name == "inc-1-disk-full"
    assert "U0CAROL" in slack.workspace.channels[channel_id].members  # the ops on call
    await post_json(f"{team_bot.url}/v2/enqueue", pd_trigger("Latency high", key=KEY, severity="warning"))
    await team_bot.run_due()
    assert (await incident(team_bot, 2)).channel_id is None  # sev3: no channel
    await slack.expect_message("C0INCIDENTS", contains=["Incident #2", "Latency high"])
    await slack.user("U0ALICE").command("/incident", "sev 2 #2", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="Incident #2 is now SEV2")
    await team_bot.run_due()
    second = await channel_of(team_bot, 2)
    assert slack.workspace.channels[second].name == "inc-2-latency-high"


async def test_the_channel_is_archived_7_days_after_the_resolve(team_bot, slack, clock):
    channel_id = await declare(slack, team_bot, "Checkout down")
    await slack.user("U0ALICE").command("/incident", "resolve it was DNS", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="You resolved incident #1")
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    await team_bot.run_due()
    assert not slack.workspace.channels[channel_id].archived
    clock.advance(timedelta(minutes=2))
    await team_bot.run_due()
    await settled(team_bot, lambda: _archived(slack, channel_id), what="the channel archived")
    await slack.expect_message(channel_id, contains="archiving this channel")
    assert (await incident(team_bot)).archive_at is None


async def _archived(slack, channel_id: str) -> bool:
    return slack.workspace.channels[channel_id].archived


async def test_reopening_keeps_the_channel_and_counts_time_to_resolve_again(team_bot, slack, clock):
    channel_id = await declare(slack, team_bot, "Checkout down")
    alice = slack.user("U0ALICE")
    clock.advance(timedelta(minutes=5))
    await alice.command("/incident", "resolve", channel=channel_id)
    first = await slack.expect_ephemeral("U0ALICE", contains="You resolved incident #1")
    clock.advance(timedelta(days=2))
    await alice.command("/incident", "reopen", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="You reopened incident #1")
    await team_bot.deliver()
    await slack.expect_message(channel_id, contains="<@U0ALICE> reopened incident #1")
    found = await incident(team_bot)
    assert (found.state, found.status, found.archive_at, found.resolved_at) == (
        "acknowledged",
        "investigating",
        None,
        None,
    )
    announcement = await slack.expect_message("C0INCIDENTS", contains="Incident #1 ·")
    assert "Investigating" in announcement.text_content
    clock.advance(timedelta(days=6))
    await team_bot.run_due()
    assert not slack.workspace.channels[channel_id].archived  # 8 days after the first resolve
    await alice.command("/incident", "reopen", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="is not resolved")
    await alice.command("/incident", "resolve for real", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="You resolved incident #1", after=first)
    assert measures.time_to_resolve(await events(team_bot)) == timedelta(days=8, minutes=5)


async def test_pinned_and_pushpinned_messages_join_the_timeline_once(team_bot, slack):
    channel_id = await declare(slack, team_bot, "Checkout down")
    bob, alice = slack.user("U0BOB"), slack.user("U0ALICE")
    said = await bob.say(channel_id, "Found it: the cache TTL is 0")
    await alice.pin(said)
    [pinned] = await settled(team_bot, lambda: events(team_bot, kind="pinned"), what="the pin captured")
    assert (pinned.actor, pinned.data["author"], pinned.data["via"]) == ("U0ALICE", "U0BOB", "pin")
    await slack.user("U0CAROL").react(said, "pushpin")  # the same message again: not twice
    reply = await bob.reply(said, "setting it to 60 s")  # a reply in the thread
    await alice.react(reply, "pushpin")
    await alice.react(said, "thumbsup")  # other reactions are just reactions
    elsewhere = await bob.say("C0GENERAL", "lunch?")
    await alice.react(elsewhere, "pushpin")  # not an incident's channel
    found = await settled(team_bot, lambda: _pins(team_bot, 2), what="the thread reply captured")
    assert [e.data["text"] for e in found] == ["Found it: the cache TTL is 0", "setting it to 60 s"]
    await alice.command("/incident", "timeline", channel=channel_id)
    timeline = await slack.expect_ephemeral("U0ALICE", contains="setting it to 60 s")
    assert timeline.text_content.count(":pushpin:") == 2


async def _pins(bot, count: int):
    await asyncio.sleep(0.05)
    found = await events(bot, kind="pinned")
    return found if len(found) >= count else None
