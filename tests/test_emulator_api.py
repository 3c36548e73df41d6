"""The emulator's Web API, driven by the real slack_sdk AsyncWebClient."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from sandbox.emulator import SlackEmulator
from tests import emulator_fixtures

emulator = emulator_fixtures.emulator
client = emulator_fixtures.client

BUTTONS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Checkout* is down"}},
    {
        "type": "actions",
        "block_id": "page",
        "elements": [
            {
                "type": "button",
                "action_id": "ack",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "value": "1",
            },
            {
                "type": "button",
                "action_id": "esc",
                "text": {"type": "plain_text", "text": "Escalate"},
                "value": "1",
            },
        ],
    },
]


async def test_auth_test_names_the_bot(client: AsyncWebClient):
    res = await client.auth_test()
    assert (res["user_id"], res["bot_id"], res["team_id"]) == ("U0BOT", "B0BOT", "T0OPSBRIDGE")


async def test_post_then_update_shows_one_edited_message(client: AsyncWebClient, emulator: SlackEmulator):
    posted = await client.chat_postMessage(channel="#incidents", text="paging alice", blocks=BUTTONS)
    assert posted["channel"] == "C0INCIDENTS"
    assert posted["message"]["blocks"][1]["block_id"] == "page"
    await client.chat_update(channel=posted["channel"], ts=posted["ts"], text="acknowledged", blocks=[])
    msgs = emulator.messages_in("C0INCIDENTS")
    assert len(msgs) == 1
    assert msgs[0].text == "acknowledged" and msgs[0].edited and msgs[0].blocks == []
    history = await client.conversations_history(channel="C0INCIDENTS")
    assert [m["text"] for m in history["messages"]] == ["acknowledged"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C0INCIDENTS", ts="1.000000", text="x")
    assert err.value.response["error"] == "message_not_found"


async def test_blocks_are_read_as_a_person_reads_them(client: AsyncWebClient, emulator: SlackEmulator):
    await client.chat_postMessage(channel="C0INCIDENTS", text="fallback", blocks=BUTTONS)
    msg = await emulator.expect_message("#incidents", contains=["Checkout", "fallback"])
    assert msg.buttons == ["Acknowledge", "Escalate"]
    assert msg.button("Escalate")["action_id"] == "esc"
    with pytest.raises(AssertionError, match="Acknowledge"):
        msg.button("Resolve")


async def test_form_encoded_blocks_and_invalid_blocks(client: AsyncWebClient, emulator: SlackEmulator):
    # api_call with data= sends form fields, blocks as a JSON string, as older callers do
    import json

    res = await client.api_call(
        "chat.postMessage", data={"channel": "C0INCIDENTS", "blocks": json.dumps(BUTTONS)}
    )
    assert emulator.workspace.message("C0INCIDENTS", res["ts"]).buttons == ["Acknowledge", "Escalate"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(
            channel="C0INCIDENTS", text="t", blocks=[{"type": "header", "text": {"type": "mrkdwn"}}]
        )
    assert err.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning):
        await client.chat_postMessage(channel="C0INCIDENTS")
    assert err.value.response["error"] == "no_text"


async def test_dm_by_user_id_lands_in_a_d_channel(client: AsyncWebClient, emulator: SlackEmulator):
    res = await client.chat_postMessage(channel="U0ALICE", text="you are paged")
    assert res["channel"].startswith("D")
    msg = await emulator.expect_dm("U0ALICE", contains="paged", timeout=0.1)
    assert msg.channel == res["channel"]
    opened = await client.conversations_open(users="U0ALICE")
    assert opened["channel"]["id"] == res["channel"]


async def test_channel_errors(client: AsyncWebClient, emulator: SlackEmulator):
    for channel, error in (("C0NOPE", "channel_not_found"), ("C0SECRET", "not_in_channel")):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel=channel, text="x")
        assert err.value.response["error"] == error
    emulator.workspace.channels["C0INCIDENTS"].archived = True
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    assert err.value.response["error"] == "is_archived"


async def test_conversations_create_invite_topic(client: AsyncWebClient, emulator: SlackEmulator):
    created = await client.conversations_create(name="inc-42-checkout")
    cid = created["channel"]["id"]
    with pytest.raises(SlackApiError) as err:
        await client.conversations_create(name="inc-42-checkout")
    assert err.value.response["error"] == "name_taken"
    with pytest.raises(SlackApiError) as err:
        await client.conversations_create(name="Inc 42!")
    assert err.value.response["error"] == "invalid_name_specials"
    await client.conversations_invite(channel=cid, users="U0ALICE")
    await client.conversations_invite(channel=cid, users=["U0ALICE", "U0BOB"])  # one is new: ok
    with pytest.raises(SlackApiError) as err:
        await client.conversations_invite(channel=cid, users="U0ALICE,U0BOB")
    assert err.value.response["error"] == "already_in_channel"
    await client.conversations_setTopic(channel=cid, topic="SEV1 checkout")
    info = await client.conversations_info(channel=cid, include_num_members=True)
    assert info["channel"]["topic"]["value"] == "SEV1 checkout"
    assert info["channel"]["num_members"] == 3
    members = await client.conversations_members(channel=cid)
    assert set(members["members"]) == {"U0BOT", "U0ALICE", "U0BOB"}


async def test_auth_errors_and_unknown_method(emulator: SlackEmulator):
    bad = AsyncWebClient(token="xoxb-wrong", base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as err:
        await bad.auth_test()
    assert err.value.response["error"] == "invalid_auth"
    anonymous = AsyncWebClient(base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as err:
        await anonymous.auth_test()
    assert err.value.response["error"] == "not_authed"
    good = AsyncWebClient(token="xoxb-test", base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as err:
        await good.api_call("chat.teleport")
    assert err.value.response["error"] == "unknown_method"
    assert [c.error for c in emulator.calls] == ["invalid_auth", "not_authed", "unknown_method"]


async def test_users_lookup(client: AsyncWebClient):
    found = await client.users_lookupByEmail(email="bob@example.com")
    assert found["user"]["id"] == "U0BOB" and found["user"]["tz"] == "America/New_York"
    with pytest.raises(SlackApiError) as err:
        await client.users_lookupByEmail(email="nobody@example.com")
    assert err.value.response["error"] == "users_not_found"
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U0NOBODY")
    assert err.value.response["error"] == "user_not_found"


async def test_usergroups_update_and_list(client: AsyncWebClient, emulator: SlackEmulator):
    await client.usergroups_users_update(usergroup="S0PAYONCALL", users=["U0BOB"])
    listed = await client.usergroups_list(include_users=True)
    assert listed["usergroups"][0]["users"] == ["U0BOB"]
    users = await client.usergroups_users_list(usergroup="S0PAYONCALL")
    assert users["users"] == ["U0BOB"]
    assert emulator.workspace.usergroups["S0PAYONCALL"].users == ["U0BOB"]
    with pytest.raises(SlackApiError) as err:
        await client.usergroups_users_update(usergroup="S0NOPE", users=["U0BOB"])
    assert err.value.response["error"] == "no_such_subteam"


MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


async def test_views_open_needs_a_fresh_trigger(client: AsyncWebClient, emulator: SlackEmulator):
    expired = emulator.triggers.issue("U0ALICE", age=5)
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=expired, view=MODAL)
    assert err.value.response["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id="123.456.abc", view=MODAL)
    assert err.value.response["error"] == "invalid_trigger_id"
    fresh = emulator.triggers.issue("U0ALICE")
    opened = await client.views_open(trigger_id=fresh, view=MODAL)
    view = await emulator.expect_view("U0ALICE", callback_id="declare", timeout=0.1)
    assert view.id == opened["view"]["id"]
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=fresh, view=MODAL)
    assert err.value.response["error"] == "exchanged_trigger_id"
    updated = await client.views_update(
        view_id=view.id, view={**MODAL, "title": {"type": "plain_text", "text": "New"}}
    )
    assert updated["view"]["title"]["text"] == "New"


async def test_views_publish_home(client: AsyncWebClient, emulator: SlackEmulator):
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "On call: you"}}],
    }
    await client.views_publish(user_id="U0ALICE", view=home)
    view = await emulator.expect_view("U0ALICE", home=True, contains="On call", timeout=0.1)
    assert view.type == "home"


async def test_files_upload_v2_end_to_end(client: AsyncWebClient, emulator: SlackEmulator):
    res = await client.files_upload_v2(
        content="# Post-mortem\n", filename="pm.md", channel="C0INCIDENTS", initial_comment="draft attached"
    )
    file_id = res["file"]["id"]
    f = emulator.workspace.files[file_id]
    assert f.content == b"# Post-mortem\n" and f.completed and f.channels == ["C0INCIDENTS"]
    msg = await emulator.expect_message("C0INCIDENTS", contains="draft attached", timeout=0.1)
    assert msg.files == [file_id]
    assert [c.method for c in emulator.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_reactions_pins_bookmarks_permalink(client: AsyncWebClient, emulator: SlackEmulator):
    posted = await client.chat_postMessage(channel="C0INCIDENTS", text="status")
    await client.reactions_add(channel="C0INCIDENTS", timestamp=posted["ts"], name="eyes")
    with pytest.raises(SlackApiError) as err:
        await client.reactions_add(channel="C0INCIDENTS", timestamp=posted["ts"], name="eyes")
    assert err.value.response["error"] == "already_reacted"
    await client.pins_add(channel="C0INCIDENTS", timestamp=posted["ts"])
    pins = await client.pins_list(channel="C0INCIDENTS")
    assert pins["items"][0]["message"]["ts"] == posted["ts"]
    await client.bookmarks_add(channel_id="C0INCIDENTS", title="Runbook", type="link", link="https://runbook")
    marks = await client.bookmarks_list(channel_id="C0INCIDENTS")
    assert marks["bookmarks"][0]["title"] == "Runbook"
    link = await client.chat_getPermalink(channel="C0INCIDENTS", message_ts=posted["ts"])
    assert link["permalink"].endswith("/archives/C0INCIDENTS/p" + posted["ts"].replace(".", ""))


async def test_threads_and_replies(client: AsyncWebClient):
    parent = await client.chat_postMessage(channel="C0INCIDENTS", text="incident #1")
    await client.chat_postMessage(channel="C0INCIDENTS", text="update 1", thread_ts=parent["ts"])
    replies = await client.conversations_replies(channel="C0INCIDENTS", ts=parent["ts"])
    assert [m["text"] for m in replies["messages"]] == ["incident #1", "update 1"]
    assert replies["messages"][0]["reply_count"] == 1
    history = await client.conversations_history(channel="C0INCIDENTS")
    assert [m["text"] for m in history["messages"]] == ["incident #1"]


async def test_fault_429_carries_retry_after(client: AsyncWebClient, emulator: SlackEmulator):
    emulator.faults.add(method="chat.postMessage", status=429, retry_after=2, times=1)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "2"
    assert err.value.response["error"] == "ratelimited"
    assert emulator.messages_in("C0INCIDENTS") == []
    await client.chat_postMessage(channel="C0INCIDENTS", text="x")  # normal behaviour resumes
    assert [(c.status, c.error) for c in emulator.calls_to("chat.postMessage")] == [
        (429, "ratelimited"),
        (200, None),
    ]


async def test_fault_500_and_error_faults_apply_in_order(client: AsyncWebClient, emulator: SlackEmulator):
    emulator.faults.add(method="chat.postMessage", status=500)
    emulator.faults.add(method="chat.postMessage", error="fatal_error")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    assert err.value.response.status_code == 500
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    assert err.value.response["error"] == "fatal_error"
    await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    emulator.faults.add(status=503, times=None)
    emulator.faults.clear()
    await client.auth_test()


async def test_delay_fault_delays(client: AsyncWebClient, emulator: SlackEmulator):
    emulator.faults.add(method="auth.test", delay=0.3)
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started < 0.3


async def test_change_notifications(client: AsyncWebClient, emulator: SlackEmulator):
    seen = []
    unsubscribe = emulator.workspace.subscribe(lambda change: seen.append(change.kind))
    version = emulator.workspace.version
    await client.chat_postMessage(channel="C0INCIDENTS", text="x")
    assert await emulator.workspace.changed(version, timeout=0.1) > version
    unsubscribe()
    await client.chat_postMessage(channel="C0INCIDENTS", text="y")
    assert seen == ["message"]
