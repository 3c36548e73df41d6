"""The person side: signed requests to a stand-in bot, response URLs, modals, the test language."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from sandbox.emulator import SlackEmulator, sign, signed_headers
from tests import emulator_fixtures

emulator = emulator_fixtures.emulator


class FakeBot:
    """Receives what Slack sends: checks the signature, records the payload, answers with `reply`."""

    def __init__(self, secret: str) -> None:
        self.verifier = SignatureVerifier(secret)
        self.received: list[dict] = []
        self.reply: Callable[[dict], web.Response] = lambda payload: web.Response(status=200)
        self.app = web.Application()
        self.app.router.add_post("/slack/events", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self.verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        if request.content_type == "application/json":
            payload = json.loads(body)
        else:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            payload = json.loads(form["payload"]) if "payload" in form else form
        self.received.append({"payload": payload, "headers": dict(request.headers)})
        return self.reply(payload)


@pytest.fixture
async def bot(emulator: SlackEmulator):
    fake = FakeBot(emulator.signing_secret)
    runner = web.AppRunner(fake.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    emulator.connect(f"http://127.0.0.1:{port}/slack/events")
    yield fake
    await runner.cleanup()


async def post_json(url: str, body: dict) -> int:
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as res:
        return res.status


def test_signing_matches_slack_sdk():
    headers = signed_headers("s3cret", b"a=1", timestamp=1700000000)
    assert headers["X-Slack-Signature"] == sign("s3cret", 1700000000, b"a=1")
    verifier = SignatureVerifier("s3cret", clock=type("C", (), {"now": lambda self: 1700000010})())
    assert verifier.is_valid(b"a=1", headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])


async def test_command_payload_is_what_slack_sends(emulator: SlackEmulator, bot: FakeBot):
    alice = emulator.user("U0ALICE")
    res = await alice.command("/incident", "page @bob #incidents", channel="C0INCIDENTS")
    assert res.status == 200 and res.elapsed < 3
    payload = bot.received[0]["payload"]
    assert payload["command"] == "/incident"
    assert payload["text"] == "page <@U0BOB|bob> <#C0INCIDENTS|incidents>"
    assert (payload["user_id"], payload["user_name"], payload["channel_name"]) == (
        "U0ALICE",
        "alice",
        "incidents",
    )
    assert (payload["team_id"], payload["team_domain"], payload["is_enterprise_install"]) == (
        "T0OPSBRIDGE",
        "opsbridge",
        "false",
    )
    assert payload["response_url"].startswith(emulator.url + "respond/")
    assert payload["trigger_id"] and payload["api_app_id"] and payload["token"]
    # the response URL knows channel and user: an ephemeral response lands with alice
    assert await post_json(payload["response_url"], {"text": "Usage: /incident declare TITLE"}) == 200
    msg = await emulator.expect_ephemeral("U0ALICE", contains="Usage", timeout=0.5)
    assert msg.channel == "C0INCIDENTS"
    assert (
        await post_json(payload["response_url"], {"text": "Declared", "response_type": "in_channel"}) == 200
    )
    await emulator.expect_message("C0INCIDENTS", text="Declared", user="U0BOT", timeout=0.5)
    call = await emulator.expect_call("response_url", timeout=0.1)
    assert call.params["response_type"] == "in_channel"


async def test_command_ack_body_is_shown_ephemerally(emulator: SlackEmulator, bot: FakeBot):
    bot.reply = lambda payload: web.json_response({"text": "On call now: alice"})
    await emulator.user("U0BOB").command("/oncall")
    msg = await emulator.expect_ephemeral("U0BOB", contains="On call now", timeout=0.5)
    assert emulator.workspace.channels[msg.channel].is_im


async def test_bad_signature_and_stale_requests_are_refused(emulator: SlackEmulator, bot: FakeBot):
    res = await emulator.post_to_bot(b"a=1", "application/x-www-form-urlencoded", signing_secret="wrong")
    assert res.status == 401
    res = await emulator.post_to_bot(b"a=1", "application/x-www-form-urlencoded", timestamp=1)
    assert res.status == 401


async def test_click_sends_block_actions_and_respond_replaces(emulator: SlackEmulator, bot: FakeBot):
    client = AsyncWebClient(token="xoxb-test", base_url=emulator.api_url)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "You are paged"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ack",
                    "value": "inc-1",
                    "text": {"type": "plain_text", "text": "Acknowledge"},
                },
            ],
        },
    ]
    await client.chat_postMessage(channel="U0ALICE", text="paged", blocks=blocks)
    page = await emulator.expect_dm("U0ALICE", contains="You are paged", timeout=0.5)
    alice = emulator.user("U0ALICE")
    with pytest.raises(AssertionError, match=r"buttons there: \['Acknowledge'\]"):
        await alice.click(page, "Resolve")
    await alice.click(page, "Acknowledge")
    payload = bot.received[-1]["payload"]
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "ack" and payload["actions"][0]["value"] == "inc-1"
    assert payload["actions"][0]["block_id"] == page.blocks[1]["block_id"]
    assert payload["container"] == {
        "type": "message",
        "message_ts": page.ts,
        "channel_id": page.channel,
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == page.ts and payload["user"]["id"] == "U0ALICE"
    await post_json(payload["response_url"], {"replace_original": True, "text": "Acknowledged by alice"})
    msgs = emulator.messages_in(page.channel)
    assert [m.text for m in msgs] == ["Acknowledged by alice"]


async def test_click_in_ephemeral_message(emulator: SlackEmulator, bot: FakeBot):
    blocks = [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": "take", "text": {"type": "plain_text", "text": "Take"}}
            ],
        }
    ]
    emulator.workspace.post_ephemeral("C0INCIDENTS", "U0BOB", "cover?", blocks=blocks)
    await emulator.user("U0BOB").click("C0INCIDENTS", "Take")
    payload = bot.received[-1]["payload"]
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    await post_json(payload["response_url"], {"delete_original": True})
    assert emulator.ephemerals_for("U0BOB") == []
    with pytest.raises(AssertionError, match="Take"):
        await emulator.user("U0ALICE").click("C0INCIDENTS", "Take")


MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare incident"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "sev",
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": "SEV1"}, "value": "sev1"},
                    {"text": {"type": "plain_text", "text": "SEV2"}, "value": "sev2"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "lead",
            "optional": True,
            "label": {"type": "plain_text", "text": "Lead"},
            "element": {"type": "users_select", "action_id": "value"},
        },
    ],
}


async def test_submit_returns_errors_then_closes(emulator: SlackEmulator, bot: FakeBot):
    client = AsyncWebClient(token="xoxb-test", base_url=emulator.api_url)
    await client.views_open(trigger_id=emulator.triggers.issue("U0ALICE"), view=MODAL)
    alice = emulator.user("U0ALICE")
    view = await emulator.expect_view("U0ALICE", callback_id="declare", timeout=0.5)
    bot.reply = lambda p: web.json_response({"response_action": "errors", "errors": {"title": "Too short"}})
    with pytest.raises(AssertionError, match="Severity"):
        await alice.submit(view, {"title": {"value": "x"}})
    assert await alice.submit(view, {"title": {"value": "x"}, "sev": "SEV1"}) == {"title": "Too short"}
    values = bot.received[-1]["payload"]["view"]["state"]["values"]
    assert values["title"]["value"] == {"type": "plain_text_input", "value": "x"}
    assert values["sev"]["value"]["selected_option"]["value"] == "sev1"
    assert values["lead"]["value"] == {"type": "users_select", "selected_user": None}
    assert alice.modal is not None
    await alice.select(view, "Lead", "U0BOB")  # an input block: only the view state changes
    bot.reply = lambda p: web.Response(status=200)
    assert await alice.submit(view, {"title": "Checkout down"}) == {}
    values = bot.received[-1]["payload"]["view"]["state"]["values"]
    assert values["lead"]["value"]["selected_user"] == "U0BOB"
    assert alice.modal is None


async def test_events_and_retry_headers(emulator: SlackEmulator, bot: FakeBot):
    alice = emulator.user("U0ALICE")
    msg = await alice.say("#incidents", "hey @opsbridge what is up")
    kinds = [r["payload"]["event"]["type"] for r in bot.received]
    assert kinds == ["message", "app_mention"]
    event = bot.received[0]["payload"]
    assert event["type"] == "event_callback" and event["event_id"].startswith("Ev")
    assert event["event"]["text"] == "hey <@U0BOT> what is up" and event["event"]["channel_type"] == "channel"
    assert event["authorizations"][0]["user_id"] == "U0BOT"
    await alice.react(msg, "eyes")
    assert bot.received[-1]["payload"]["event"]["item"] == {
        "type": "message",
        "channel": "C0INCIDENTS",
        "ts": msg.ts,
    }
    await emulator.deliver_event({"type": "app_home_opened", "user": "U0ALICE"}, event_id="Ev1")
    await emulator.deliver_event(
        {"type": "app_home_opened", "user": "U0ALICE"}, 1, "http_timeout", event_id="Ev1"
    )
    first, retry = bot.received[-2:]
    assert "X-Slack-Retry-Num" not in first["headers"]
    assert (retry["headers"]["X-Slack-Retry-Num"], retry["headers"]["X-Slack-Retry-Reason"]) == (
        "1",
        "http_timeout",
    )
    assert first["payload"]["event_id"] == retry["payload"]["event_id"] == "Ev1"
    bot.reply = lambda p: web.json_response({"challenge": p.get("challenge")})
    res = await emulator.url_verification("abc")
    assert res.json() == {"challenge": "abc"}


async def test_expect_message_waits_and_explains_timeouts(emulator: SlackEmulator):
    ws = emulator.workspace
    ws.post("C0INCIDENTS", "older message")

    async def later():
        await asyncio.sleep(0.2)
        ws.post("C0INCIDENTS", "deploy finished")

    task = asyncio.create_task(later())
    msg = await emulator.expect_message("C0INCIDENTS", contains="finished", timeout=2)
    assert msg.text == "deploy finished"
    await task
    with pytest.raises(AssertionError) as err:
        await emulator.expect_message("#incidents", contains="rolled back", timeout=0.1)
    text = str(err.value)
    assert "rolled back" in text and "older message" in text and "deploy finished" in text
    await emulator.expect_no_message("C0INCIDENTS", contains="finished", within=0.05)
    task = asyncio.get_running_loop().call_later(0.05, lambda: ws.post("C0INCIDENTS", "finished again"))
    with pytest.raises(AssertionError, match="finished again"):
        await emulator.expect_no_message("C0INCIDENTS", contains="finished", within=1)


@contextlib.asynccontextmanager
async def serve_bolt(emulator: SlackEmulator, bolt: AsyncApp):
    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    emulator.connect(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/slack/events")
    try:
        yield
    finally:
        await runner.cleanup()


async def test_bolt_app_end_to_end(emulator: SlackEmulator):
    """A real Bolt app against the emulator: command + respond, modal + errors, button + replace."""
    bolt = AsyncApp(
        signing_secret=emulator.signing_secret,
        client=AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url),
    )

    @bolt.command("/oncall")
    async def oncall(ack, respond):
        await ack()
        await respond("hi")

    @bolt.command("/incident")
    async def incident(ack, body, client):
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @bolt.view("declare")
    async def declare(ack, view, client):
        values = view["state"]["values"]
        title = values["title"]["value"]["value"]
        if len(title) < 3:
            await ack(response_action="errors", errors={"title": "Too short"})
            return
        await ack()
        sev = values["sev"]["value"]["selected_option"]["value"]
        button = {"type": "button", "action_id": "ack", "text": {"type": "plain_text", "text": "Acknowledge"}}
        blocks = [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}* ({sev})"}},
            {"type": "actions", "elements": [button]},
        ]
        await client.chat_postMessage(channel="C0INCIDENTS", text=title, blocks=blocks)

    @bolt.action("ack")
    async def on_ack(ack, body, respond):
        await ack()
        await respond(replace_original=True, text=f"Acknowledged by <@{body['user']['id']}>")

    alice = emulator.user("U0ALICE")
    async with serve_bolt(emulator, bolt):
        res = await alice.command("/oncall", "help", channel="C0INCIDENTS")
        assert res.status == 200
        msg = await emulator.expect_ephemeral("U0ALICE", text="hi", channel="C0INCIDENTS")
        assert msg.channel == "C0INCIDENTS"
        assert emulator.calls_to("auth.test")  # Bolt authorised itself against the emulator

        await alice.command("/incident", channel="C0INCIDENTS")
        await emulator.expect_view("U0ALICE", callback_id="declare")
        assert await alice.submit(values={"title": "x", "sev": "SEV2"}) == {"title": "Too short"}
        assert await alice.submit(values={"title": "Checkout down", "sev": "SEV2"}) == {}
        posted = await emulator.expect_message("#incidents", contains=["Checkout down", "(sev2)"])
        await alice.click(posted, "Acknowledge")
        await emulator.expect_message("#incidents", text="Acknowledged by <@U0ALICE>")
        assert len(emulator.messages_in("C0INCIDENTS")) == 1


async def test_select_pin_home_and_in_process_calls(emulator: SlackEmulator, bot: FakeBot):
    picker = {
        "type": "static_select",
        "action_id": "sev",
        "placeholder": {"type": "plain_text", "text": "Severity"},
        "options": [{"text": {"type": "plain_text", "text": "SEV1"}, "value": "sev1"}],
    }
    await emulator.call(
        "chat.postMessage",
        {
            "channel": "C0INCIDENTS",
            "text": "pick",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": "Severity?"}, "accessory": picker}
            ],
        },
    )
    msg = await emulator.expect_message("C0INCIDENTS", text="pick", timeout=0.1)
    bob = emulator.user("U0BOB")
    with pytest.raises(AssertionError, match="SEV1"):
        await bob.select(msg, "Severity", "SEV9")
    await bob.select(msg, "Severity", "SEV1")
    action = bot.received[-1]["payload"]["actions"][0]
    assert action["type"] == "static_select" and action["selected_option"]["value"] == "sev1"
    await bob.pin(msg)
    assert bot.received[-1]["payload"]["event"]["type"] == "pin_added" and msg.pinned
    await emulator.call("views.publish", {"user_id": "U0BOB", "view": {"type": "home", "blocks": []}})
    await bob.open_home()
    event = bot.received[-1]["payload"]["event"]
    assert event["type"] == "app_home_opened" and event["view"]["type"] == "home"
    assert (await emulator.call("chat.postMessage", {"channel": "C0NOPE", "text": "x"}))[
        "error"
    ] == "channel_not_found"
