"""`POST /api/v1/deploys` for any CI, and PagerDuty change events: one living message per deploy,
failures in the thread and to the developer on call, bad input answered precisely."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.deploy_helpers import (
    CHECKOUT_KEY,
    apply_team,
    change_event,
    deploy_count,
    deploys,
    pings_anyone_unexpected,
    post_deploy,
)

CHANNEL = "C0CHECKOUTDEPLOYS"
DEV_ON_CALL = "U0DAVE"  # payments-dev at the FakeClock's start (Mon 23 Nov 2026, 09:00 UTC)
BODY = {
    "service": "checkout",
    "environment": "production",
    "version": "v1.4.2",
    "status": "started",
    "id": "pipeline-981",
    "actor": "bob",
    "url": "https://ci.example.com/pipelines/981",
    "commit": "3484a3fb816e0859fd6e1cea078d76385ff50625",
}


async def test_a_new_deploy_is_201_and_later_events_update_the_same_message(team_bot, slack, clock):
    status, body = await post_deploy(team_bot, BODY)
    assert status == 201 and body["created"] is True and body["id"] == "pipeline-981"
    await team_bot.deliver()
    first = await slack.expect_message(CHANNEL, contains=["in progress", "v1.4.2", "PRODUCTION"])
    assert (
        "<https://github.com/acme/checkout/commit/3484a3fb816e0859fd6e1cea078d76385ff50625|3484a3f>"
        in str(first.blocks)
    ), "the commit links to the service's GitHub repository"
    clock.advance(timedelta(minutes=4))
    status, again = await post_deploy(team_bot, {**BODY, "status": "succeeded"})
    assert status == 200 and again["deploy_id"] == body["deploy_id"] and again["created"] is False
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains="succeeded")
    assert len([m for m in slack.messages_in(CHANNEL) if not m.is_reply]) == 1
    assert len(slack.calls_to("chat.update")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_a_deploy_without_an_id_is_always_new(team_bot, slack):
    body = {k: v for k, v in BODY.items() if k != "id"}
    assert (await post_deploy(team_bot, body))[0] == 201
    assert (await post_deploy(team_bot, body))[0] == 201
    assert await deploy_count(team_bot) == 2


async def test_a_failure_replies_in_the_thread_and_dms_the_dev_on_call(team_bot, slack):
    await post_deploy(team_bot, BODY)
    await team_bot.deliver()
    parent = await slack.expect_message(CHANNEL, contains="in progress")
    await post_deploy(team_bot, {**BODY, "status": "failed"})
    await team_bot.deliver()
    reply = await slack.expect_message(CHANNEL, contains="*failed*", thread_ts=parent.ts)
    assert reply.is_reply and f"<@{DEV_ON_CALL}>" in reply.text
    dm = await slack.expect_dm(DEV_ON_CALL, contains=["checkout", "failed", "developer on call"])
    assert "https://ci.example.com/pipelines/981" in dm.text
    await slack.expect_message(CHANNEL, contains=":x: failed")  # the living message itself
    # The same failure reported again changes nothing and tells nobody twice.
    await post_deploy(team_bot, {**BODY, "status": "failed"})
    await team_bot.deliver()
    await slack.expect_no_message(within=0.3)
    assert len([m for m in slack.messages_in(DEV_ON_CALL)]) == 1
    assert len([m for m in slack.messages_in(CHANNEL) if m.is_reply]) == 1


async def test_without_a_service_channel_the_global_deploy_channel_is_used(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, channels={})
    await post_deploy(team_bot, {**BODY, "environment": "staging"})
    await team_bot.deliver()
    message = await slack.expect_message("C0DEPLOYS", contains=":large_blue_circle: staging")
    assert all(b["type"] != "header" for b in message.blocks)


async def test_mrkdwn_in_ci_fields_pings_nobody(team_bot, slack):
    evil = {
        **BODY,
        "actor": "<!channel>",
        "version": "<!here> 1.0",
        "description": "<@U0ZOE> <!everyone>",
        "status": "failed",
    }
    assert (await post_deploy(team_bot, evil))[0] == 201
    await team_bot.deliver()
    message = await slack.expect_message(CHANNEL, contains="&lt;!channel&gt;")
    await slack.expect_dm(DEV_ON_CALL, contains="failed")
    for m in slack.messages_in(CHANNEL) + slack.messages_in(DEV_ON_CALL):
        assert not pings_anyone_unexpected(m), m.text
    assert "&lt;!here&gt; 1.0" in message.text


@pytest.mark.parametrize("missing", ["service", "status"])
async def test_a_missing_field_is_400_naming_it(team_bot, missing):
    status, body = await post_deploy(team_bot, {k: v for k, v in BODY.items() if k != missing})
    assert status == 400 and body["field"] == missing and missing in body["error"]


async def test_an_unknown_status_is_400_with_the_allowed_values(team_bot):
    status, body = await post_deploy(team_bot, {**BODY, "status": "deployed"})
    assert status == 400 and body["field"] == "status"
    assert body["allowed"] == ["started", "succeeded", "failed", "rolled_back", "cancelled"]
    for allowed in body["allowed"]:
        assert allowed in body["error"]


async def test_not_json_is_400(team_bot):
    status, body = await post_deploy(team_bot, b"{nope")
    assert status == 400 and "JSON" in body["error"]


async def test_an_unknown_service_is_404_naming_it(team_bot):
    status, body = await post_deploy(team_bot, {**BODY, "service": "payroll"})
    assert status == 404 and "payroll" in body["error"] and body["services"] == ["checkout"]
    assert await deploy_count(team_bot) == 0


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_a_missing_or_wrong_token_is_401(team_bot, token):
    status, body = await post_deploy(team_bot, BODY, token=token)
    assert status == 401 and "Bearer" in body["error"]
    assert await deploy_count(team_bot) == 0


async def test_without_an_api_token_the_api_answers_503(database_url, slack, clock):
    from tests.support.harness import start_bot, test_settings

    running = await start_bot(test_settings(database_url, slack.api_url, OPSBRIDGE_API_TOKEN=""), clock)
    try:
        status, body = await post_deploy(running, BODY, token="anything")
        assert status == 503 and "OPSBRIDGE_API_TOKEN" in body["error"]
    finally:
        await running.stop()


async def test_a_change_event_is_shown_as_a_deploy(team_bot, slack):
    status, body = await change_event(team_bot, {
        "routing_key": CHECKOUT_KEY,
        "payload": {"summary": "Argo CD synced checkout to 2.0.1 <!channel>", "source": "argocd",
                    "custom_details": {"version": "2.0.1", "environment": "production", "actor": "argo"}},
        "links": [{"href": "https://argo.example/applications/checkout", "text": "Argo CD"}],
    })  # fmt: skip
    assert status == 202 and body["status"] == "success"
    await team_bot.deliver()
    message = await slack.expect_message(CHANNEL, contains=["2.0.1", "succeeded", "PagerDuty change event"])
    assert "https://argo.example/applications/checkout" in str(message.blocks)
    assert not pings_anyone_unexpected(message)
    [deploy] = await deploys(team_bot)
    assert deploy.source == "pagerduty"


async def test_a_change_event_for_an_unknown_key_is_invalid(team_bot):
    status, body = await change_event(team_bot, {"routing_key": "nope", "payload": {"summary": "x"}})
    assert status == 400 and body["status"] == "invalid event" and body["errors"]
    status, body = await change_event(team_bot, {"routing_key": CHECKOUT_KEY, "payload": {}})
    assert status == 400 and "'payload.summary' is missing or blank" in body["errors"]
