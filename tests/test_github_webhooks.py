"""GitHub webhooks: every vendored example of `deployment`, `deployment_status` and `workflow_run`
(from @octokit/webhooks-examples, see tests/fixtures/github/SOURCE.md), signed with the test secret."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.deploy_helpers import (
    apply_team,
    deploy_count,
    deploys,
    github_example,
    github_example_names,
    send_github,
    sign,
)

CHANNEL = "C0CHECKOUTDEPLOYS"
# Both example repositories are pointed at `checkout`; its deploy workflows name the two example
# workflows (one by its name, one by its file name) so workflow_run reaches the conclusion rules.
MAPPED = {
    "github_repos": ["acme/checkout", "Codertocat/Hello-World", "octo-org/octo-repo"],
    "deploy_workflows": ["Manually triggered workflow", "test.yml"],
}

# example -> ("posted", status label shown, environment shown) | ("ignored", part of the reason)
EXPECTED = {
    "deployment.0": ("posted", "in progress", "PRODUCTION"),
    "deployment.1": ("posted", "in progress", "github-pages"),
    "deployment.2": ("posted", "in progress", "PRODUCTION"),
    "deployment.3": ("posted", "in progress", "PRODUCTION"),
    "deployment_status.0": ("posted", "succeeded", "PRODUCTION"),
    "deployment_status.1": ("posted", "in progress", "github-pages"),
    "deployment_status.2": ("posted", "succeeded", "PRODUCTION"),
    "deployment_status.3": ("posted", "succeeded", "PRODUCTION"),
    "workflow_run.0": ("ignored", "conclusion None"),  # `completed` but still queued: no conclusion yet
    "workflow_run.1": ("posted", "succeeded", "PRODUCTION"),
    "workflow_run.2": ("posted", "succeeded", "PRODUCTION"),
    "workflow_run.3": ("ignored", "only completed runs"),
    "workflow_run.4": ("ignored", "only completed runs"),
}
EVENTS = ("deployment", "deployment_status", "workflow_run")
EXAMPLES = [name for event in EVENTS for name in github_example_names(event)]


def test_every_vendored_example_has_an_expected_outcome():
    assert sorted(EXAMPLES) == sorted(EXPECTED), "a new example needs its expected outcome in EXPECTED"
    assert len(EXAMPLES) >= 13


@pytest.mark.parametrize("name", EXAMPLES)
async def test_each_example_is_accepted_with_the_right_result(team_bot, slack, tmp_path, name):
    await apply_team(team_bot, tmp_path, **MAPPED)
    event = name.rsplit(".", 1)[0]
    payload = github_example(name)
    status, body = await send_github(team_bot, event, payload)
    await team_bot.deliver()
    expected = EXPECTED[name]
    if expected[0] == "ignored":
        assert status == 202, body
        assert body["status"] == "ignored" and expected[1] in body["reason"]
        assert await deploy_count(team_bot) == 0
        await slack.expect_no_message(CHANNEL, within=0.3)
        return
    _, label, environment = expected
    assert status == 200, body
    assert body["status"] == "created"
    message = await slack.expect_message(CHANNEL, contains=[label, environment])
    [deploy] = await deploys(team_bot)
    sha = payload.get("deployment") or payload.get("workflow_run")
    sha = sha.get("sha") or sha.get("head_sha")
    assert sha[:7] in message.text_content
    assert f"/commit/{sha}" in json.dumps(message.blocks), "the short SHA links to the commit"
    if deploy.url:
        assert deploy.url in json.dumps(message.blocks)
    actor = deploy.actor
    assert actor and actor in message.text_content


async def test_unmapped_repository_is_acknowledged_and_ignored(team_bot, slack, caplog):
    caplog.set_level("DEBUG", logger="opsbridge.deploys")
    status, body = await send_github(team_bot, "deployment", github_example("deployment.0"))
    assert status == 202 and body["status"] == "ignored"
    assert "codertocat/hello-world" in body["reason"]
    assert await deploy_count(team_bot) == 0
    assert any("maps to no service" in r.getMessage() for r in caplog.records)
    await slack.expect_no_message(within=0.3)


async def test_workflow_runs_are_ignored_when_the_service_lists_no_deploy_workflows(
    team_bot, slack, tmp_path
):
    await apply_team(team_bot, tmp_path, github_repos=["octo-org/octo-repo"])
    status, body = await send_github(team_bot, "workflow_run", github_example("workflow_run.1"))
    assert status == 202 and "no deploy_workflows" in body["reason"]
    await apply_team(team_bot, tmp_path, github_repos=["octo-org/octo-repo"], deploy_workflows=["deploy.yml"])
    status, body = await send_github(team_bot, "workflow_run", github_example("workflow_run.1"))
    assert status == 202 and "not one of" in body["reason"]
    assert await deploy_count(team_bot) == 0


async def test_a_bad_signature_gets_401_and_nothing_is_stored(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, **MAPPED)
    payload = github_example("deployment.0")
    status, _ = await send_github(
        team_bot, "deployment", payload, secret="not-the-secret", delivery="d-forged"
    )
    assert status == 401
    status, _ = await send_github(team_bot, "deployment", payload, signature="", delivery="d-unsigned")
    assert status == 401
    status, _ = await send_github(team_bot, "deployment", payload, signature="sha1=abc", delivery="d-sha1")
    assert status == 401
    assert await deploy_count(team_bot) == 0
    # Nothing remembered either: the same delivery id, signed properly, is processed.
    status, body = await send_github(team_bot, "deployment", payload, delivery="d-forged")
    assert status == 200 and body["status"] == "created"


async def test_a_redelivery_does_nothing(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, **MAPPED)
    payload = github_example("deployment_status.0")
    payload["deployment_status"]["state"] = "failure"
    status, _ = await send_github(team_bot, "deployment_status", payload, delivery="same-delivery")
    assert status == 200
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains=":x: failed")
    await slack.expect_message(CHANNEL, contains="*failed*")  # the threaded reply
    await slack.expect_dm("U0DAVE", contains="failed")  # the developer on call
    before = (len(slack.calls_to("chat.postMessage")), len(slack.calls_to("chat.update")))
    status, body = await send_github(team_bot, "deployment_status", payload, delivery="same-delivery")
    assert status == 200 and body["status"] == "duplicate"
    await team_bot.deliver()
    await slack.expect_no_message(within=0.3)
    assert (len(slack.calls_to("chat.postMessage")), len(slack.calls_to("chat.update"))) == before
    assert await deploy_count(team_bot) == 1


async def test_one_deployment_is_one_living_message(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, **MAPPED)
    await send_github(team_bot, "deployment", github_example("deployment.0"))
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains="in progress")
    running = github_example("deployment_status.0")
    running["deployment_status"]["state"] = "in_progress"
    await send_github(team_bot, "deployment_status", running)
    await send_github(team_bot, "deployment_status", github_example("deployment_status.0"))
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains="succeeded")
    messages = [m for m in slack.messages_in(CHANNEL) if not m.is_reply]
    assert len(messages) == 1, [m.text for m in messages]
    assert ":white_check_mark:" in messages[0].text_content
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("chat.update")) == 1  # in_progress changed nothing: already started
    # A late, out-of-order `in_progress` does not reopen a finished deployment.
    await send_github(team_bot, "deployment_status", running)
    await team_bot.deliver()
    [deploy] = await deploys(team_bot)
    assert deploy.status == "succeeded"


async def test_inactive_status_and_unfollowed_events_are_ignored(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, **MAPPED)
    inactive = github_example("deployment_status.0")
    inactive["deployment_status"]["state"] = "inactive"
    status, body = await send_github(team_bot, "deployment_status", inactive)
    assert status == 202 and "inactive" in body["reason"]
    status, body = await send_github(team_bot, "push", {"repository": {"full_name": "acme/checkout"}})
    assert status == 202 and body["status"] == "ignored"
    assert await deploy_count(team_bot) == 0


@pytest.mark.parametrize("name", github_example_names("ping"))
async def test_ping_is_answered(bot, name):
    status, body = await send_github(bot, "ping", github_example(name))
    assert status == 200 and body["message"] == "pong"


async def test_not_json_is_400_after_the_signature(team_bot):
    status, _ = await send_github(team_bot, "deployment", b"not json")
    assert status == 400


async def test_without_a_secret_the_endpoint_answers_503(database_url, slack, clock):
    from tests.support.harness import start_bot, test_settings

    running = await start_bot(test_settings(database_url, slack.api_url, GITHUB_WEBHOOK_SECRET=""), clock)
    try:
        status, body = await send_github(running, "ping", github_example("ping.0"))
        assert status == 503 and "GITHUB_WEBHOOK_SECRET" in body["error"]
    finally:
        await running.stop()


async def test_a_form_encoded_delivery_is_read_too(team_bot, slack, tmp_path):
    await apply_team(team_bot, tmp_path, **MAPPED)
    body = urlencode({"payload": json.dumps(github_example("deployment.0"))}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-GitHub-Event": "deployment",
        "X-GitHub-Delivery": "form-1",
        "X-Hub-Signature-256": sign(body),
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{team_bot.url}/integrations/github", data=body, headers=headers) as response,
    ):
        assert response.status == 200
    assert await deploy_count(team_bot) == 1
