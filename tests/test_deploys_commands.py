"""`/deploy log|status|freeze|unfreeze` as people type them, including the mistakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.deploy_helpers import post_deploy

BASE = {"service": "checkout", "status": "succeeded"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("freeze", "Say what to freeze"),
        ("freeze checkout", "A reason is required"),
        ("freeze checkout for 2h", "A reason is required"),
        ("freeze checkout for", "`for` needs a duration"),
        ("freeze checkout for soon release", "Bad duration"),
        ("freeze checkout until never release", "Bad time"),
        ("freeze checkout until 2020-01-01 10:00 release", "already be over"),
        ("unfreeze", "Say what to unfreeze"),
        ("log checkout extra", "at most one service"),
        ("status a b", "at most one service"),
    ],
)
async def test_bad_arguments_answer_usage(team_bot, slack, text, problem):
    await slack.user("U0ALICE").command("/deploy", text, channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains=problem)
    assert "/deploy freeze SERVICE|all" in reply.text_content  # the usage follows the problem
    assert slack.messages_in("C0GENERAL") == []


async def test_an_unknown_service_is_named_with_the_known_ones(team_bot, slack):
    await slack.user("U0ALICE").command("/deploy", "freeze payroll <!channel> reason", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="Unknown service `payroll`")
    assert "`checkout`" in reply.text_content
    await slack.user("U0ALICE").command("/deploy", "log <!channel>", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="Unknown service")
    assert "<!channel>" not in reply.text


async def test_log_shows_the_last_ten_deploys(team_bot, slack, clock):
    await slack.user("U0BOB").command("/deploy", "log", channel="C0GENERAL")
    await slack.expect_ephemeral("U0BOB", contains="No deploys recorded yet")
    for n in range(12):
        await post_deploy(
            team_bot,
            {
                **BASE,
                "environment": "staging" if n % 2 else "production",
                "version": f"v1.0.{n}",
                "actor": "<!channel>",
            },
        )
        clock.advance(timedelta(minutes=5))
    await slack.user("U0BOB").command("/deploy", "log checkout", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="Last 10 deploys of *checkout*")
    content = reply.text_content
    assert "v1.0.11" in content and "v1.0.2" in content
    assert "v1.0.1`" not in content and "v1.0.0" not in content
    assert content.index("v1.0.11") < content.index("v1.0.2"), "newest first"
    assert "<!channel>" not in content


async def test_status_shows_freezes_and_the_last_deploy_per_environment(team_bot, slack):
    await post_deploy(team_bot, {**BASE, "environment": "production", "version": "v9"})
    await post_deploy(team_bot, {**BASE, "environment": "staging", "version": "v10", "status": "failed"})
    await slack.user("U0CAROL").command("/deploy", "status", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0CAROL", contains="*checkout*: :large_green_circle: not frozen")
    assert "v9" in reply.text_content and "v10" in reply.text_content and "PRODUCTION" in reply.text_content
    await slack.user("U0CAROL").command("/deploy", "freeze checkout for 1h load test", channel="C0GENERAL")
    await slack.expect_ephemeral("U0CAROL", contains="Froze")
    await slack.user("U0CAROL").command("/deploy", "status checkout", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0CAROL", contains="*checkout*: frozen")
    assert "load test" in reply.text_content and "<@U0CAROL>" in reply.text_content


async def test_unfreezing_what_is_not_frozen_says_so(team_bot, slack):
    await slack.user("U0ALICE").command("/deploy", "unfreeze checkout", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="`checkout` had no freeze of its own to lift")
