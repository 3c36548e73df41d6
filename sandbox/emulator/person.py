"""The person side: a workspace member who types commands, talks, reacts, clicks and submits.

Each action stores what Slack would store and sends the bot the exact signed request Slack sends.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import blocks as bk
from . import events as ev
from .api import ApiError
from .delivery import BotResponse
from .methods_views import validate_view
from .model import Channel, Message, User, View
from .payloads import escape_mentions, find_element, is_empty, state_value
from .respond import apply_response

if TYPE_CHECKING:
    from .server import SlackEmulator

Target = Message | View | str


class Person:
    def __init__(self, emu: SlackEmulator, user_id: str) -> None:
        self.emu = emu
        self.id = user_id
        self.last_response: BotResponse | None = None

    def __repr__(self) -> str:
        return f"Person({self.id})"

    @property
    def ws(self):
        return self.emu.workspace

    @property
    def user(self) -> User:
        return self.ws.users[self.id]

    @property
    def modal(self) -> View | None:
        """The modal on top of this person's stack, if any."""
        stack = self.ws.open_views(self.id)
        return stack[-1] if stack else None

    @property
    def home(self) -> View | None:
        return self.ws.home_view(self.id)

    # ---- helpers
    def _channel(self, ref: str | Channel | None) -> Channel:
        if isinstance(ref, Channel):
            return ref
        if ref is None:
            return self.ws.dm_channel(self.id)
        channel = self.ws.resolve_channel(ref)
        if channel is None:
            raise AssertionError(f"no channel {ref!r} in the workspace")
        return channel

    def _user_payload(self) -> dict:
        return {"id": self.id, "username": self.user.name, "name": self.user.name, "team_id": self.ws.team_id}

    def _team(self) -> dict:
        return {"id": self.ws.team_id, "domain": self.ws.domain}

    def _base(self, kind: str, trigger_view: str | None = None) -> dict:
        return {
            "type": kind,
            "user": self._user_payload(),
            "api_app_id": self.ws.app_id,
            "token": self.emu.verification_token,
            "trigger_id": self.emu.triggers.issue(self.id, view_id=trigger_view),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async def _send(self, payload: dict) -> BotResponse:
        self.last_response = await self.emu.post_interaction(payload)
        return self.last_response

    # ---- slash commands
    async def command(
        self, command: str, text: str = "", channel: str | Channel | None = None
    ) -> BotResponse:
        """Type ``/command text`` in ``channel`` (default: the DM with the bot). Mentions typed as
        ``@name`` / ``#channel`` arrive escaped (``should_escape: true``). An acknowledgement body is
        shown to the person the way Slack shows it."""
        ch = self._channel(channel)
        record = self.emu.response_urls.issue(user=self.id, channel=ch.id, kind="command")
        fields = {
            "token": self.emu.verification_token,
            "team_id": self.ws.team_id,
            "team_domain": self.ws.domain,
            "channel_id": ch.id,
            "channel_name": "directmessage" if ch.is_im else ch.name,
            "user_id": self.id,
            "user_name": self.user.name,
            "command": command if command.startswith("/") else f"/{command}",
            "text": escape_mentions(self.ws, text, with_names=True),
            "api_app_id": self.ws.app_id,
            "is_enterprise_install": "false",
            "response_url": f"{self.emu.url}respond/{record.id}",
            "trigger_id": self.emu.triggers.issue(self.id),
        }
        response = await self.emu.post_form(fields, kind="command")
        self.last_response = response
        if response.ok and response.text.strip():
            try:
                body = response.json()
            except ValueError:
                body = {"text": response.text}
            if isinstance(body, dict):
                apply_response(self.ws, record, body)
        return response

    # ---- messages and events
    async def say(self, channel: str | Channel | None, text: str, *, thread_ts: str | None = None) -> Message:
        """Post ``text`` as this person; the bot gets ``message`` (and ``app_mention`` if mentioned)."""
        ch = self._channel(channel)
        if self.id not in ch.members:
            if ch.is_private or ch.is_im:
                raise AssertionError(f"{self.id} is not a member of private channel {ch.id}")
            self.ws.join(ch, [self.id])
        text = escape_mentions(self.ws, text, with_names=False)
        msg = self.ws.post(ch.id, text, user=self.id, thread_ts=thread_ts)
        event = ev.message_event(self.ws, ch, msg)
        self.last_response = await self.emu.deliver_event(event)
        if f"<@{self.ws.bot_user_id}>" in text:
            self.last_response = await self.emu.deliver_event(ev.app_mention_event(event))
        return msg

    async def reply(self, message: Message, text: str) -> Message:
        """Answer in ``message``'s thread."""
        return await self.say(message.channel, text, thread_ts=message.thread_ts or message.ts)

    async def react(self, message: Message, name: str) -> BotResponse:
        name = name.strip(":")
        self.ws.add_reaction(self._fresh(message), name, self.id)
        return await self.emu.deliver_event(
            ev.reaction_event(self.ws, "reaction_added", self.id, message, name)
        )

    async def unreact(self, message: Message, name: str) -> BotResponse:
        name = name.strip(":")
        self.ws.remove_reaction(self._fresh(message), name, self.id)
        return await self.emu.deliver_event(
            ev.reaction_event(self.ws, "reaction_removed", self.id, message, name)
        )

    async def pin(self, message: Message) -> BotResponse:
        msg = self._fresh(message)
        self.ws.pin(msg, self.id)
        event = ev.pin_event(self.ws, self.id, msg)
        return await self.emu.deliver_event(event)

    async def open_home(self) -> BotResponse:
        return await self.emu.deliver_event(ev.app_home_opened_event(self.ws, self.id))

    # ---- interactivity
    def _fresh(self, message: Message) -> Message:
        found = (
            self.ws.ephemeral(message.ts)
            if message.ephemeral_for
            else self.ws.message(message.channel, message.ts)
        )
        if found is None:
            raise AssertionError(f"message {message.ts} in {message.channel} no longer exists")
        if found.ephemeral_for and found.ephemeral_for != self.id:
            raise AssertionError(
                f"{self.id} cannot see the ephemeral message {found.ts} (it is for {found.ephemeral_for})"
            )
        return found

    def _fresh_view(self, view: View) -> View:
        found = self.ws.views.get(view.id)
        if found is None or found.closed:
            raise AssertionError(f"view {view.id} ({view.title or view.callback_id}) is not open")
        if found.user != self.id:
            raise AssertionError(f"view {view.id} belongs to {found.user}, not {self.id}")
        return found

    def _candidates(self, target: Target) -> list[Message | View]:
        if isinstance(target, View):
            return [self._fresh_view(target)]
        if isinstance(target, Message):
            return [self._fresh(target)]
        ch = self._channel(target)
        mine = [m for m in self.ws.ephemerals if m.channel == ch.id and m.ephemeral_for == self.id]
        return sorted([*self.ws.messages.get(ch.id, []), *mine], key=lambda m: float(m.ts), reverse=True)

    def _container(self, where: Message | View) -> dict:
        """The parts of a block_actions payload that say where the click happened."""
        if isinstance(where, View):
            return {
                "container": {"type": "view", "view_id": where.id},
                "view": where.to_slack(self.ws.bot_id),
                "trigger_id": self.emu.triggers.issue(self.id, view_id=where.id),
            }
        ch = self.ws.channels[where.channel]
        eph = where.ephemeral_for is not None
        record = self.emu.response_urls.issue(
            user=self.id,
            channel=ch.id,
            kind="block_actions",
            message_ts=where.ts,
            ephemeral=eph,
            thread_ts=where.thread_ts if where.is_reply else None,
        )
        part: dict[str, Any] = {
            "container": {
                "type": "message",
                "message_ts": where.ts,
                "channel_id": ch.id,
                "is_ephemeral": eph,
            },
            "channel": {"id": ch.id, "name": "directmessage" if ch.is_im else ch.name},
            "response_url": f"{self.emu.url}respond/{record.id}",
            "state": {"values": {}},
        }
        if not eph:
            part["message"] = {**where.to_slack(), "team": self.ws.team_id}
        return part

    async def click(self, target: Target, label: str) -> BotResponse:
        """Press the button labelled ``label`` in a message, an ephemeral message, a view, or the
        newest message in a channel (given its id/#name) that has such a button."""
        seen: list[str] = []
        for where in self._candidates(target):
            for el in bk.buttons(where.blocks):
                if el.label == label:
                    action = {
                        "action_id": el.action_id,
                        "block_id": el.block_id,
                        "text": el.element.get("text"),
                        "type": "button",
                        "action_ts": f"{time.time():.6f}",
                    }
                    for key in ("value", "style", "url"):
                        if key in el.element:
                            action[key] = el.element[key]
                    payload = {**self._base("block_actions"), **self._container(where), "actions": [action]}
                    return await self._send(payload)
                seen.append(el.label)
        raise AssertionError(
            f"no button {label!r} for {self.id} in {_describe(target)}; buttons there: {seen}"
        )

    async def select(self, target: Target, key: str, value: Any) -> BotResponse | None:
        """Choose ``value`` in the select/picker/input found by action_id, placeholder or input label.
        In a modal's input block (without dispatch_action) only the view state changes: returns None."""
        errors: list[str] = []
        for where in self._candidates(target):
            try:
                el = find_element(where.blocks, key)
            except AssertionError as exc:
                errors.append(str(exc))
                continue
            entry = state_value(el, value)
            if isinstance(where, View):
                where.values.setdefault(el.block_id or "", {})[el.action_id or ""] = entry
                self.ws.bump("view", where)
                block = next(b for b in where.blocks if b.get("block_id") == el.block_id)
                if el.block_type == "input" and not block.get("dispatch_action"):
                    return None
            action = {
                **entry,
                "action_id": el.action_id,
                "block_id": el.block_id,
                "action_ts": f"{time.time():.6f}",
            }
            payload = {**self._base("block_actions"), **self._container(where), "actions": [action]}
            return await self._send(payload)
        raise AssertionError(f"{_describe(target)}: " + "; ".join(errors or ["nothing to select in"]))

    async def submit(self, view: View | None = None, values: dict[str, Any] | None = None) -> dict:
        """Submit a modal (default: the top one) with ``values`` = ``{block_id: {action_id: value}}`` or
        ``{block_id: value}``. Returns the bot's ``errors`` (``{}`` when accepted), after applying
        ``response_action`` update/push/clear or closing the view."""
        current = self._fresh_view(view) if view is not None else self.modal
        if current is None:
            raise AssertionError(f"{self.id} has no open modal to submit")
        values = dict(values or {})
        state = {bid: dict(entries) for bid, entries in current.values.items()}
        inputs = bk.input_blocks(current.blocks)
        known = {b.get("block_id") for b in inputs}
        unknown = [bid for bid in values if bid not in known]
        if unknown:
            labels = [f"{b.get('block_id')} ({bk.text_of(b.get('label'))})" for b in inputs]
            raise AssertionError(
                f"no input blocks {unknown} in view {current.callback_id!r}; inputs: {labels}"
            )
        for block in inputs:
            el = bk.Element(block.get("block_id"), "input", block["element"])
            bid, aid = el.block_id or "", el.action_id or ""
            if bid in values:
                given = values[bid]
                if isinstance(given, dict) and "type" not in given:
                    if aid not in given:
                        raise AssertionError(f"input block {bid!r} has action_id {aid!r}, not {list(given)}")
                    given = given[aid]
                state[bid] = {aid: state_value(el, given)}
            else:
                state.setdefault(bid, {aid: state_value(el, None)})
            if not block.get("optional") and is_empty(state[bid].get(aid, {})):
                label = bk.text_of(block.get("label"))
                raise AssertionError(
                    f"required input {label!r} ({bid}) is empty: Slack would not submit the form"
                )
        current.values = state
        payload = {
            **self._base("view_submission", current.id),
            "view": current.to_slack(self.ws.bot_id),
            "response_urls": [],
        }
        response = await self._send(payload)
        if not response.ok:
            raise AssertionError(
                f"the bot answered {response.status} to view_submission: {response.text[:300]}"
            )
        try:
            body = response.json() if response.text.strip() else None
        except ValueError:
            raise AssertionError(
                f"the bot answered view_submission with non-JSON: {response.text[:300]}"
            ) from None
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors":
            return dict(body.get("errors") or {})
        try:
            if action == "update":
                self.ws.update_view(current, validate_view(body.get("view"), "modal"))
            elif action == "push":
                self.ws.open_view(self.id, validate_view(body.get("view"), "modal"), push=True)
            elif action == "clear":
                self.ws.close_view(current, all_views=True)
            else:
                self.ws.close_view(current)
        except ApiError as exc:
            raise AssertionError(
                f"the bot's response_action {action!r} has an invalid view: {exc.extra}"
            ) from None
        return {}

    async def close(self, view: View | None = None) -> BotResponse | None:
        """Press Cancel on a modal; sends ``view_closed`` when the view asked for notify_on_close."""
        current = self._fresh_view(view) if view is not None else self.modal
        if current is None:
            raise AssertionError(f"{self.id} has no open modal to close")
        self.ws.close_view(current)
        if current.view.get("notify_on_close"):
            payload = {
                **self._base("view_closed"),
                "view": current.to_slack(self.ws.bot_id),
                "is_cleared": False,
            }
            return await self._send(payload)
        return None


def _describe(target: Target) -> str:
    if isinstance(target, View):
        return f"view {target.id} ({target.callback_id})"
    if isinstance(target, Message):
        kind = "ephemeral message" if target.ephemeral_for else "message"
        return f"{kind} {target.ts} in {target.channel}"
    return f"channel {target}"
