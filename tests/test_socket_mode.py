"""Socket Mode end to end: the bot (SLACK_APP_TOKEN set) opens a WebSocket to the emulator and gets
commands, clicks and events over it; the emulator's Socket Mode itself, with a small Bolt app."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import load_config
from bot.config.apply import apply_config
from bot.usage import MENTION_REPLY
from sandbox.emulator import SlackEmulator
from tests import emulator_fixtures
from tests.support import harness
from tests.support.incidents import incident, settled

emulator = emulator_fixtures.emulator
APP_TOKEN = "xapp-test"


@pytest.fixture
async def socket_bot(database_url, slack, clock):
    """The real bot in Socket Mode: no `slack.connect(...)`, the emulator delivers over the socket."""
    running = await harness.start_bot(
        harness.test_settings(database_url, slack.api_url, SLACK_APP_TOKEN=APP_TOKEN), clock
    )
    yield running
    await running.stop()


# ---- the bot


async def test_the_bot_answers_help_over_the_socket(socket_bot, slack):
    assert slack.socket.connected and slack.bot_url is None
    response = await slack.user("U0ALICE").command("/oncall", "help", channel="C0GENERAL")
    assert response.status == 200
    reply = await slack.expect_ephemeral("U0ALICE", contains="/oncall")
    assert "help" not in reply.text_content.split()[0]
    assert slack.messages_in("C0GENERAL") == []
    sent = slack.socket.envelopes[-1]
    assert sent["type"] == "slash_commands" and sent["accepts_response_payload"] is True
    assert sent["payload"]["command"] == "/oncall" and sent["payload"]["text"] == "help"
    assert [c for c in slack.calls_to("apps.connections.open") if c.ok]


async def test_the_same_server_serves_health_but_not_slack_events(socket_bot):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{socket_bot.url}/slack/events", data=b"{}") as events:
            assert events.status == 404
        async with http.get(f"{socket_bot.url}/healthz") as health:
            assert health.status == 200


async def test_a_mention_gets_the_reply_over_the_socket(socket_bot, slack):
    await slack.user("U0BOB").say("C0GENERAL", "<@U0BOT> hi")
    await slack.expect_message("C0GENERAL", contains=MENTION_REPLY[:40], user=None)
    kinds = [(e["type"], e["payload"]["event"]["type"]) for e in slack.socket.envelopes]
    assert kinds == [("events_api", "message"), ("events_api", "app_mention")]
    assert all(d.response.status == 200 for d in slack.delivered)  # every envelope acked


async def test_a_page_is_acknowledged_by_a_click_over_the_socket(socket_bot, slack):
    await apply_config(socket_bot.ctx.db, load_config(Path(__file__).parent / "fixtures" / "team.yaml"))
    await slack.user("U0ALICE").command(
        "/incident", "declare Checkout API returns 500s sev2 service:checkout", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    await socket_bot.deliver()
    page = await slack.expect_dm("U0CAROL", contains="Acknowledge")
    response = await slack.user("U0CAROL").click(page, "Acknowledge")
    assert response.status == 200
    assert slack.socket.envelopes[-1]["type"] == "interactive"

    async def acknowledged():
        found = await incident(socket_bot)
        return found.acknowledged_at is not None

    await settled(socket_bot, acknowledged, what="incident #1 acknowledged by the click")


async def test_the_bot_reconnects_after_a_disconnect_message(socket_bot, slack):
    await slack.socket.disconnect("refresh_requested")
    await slack.socket.wait_connected(2)
    await slack.user("U0ALICE").command("/oncall", "help", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ALICE", contains="/oncall")


@pytest.mark.parametrize(
    ("token", "error"), [("xapp-wrong", "invalid_auth"), ("xoxb-test", "not_allowed_token_type")]
)
async def test_a_bad_app_token_fails_startup_clearly(database_url, slack, clock, token, error):
    settings = harness.test_settings(database_url, slack.api_url, SLACK_APP_TOKEN=token)
    with pytest.raises(RuntimeError, match=f"apps.connections.open failed \\({error}\\).*SLACK_APP_TOKEN"):
        await asyncio.wait_for(harness.start_bot(settings, clock), timeout=10)
    assert not slack.socket.connected


# ---- the emulator's Socket Mode, with a small Bolt app


async def test_apps_connections_open_needs_the_app_token(emulator: SlackEmulator):
    client = AsyncWebClient(base_url=emulator.api_url)
    opened = await client.apps_connections_open(app_token=emulator.app_token)
    assert opened["url"].startswith(emulator.url.replace("http", "ws", 1) + "socket/")
    for token, error in [("xapp-nope", "invalid_auth"), (emulator.bot_token, "not_allowed_token_type")]:
        with pytest.raises(SlackApiError) as failed:
            await client.apps_connections_open(app_token=token)
        assert failed.value.response["error"] == error
    with pytest.raises(SlackApiError) as failed:
        await AsyncWebClient(token=emulator.app_token, base_url=emulator.api_url).auth_test()
    assert failed.value.response["error"] == "not_allowed_token_type"


async def test_without_a_socket_or_a_bot_url_delivery_says_what_to_do(emulator: SlackEmulator):
    emulator.use_socket_mode()
    emulator.socket.ack_timeout = 0.1
    with pytest.raises(RuntimeError, match="Socket Mode"):
        await emulator.user("U0ALICE").command("/ping", channel="C0INCIDENTS")


@pytest.fixture
async def mini(emulator: SlackEmulator):
    """A Bolt app in Socket Mode: /ping acks with text, /form opens a modal whose submission is
    refused unless the title is long enough, a button posts `clicked`; unknown actions are never acked."""
    client = AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url)
    app = AsyncApp(client=client, signing_secret="unused-in-socket-mode")

    @app.command("/ping")
    async def ping(ack):
        await ack("pong")

    @app.command("/form")
    async def form(ack, body):
        await ack()
        await client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "form",
                "title": {"type": "plain_text", "text": "Form"},
                "submit": {"type": "plain_text", "text": "Go"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "title",
                        "label": {"type": "plain_text", "text": "Title"},
                        "element": {"type": "plain_text_input", "action_id": "v"},
                    }
                ],
            },
        )
        await client.chat_postMessage(
            channel=body["channel_id"],
            text="press",
            blocks=[
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "press",
                            "text": {"type": "plain_text", "text": "Press"},
                        }
                    ],
                }
            ],
        )

    @app.view("form")
    async def submitted(ack, view):
        if len(view["state"]["values"]["title"]["v"]["value"]) < 5:
            await ack(response_action="errors", errors={"title": "Too short"})
        else:
            await ack()

    @app.action("press")
    async def press(ack, body):
        await ack()
        await client.chat_postMessage(channel=body["channel"]["id"], text="clicked")

    handler = AsyncSocketModeHandler(app, emulator.app_token)
    await handler.connect_async()
    await emulator.socket.wait_connected()
    yield app
    await handler.close_async()


async def test_ack_payloads_act_like_http_response_bodies(emulator: SlackEmulator, mini):
    alice = emulator.user("U0ALICE")
    response = await alice.command("/ping", channel="C0INCIDENTS")
    assert response.status == 200 and response.json() == {"text": "pong"}
    await emulator.expect_ephemeral("U0ALICE", contains="pong")

    await alice.command("/form", channel="C0INCIDENTS")
    modal = await emulator.expect_view("U0ALICE", callback_id="form")
    assert await alice.submit(modal, values={"title": "abc"}) == {"title": "Too short"}
    assert alice.modal is not None
    assert await alice.submit(modal, values={"title": "long enough"}) == {}
    assert alice.modal is None

    press = await emulator.expect_message("C0INCIDENTS", contains="press", user=None)
    await alice.click(press, "Press")
    await emulator.expect_message("C0INCIDENTS", contains="clicked", user=None)
    types = [e["type"] for e in emulator.socket.envelopes]
    assert types == ["slash_commands", "slash_commands", "interactive", "interactive", "interactive"]


async def test_an_unacknowledged_envelope_times_out(emulator: SlackEmulator, mini):
    emulator.socket.ack_timeout = 0.3
    alice = emulator.user("U0ALICE")
    await alice.say("C0INCIDENTS", "nobody listens to messages")
    assert (
        alice.last_response is not None and alice.last_response.status == 408
    )  # Bolt acks nothing it has no listener for, as over HTTP (404)


async def test_serve_with_a_refused_app_token_exits_2_in_one_line(database_url, slack, tmp_path):
    from tests.support.process import ServeProcess

    server = ServeProcess(
        database_url=database_url,
        slack_api_url=slack.api_url,
        log_path=tmp_path / "serve.log",
        SLACK_APP_TOKEN="xapp-wrong",
        LOG_LEVEL="ERROR",
    )
    server.start()
    assert server.proc.wait(timeout=30) == 2
    lines = [line for line in server.log().splitlines() if line.startswith("opsbridge:")]
    assert len(lines) == 1 and "SLACK_APP_TOKEN" in lines[0] and "Traceback" not in server.log()
