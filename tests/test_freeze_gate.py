"""Freezes from Slack and the pipeline gate `GET /api/v1/deploys/freeze`: 423 while frozen, 200 after
an unfreeze or the end of the freeze; a deploy that arrives anyway is posted with a warning."""

from __future__ import annotations

from datetime import timedelta

from tests.deploy_helpers import freeze_gate, pings_anyone_unexpected, post_deploy

CHANNEL = "C0CHECKOUTDEPLOYS"
BODY = {
    "service": "checkout",
    "environment": "production",
    "version": "v2.0.0",
    "status": "started",
    "id": "run-7",
    "actor": "erin",
}


async def test_a_timed_freeze_answers_423_until_it_expires(team_bot, slack, clock):
    assert (await freeze_gate(team_bot, "checkout", "production"))[0] == 200
    await slack.user("U0ALICE").command(
        "/deploy", "freeze checkout for 2h Black Friday traffic", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains=["Froze", "checkout", "Black Friday traffic"])
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains=["frozen by", "Black Friday traffic"])
    status, body = await freeze_gate(team_bot, "checkout", "production")
    assert status == 423
    assert body["frozen"] is True and body["reason"] == "Black Friday traffic"
    assert body["until"] == "2026-11-23T11:00:00Z" and body["by"] == "alice"
    assert (await freeze_gate(team_bot, "checkout", "staging"))[0] == 423  # a service freeze covers all envs
    clock.advance(timedelta(hours=1, minutes=59))
    assert (await freeze_gate(team_bot, "checkout", "production"))[0] == 423
    clock.advance(timedelta(minutes=1))
    status, body = await freeze_gate(team_bot, "checkout", "production")
    assert status == 200 and body["frozen"] is False


async def test_an_open_freeze_holds_until_unfrozen(team_bot, slack, clock):
    await slack.user("U0BOB").command(
        "/deploy", "freeze checkout migrating the orders table", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0BOB", contains="until someone runs `/deploy unfreeze`")
    clock.advance(timedelta(days=3))
    status, body = await freeze_gate(team_bot, "checkout")
    assert status == 423 and body["until"] is None and body["by"] == "bob"
    await slack.user("U0BOB").command("/deploy", "unfreeze checkout", channel="C0GENERAL")
    await slack.expect_ephemeral("U0BOB", contains="Unfroze `checkout`")
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains="no longer frozen")
    assert (await freeze_gate(team_bot, "checkout", "production"))[0] == 200


async def test_until_is_read_in_the_callers_time_zone(team_bot, slack):
    # 09:00 UTC is 10:00 in Berlin (alice's zone); 18:00 Berlin is 17:00 UTC.
    await slack.user("U0ALICE").command(
        "/deploy", "freeze checkout until 18:00 release party", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="18:00")
    status, body = await freeze_gate(team_bot, "checkout", "production")
    assert status == 423 and body["until"] == "2026-11-23T17:00:00Z" and body["reason"] == "release party"


async def test_freezing_all_is_for_admins_and_covers_every_service(team_bot, slack):
    await slack.user("U0BOB").command("/deploy", "freeze all end of year", channel="C0GENERAL")
    await slack.expect_ephemeral("U0BOB", contains="Only admins")
    assert (await freeze_gate(team_bot, "checkout"))[0] == 200
    await slack.user("U0ALICE").command("/deploy", "freeze all end of year", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="all services")
    await team_bot.deliver()
    await slack.expect_message("C0DEPLOYS", contains=["all services", "end of year"])
    assert (await freeze_gate(team_bot, "checkout", "staging"))[0] == 423
    # Unfreezing the service does not lift the freeze of everything, and says so.
    await slack.user("U0ALICE").command("/deploy", "unfreeze checkout", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains=["no freeze of its own", "Still frozen"])
    await slack.user("U0ALICE").command("/deploy", "unfreeze all", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="Unfroze all services")
    assert (await freeze_gate(team_bot, "checkout"))[0] == 200


async def test_only_admins_and_the_team_may_freeze_a_service(team_bot, slack):
    await slack.user("U0ERIN").command("/deploy", "freeze checkout because", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ERIN", contains="Only admins and members of the team")
    await slack.user("U0ZOE").command("/deploy", "unfreeze checkout", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ZOE", contains="Only admins and members of the team")
    assert (await freeze_gate(team_bot, "checkout"))[0] == 200


async def test_a_deploy_during_a_freeze_is_posted_with_a_warning_and_the_owner_is_told(team_bot, slack):
    await slack.user("U0BOB").command(
        "/deploy", "freeze checkout for 1h <!channel> incident cleanup", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0BOB", contains="Froze")
    status, body = await post_deploy(team_bot, BODY)
    assert status == 201 and body["during_freeze"] is True
    await team_bot.deliver()
    message = await slack.expect_message(CHANNEL, contains=["Deployed during a freeze", "v2.0.0"])
    assert "incident cleanup" in message.text_content and not pings_anyone_unexpected(message)
    dm = await slack.expect_dm("U0BOB", contains=["arrived during your freeze", "v2.0.0", "erin"])
    assert not pings_anyone_unexpected(dm)
    # Its later events keep the warning and do not tell the owner again.
    await post_deploy(team_bot, {**BODY, "status": "succeeded"})
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains=["Deployed during a freeze", "succeeded"])
    assert len(slack.messages_in("U0BOB")) == 1


async def test_a_deploy_after_the_freeze_has_no_warning(team_bot, slack, clock):
    await slack.user("U0ALICE").command("/deploy", "freeze checkout for 30m short pause", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="Froze")
    clock.advance(timedelta(minutes=31))
    status, body = await post_deploy(team_bot, BODY)
    assert status == 201 and body["during_freeze"] is False
    await team_bot.deliver()
    message = await slack.expect_message(CHANNEL, contains="v2.0.0")
    assert "freeze" not in message.text_content


async def test_the_gate_refuses_bad_requests(team_bot):
    status, body = await freeze_gate(team_bot, None)
    assert status == 400 and body["field"] == "service"
    status, body = await freeze_gate(team_bot, "payroll")
    assert status == 404 and "payroll" in body["error"]
    status, _ = await freeze_gate(team_bot, "checkout", token=None)
    assert status == 401
    status, _ = await freeze_gate(team_bot, "checkout", token="wrong")
    assert status == 401
