"""The sandbox page in headless Chromium: a person picks who they are, types commands, gets paged,
presses buttons, fills modals; everything goes through the real bot and the Slack emulator."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import eventually

pytestmark = pytest.mark.browser


async def pick(page, user_id: str) -> None:
    await page.select_option("#who", user_id)
    await page.wait_for_function("id => new URL(location.href).searchParams.get('as') === id", arg=user_id)
    await page.wait_for_selector("#composer:not([hidden])")


async def open_channel(page, name: str) -> None:
    await page.locator("#nav .nav-item", has_text=re.compile(rf"^\W*{re.escape(name)}$")).first.click()
    await page.wait_for_selector(f".channel-title:text-matches('{re.escape(name)}$')")


async def type_and_send(page, text: str) -> None:
    await page.fill("#input", text)
    await page.press("#input", "Enter")


def ephemerals(page):
    return page.locator("#messages .msg.ephemeral")


async def test_pick_a_person_and_ask_who_is_on_call(page, sandbox):
    await pick(page, "U0ALICE")
    assert "Alice Adams" in await page.locator("#who option:checked").inner_text()
    await open_channel(page, "general")
    await page.shot("picked-alice")

    await page.fill("#input", "/onc")
    await page.wait_for_selector("#suggestions:not([hidden]) .suggestion")
    assert "/oncall" in await page.locator("#suggestions").inner_text()
    await type_and_send(page, "/oncall help")
    help_reply = ephemerals(page).filter(has_text="who holds the pager")
    await help_reply.wait_for()
    assert "Only visible to you" in await help_reply.inner_text()
    await page.shot("oncall-help")

    before = await ephemerals(page).count()
    await type_and_send(page, "/oncall")
    await page.wait_for_function(
        "n => document.querySelectorAll('#messages .msg.ephemeral').length > n", arg=before
    )
    await page.shot("oncall")
    # nobody else sees Alice's ephemeral answers
    await pick(page, "U0BOB")
    await open_channel(page, "general")
    await page.wait_for_timeout(300)
    assert await ephemerals(page).count() == 0
    assert page.errors == []


async def test_messages_render_block_kit_escaped_and_update_in_place(page, sandbox):
    emulator = sandbox.emulator
    await pick(page, "U0CAROL")
    await open_channel(page, "general")
    await type_and_send(page, '<img src=x onerror="window.pwned=1"> *bold* _soft_ `code` @bob #incidents')
    mine = page.locator("#messages .msg", has_text="bold").last
    await mine.wait_for()
    assert await mine.locator(".msg-content img").count() == 0
    assert await mine.locator("b").inner_text() == "bold"
    assert await mine.locator("i").inner_text() == "soft"
    assert "@bob" in await mine.locator(".mention").inner_text()
    assert await page.evaluate("window.pwned") is None

    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Deploy <b>checkout</b>"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*v2* by <@U0BOB> in <#C0INCIDENTS>, "
                "<https://example.com/run|the run> &lt;script&gt;",
            },
            "fields": [
                {"type": "mrkdwn", "text": "*Env*\nproduction"},
                {"type": "mrkdwn", "text": "*Status*\nstarted"},
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "sandbox test"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ok",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve"},
                },
                {
                    "type": "button",
                    "action_id": "no",
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Reject"},
                },
                {
                    "type": "static_select",
                    "action_id": "env",
                    "placeholder": {"type": "plain_text", "text": "Environment"},
                    "options": [{"text": {"type": "plain_text", "text": "staging"}, "value": "stg"}],
                },
            ],
        },
        {"type": "image", "image_url": "https://example.com/graph.png", "alt_text": "error graph"},
    ]
    posted = await emulator.call(
        "chat.postMessage", {"channel": "C0GENERAL", "text": "deploy", "blocks": blocks}
    )
    message = page.locator(f'#messages .msg[data-ts="{posted["ts"]}"]')
    await message.wait_for()
    assert await message.locator(".bk-header").inner_text() == "Deploy <b>checkout</b>"
    assert await message.locator(".bk-section a[href='https://example.com/run']").inner_text() == "the run"
    assert "<script>" in await message.locator(".bk-text").inner_text()
    assert await message.locator(".bk-text .mention").inner_text() == "@bob"
    assert await message.locator(".bk-text .channel-link").inner_text() == "#incidents"
    assert await message.locator(".bk-field").count() == 2
    assert await message.locator("button.bk-button.primary").inner_text() == "Approve"
    assert await message.locator("button.bk-button.danger").inner_text() == "Reject"
    assert await message.locator("img.bk-img").get_attribute("alt") == "error graph"
    await page.shot("block-kit")

    await message.locator("button", has_text="Approve").click()
    action = await eventually(
        lambda: next(
            (
                d.payload
                for d in emulator.delivered
                if d.kind == "interaction" and d.payload["type"] == "block_actions"
            ),
            None,
        ),
        what="block_actions",
    )
    assert action["actions"][0]["action_id"] == "ok" and action["user"]["id"] == "U0CAROL"
    await message.locator("select.bk-select").select_option("stg")
    await eventually(
        lambda: [
            d
            for d in emulator.delivered
            if d.kind == "interaction"
            and d.payload["actions"][0].get("selected_option", {}).get("value") == "stg"
        ],
        what="a static_select action",
    )

    await message.hover()
    await message.locator("button.react-pushpin").click()
    await eventually(
        lambda: emulator.workspace.message("C0GENERAL", posted["ts"]).reactions.get("pushpin"),
        what="a pushpin reaction",
    )
    await message.locator(".reaction").wait_for()

    await emulator.call(
        "chat.update",
        {
            "channel": "C0GENERAL",
            "ts": posted["ts"],
            "text": "done",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Deployed* v2"}}],
        },
    )
    await page.locator(f'#messages .msg[data-ts="{posted["ts"]}"]', has_text="Deployed").wait_for()
    assert await page.locator(f'#messages .msg[data-ts="{posted["ts"]}"]').count() == 1
    await page.shot("updated-in-place")
    assert page.errors == []


async def test_a_modal_and_the_app_home_render_from_the_emulator(page, sandbox):
    ws = sandbox.emulator.workspace
    await pick(page, "U0DAVE")
    ws.publish_home(
        "U0DAVE",
        {
            "type": "home",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": "*Your next shift* starts Monday"}}
            ],
        },
    )
    await page.locator("#nav .app-dm").click()
    await page.locator("#tabs .tab[data-tab='home']").click()
    await page.locator("#home", has_text="Your next shift").wait_for()
    await page.shot("app-home")
    assert any(
        d.kind == "event" and d.payload["event"]["type"] == "app_home_opened"
        for d in sandbox.emulator.delivered
    )

    ws.open_view(
        "U0DAVE",
        {
            "type": "modal",
            "callback_id": "demo",
            "title": {"type": "plain_text", "text": "Report"},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [
                {
                    "type": "input",
                    "block_id": "title",
                    "label": {"type": "plain_text", "text": "Title"},
                    "element": {"type": "plain_text_input", "action_id": "v"},
                },
                {
                    "type": "input",
                    "block_id": "sev",
                    "label": {"type": "plain_text", "text": "Severity"},
                    "element": {
                        "type": "static_select",
                        "action_id": "v",
                        "options": [{"text": {"type": "plain_text", "text": "SEV2"}, "value": "sev2"}],
                    },
                },
                {
                    "type": "input",
                    "block_id": "who",
                    "optional": True,
                    "label": {"type": "plain_text", "text": "Owner"},
                    "element": {"type": "users_select", "action_id": "v"},
                },
                {
                    "type": "input",
                    "block_id": "when",
                    "optional": True,
                    "label": {"type": "plain_text", "text": "Due"},
                    "element": {"type": "datepicker", "action_id": "v"},
                },
            ],
        },
    )
    modal = page.locator(".modal")
    await modal.wait_for()
    await modal.locator(".modal-submit").click()  # empty required inputs: refused here, as Slack does
    await modal.locator(".bk-error", has_text="required").first.wait_for()
    await modal.locator("[data-block-id='title'] input").fill("Disk <full>")
    await modal.locator("[data-block-id='sev'] select").select_option("sev2")
    await modal.locator("[data-block-id='who'] select").select_option("U0ALICE")
    await modal.locator("[data-block-id='when'] input").fill("2026-12-01")
    await page.shot("modal")
    await modal.locator(".modal-submit").click()
    submitted = await eventually(
        lambda: next(
            (
                d.payload
                for d in sandbox.emulator.delivered
                if d.kind == "interaction" and d.payload["type"] == "view_submission"
            ),
            None,
        ),
        what="view_submission",
    )
    values = submitted["view"]["state"]["values"]
    assert values["title"]["v"]["value"] == "Disk <full>"
    assert values["sev"]["v"]["selected_option"]["value"] == "sev2"
    assert values["who"]["v"]["selected_user"] == "U0ALICE"
    assert values["when"]["v"]["selected_date"] == "2026-12-01"
    assert page.errors == []


def _paged_person(ws) -> str | None:
    for channel in ws.channels.values():
        if channel.is_im and any("Acknowledge" in m.buttons for m in ws.messages.get(channel.id, [])):
            return channel.user
    return None


async def test_fire_an_alert_get_paged_and_acknowledge(page, sandbox):
    await pick(page, "U0ALICE")
    await page.select_option("#sim-alert-service", "checkout")
    await page.select_option("#sim-severity", "critical")
    await page.click("#sim-fire")
    await page.locator("#sim-log li.ok").first.wait_for()
    await page.shot("alert-fired")
    paged = await eventually(lambda: _paged_person(sandbox.emulator.workspace), timeout=15, what="page DM")

    await pick(page, paged)
    await page.locator("#nav .app-dm").click()
    page_message = page.locator("#messages .msg", has=page.locator("button", has_text="Acknowledge")).last
    await page_message.wait_for()
    for label in ("Acknowledge", "Escalate", "Resolve"):
        assert await page_message.locator("button", has_text=label).count() == 1
    await page.shot("paged")
    ts = await page_message.get_attribute("data-ts")
    await page_message.locator("button", has_text="Acknowledge").click()
    await page.locator(f'#messages .msg[data-ts="{ts}"]', has_text=re.compile("acknowledged", re.I)).wait_for(
        timeout=15_000
    )
    await page.shot("acknowledged")
    assert page.errors == []


async def test_declare_an_incident_through_the_modal(page, sandbox):
    await pick(page, "U0ALICE")
    await open_channel(page, "incidents")
    await type_and_send(page, "/incident declare")
    modal = page.locator(".modal")
    await modal.wait_for()
    await page.shot("declare-modal")
    await (
        modal.locator(".bk-input-block", has_text=re.compile("title", re.I))
        .locator("input, textarea")
        .first.fill("Checkout is down")
    )
    for select in await modal.locator(".bk-input-block select").all():  # any required choice: the first
        if not await select.input_value():
            await select.select_option(index=1)
    await modal.locator(".modal-submit").click()
    await modal.wait_for(state="detached", timeout=15_000)
    channel = page.locator("#nav .nav-item", has_text=re.compile(r"inc-\d+-checkout-is-down"))
    await channel.wait_for(timeout=15_000)
    await channel.click()
    await page.wait_for_selector(".channel-title:text-matches('inc-\\\\d+-checkout-is-down')")
    await page.shot("incident-channel")
    assert page.errors == []
