"""Bad input around incidents: mrkdwn injection from people and alerts, long titles, missing `#ID`,
strangers, and Slack refusing or failing to create the channel."""

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Incident
from tests.support.incidents import channel_of, events, incident, settled
from tests.support.paging import pd_trigger, post_json

KEY = "0123456789abcdef0123456789abcdef"  # checkout's integration key in tests/fixtures/team.yaml


def bot_texts(slack) -> list[str]:
    """What the bot wrote: its messages (with blocks), ephemeral answers, topics and bookmarks."""
    ws = slack.workspace
    mine = [m for m in ws.all_messages() if m.bot_id] + list(ws.ephemerals)
    return (
        [m.text for m in mine]
        + [m.text_content for m in mine]
        + [c.topic for c in ws.channels.values()]
        + [b.title for marks in ws.bookmarks.values() for b in marks]
    )


def assert_nobody_pinged(slack) -> None:
    for text in bot_texts(slack):
        assert "<!channel>" not in text and "<@U0ZOE>" not in text and "<!here>" not in text, text


async def count_incidents(bot) -> int:
    async with bot.ctx.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Incident))


async def test_a_declared_title_with_mentions_pings_nobody(team_bot, slack, clock):
    alice = slack.user("U0ALICE")
    await alice.command(
        "/incident", "declare <!channel> <@U0ZOE> checkout down sev1 service:checkout", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    channel_id = await channel_of(team_bot)
    assert slack.workspace.channels[channel_id].name == "inc-1-channel-u0zoe-checkout-down"
    assert (await incident(team_bot)).title == "<!channel> <@U0ZOE> checkout down"
    await alice.command(
        "/incident", "status identified: <!here> <@U0ZOE> broke it & left", channel=channel_id
    )
    await slack.expect_ephemeral("U0ALICE", contains="Posted a status update")
    said = await slack.user("U0BOB").say(channel_id, "@here <@U0ZOE> the database is full")
    await alice.react(said, "pushpin")
    await settled(team_bot, lambda: events(team_bot, kind="pinned"), what="the pin")
    clock.advance(timedelta(minutes=3))
    await alice.command("/incident", "resolve <!channel> fixed by <@U0ZOE>", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="You resolved incident #1")
    await alice.command("/incident", "timeline", channel=channel_id)
    await slack.expect_ephemeral("U0ALICE", contains="the database is full")
    await alice.command("/incident", "list", channel=channel_id)
    await team_bot.deliver()
    await slack.expect_message("C0INCIDENTS", contains="&lt;!channel&gt; &lt;@U0ZOE&gt; checkout down")
    await slack.expect_message(channel_id, contains="&lt;!here&gt; &lt;@U0ZOE&gt; broke it &amp; left")
    assert_nobody_pinged(slack)


async def test_an_alert_titled_with_mentions_pings_nobody(team_bot, slack):
    status, _ = await post_json(
        f"{team_bot.url}/v2/enqueue",
        pd_trigger("<!channel> <@U0ZOE> db down <https://evil|click>", key=KEY, severity="critical"),
    )
    assert status == 202
    await team_bot.run_due()  # the engine creates the channel of a sev1 alert
    channel_id = await channel_of(team_bot)
    await team_bot.deliver()
    await slack.expect_message(channel_id, contains="&lt;!channel&gt; &lt;@U0ZOE&gt; db down")
    await slack.expect_message("C0INCIDENTS", contains="&lt;!channel&gt;")
    assert slack.workspace.channels[channel_id].topic.startswith("SEV1 · checkout")
    assert_nobody_pinged(slack)
    for text in bot_texts(slack):
        assert "<https://evil" not in text


async def test_a_title_over_200_characters_is_refused_with_the_limit(team_bot, slack):
    await slack.user("U0ALICE").command("/incident", "declare " + "a" * 201, channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains=["201 characters", "the limit is 200"])
    await slack.user("U0ALICE").command("/incident", "declare " + "a" * 200, channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    assert await count_incidents(team_bot) == 1


async def test_commands_that_need_an_incident_outside_its_channel_answer_usage(team_bot, slack):
    alice = slack.user("U0ALICE")
    await alice.command("/incident", "declare Checkout down", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    last = None
    for text in ("sev 1", "status monitoring", "page @bob", "role dev @bob", "timeline", "reopen"):
        await alice.command("/incident", text, channel="C0GENERAL")
        last = await slack.expect_ephemeral("U0ALICE", contains="Which incident?", after=last)
        assert f"/incident {text.split()[0]} #42" in last.text_content
        assert "/incident declare" in last.text_content  # the usage comes with it
    await alice.command("/incident", "sev 1 #1", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="Incident #1 is now SEV1 (was SEV3)")
    await alice.command("/incident", "sev 9 #1", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="Severity is sev1 (worst) to sev4, not `9`")
    await alice.command("/incident", "timeline #7", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="There is no incident #7")


async def test_a_stranger_cannot_change_an_incident(team_bot, slack):
    await slack.user("U0ALICE").command("/incident", "declare Checkout down", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    zoe = slack.user("U0ZOE")
    last = None
    for text in ("sev 1 #1", "status all good #1", "page @bob #1", "role commander @zoe #1"):
        await zoe.command("/incident", text, channel="C0GENERAL")
        last = await slack.expect_ephemeral(
            "U0ZOE", contains="Only the people working on incident #1", after=last
        )
    found = await incident(team_bot)
    assert found.severity == 3 and found.status == "investigating"
    await zoe.command("/incident", "timeline #1", channel="C0GENERAL")  # reading is fine
    await slack.expect_ephemeral("U0ZOE", contains="Timeline of incident #1")


async def test_the_incident_lives_on_when_slack_cannot_create_its_channel(team_bot, slack, clock):
    slack.faults.add("conversations.create", status=500, times=None)
    await slack.user("U0ALICE").command(
        "/incident", "declare Checkout down sev2 service:checkout", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    await team_bot.deliver()
    await slack.expect_message("C0INCIDENTS", contains=["Incident #1", "being created"])
    await slack.expect_dm("U0CAROL", contains="You are paged")  # paging does not wait for the channel
    assert (await incident(team_bot)).channel_id is None
    slack.faults.clear()
    clock.advance(timedelta(seconds=5))
    await team_bot.run_due()
    channel_id = await channel_of(team_bot)
    assert slack.workspace.channels[channel_id].name == "inc-1-checkout-down"
    await slack.expect_message("C0INCIDENTS", contains=["Incident #1", f"<#{channel_id}>"])


async def test_slack_refusing_the_channel_for_good_is_recorded(team_bot, slack):
    slack.faults.add("conversations.create", error="restricted_action", times=None)
    await slack.user("U0ALICE").command("/incident", "declare Checkout down", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    [failed] = await settled(team_bot, lambda: events(team_bot, kind="channel_failed"), what="channel_failed")
    assert failed.data["error"] == "restricted_action"
    await team_bot.deliver()
    await slack.expect_message("C0INCIDENTS", contains=["Incident #1", "*Channel*\nnone"])


async def test_a_taken_channel_name_gets_a_suffix(team_bot, slack):
    slack.workspace.add_channel("C0TAKEN", "inc-1-checkout-down", members=["U0ALICE"])
    await slack.user("U0ALICE").command("/incident", "declare Checkout down", channel="C0GENERAL")
    channel_id = await channel_of(team_bot)
    assert slack.workspace.channels[channel_id].name == "inc-1-checkout-down-2"
