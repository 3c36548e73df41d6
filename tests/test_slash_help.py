"""Every command answers help and usage, ephemerally; requests not signed by Slack are refused."""

import time

import pytest

from bot.usage import MENTION_REPLY

COMMANDS = ["/oncall", "/incident", "/deploy", "/postmortem"]


@pytest.mark.parametrize("command", COMMANDS)
async def test_help_answers_usage_only_to_the_caller(bot, slack, command):
    response = await slack.user("U0ALICE").command(command, "help", channel="C0GENERAL")
    assert response.status == 200
    reply = await slack.expect_ephemeral("U0ALICE", contains=command)
    assert "help" not in reply.text_content.split()[0]
    assert slack.messages_in("C0GENERAL") == []


async def test_unknown_subcommand_answers_usage(bot, slack):
    await slack.user("U0ALICE").command("/deploy", "launch rockets", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="Unknown subcommand `launch`")
    assert "/deploy freeze" in reply.text_content


async def test_a_mention_gets_a_pointer_to_the_commands(bot, slack):
    await slack.user("U0BOB").say("C0GENERAL", "hey <@U0BOT> what can you do?")
    await slack.expect_message("C0GENERAL", contains=MENTION_REPLY[:40], user=None)


async def test_a_forged_signature_gets_401_and_nothing_happens(bot, slack):
    body = "command=%2Foncall&text=help&user_id=U0ALICE&channel_id=C0GENERAL"
    response = await slack.post_to_bot(
        body.encode(), "application/x-www-form-urlencoded", signing_secret="not-the-secret"
    )
    assert response.status == 401
    await slack.expect_no_message(within=0.3)
    assert slack.ephemerals_for("U0ALICE") == []


async def test_a_timestamp_older_than_five_minutes_gets_401(bot, slack):
    body = "command=%2Foncall&text=help&user_id=U0ALICE&channel_id=C0GENERAL"
    response = await slack.post_to_bot(
        body.encode(), "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60
    )
    assert response.status == 401
    assert slack.ephemerals_for("U0ALICE") == []


async def test_a_retried_event_is_handled_once(bot, slack):
    event = {
        "type": "app_mention",
        "user": "U0BOB",
        "text": "<@U0BOT> hi",
        "channel": "C0GENERAL",
        "ts": "1700000000.000100",
        "event_ts": "1700000000.000100",
    }
    await slack.deliver_event(event, event_id="Ev0SAME")
    await slack.expect_message("C0GENERAL", contains="slash commands")
    await slack.deliver_event(event, event_id="Ev0SAME", retry_num=1, retry_reason="http_timeout")
    await slack.expect_no_message("C0GENERAL", within=0.5)
    assert len([m for m in slack.messages_in("C0GENERAL") if "slash commands" in m.text_content]) == 1
