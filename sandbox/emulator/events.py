"""Events API event bodies, shaped as Slack sends them (the envelope is built in delivery.py)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from .model import Channel, Message
from .state import Workspace


def message_event(ws: Workspace, channel: Channel, msg: Message) -> dict[str, Any]:
    """``message`` as typed by a person (with the rich_text block Slack clients add)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel.id,
        "user": msg.user,
        "text": msg.text,
        "ts": msg.ts,
        "event_ts": msg.ts,
        "channel_type": channel.channel_type,
        "team": ws.team_id,
        "client_msg_id": str(uuid.uuid4()),
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "rt0",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": msg.text}]}],
            }
        ],
    }
    if msg.thread_ts:
        parent = ws.message(channel.id, msg.thread_ts)
        event.update(thread_ts=msg.thread_ts, parent_user_id=parent.user if parent else None)
    return event


def app_mention_event(message_event: dict[str, Any]) -> dict[str, Any]:
    keys = ("user", "text", "ts", "channel", "event_ts", "team", "client_msg_id", "blocks", "thread_ts")
    return {"type": "app_mention", **{k: message_event[k] for k in keys if k in message_event}}


def reaction_event(ws: Workspace, kind: str, user: str, msg: Message, name: str) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user,
        "reaction": name,
        "item_user": msg.user,
        "item": {"type": "message", "channel": msg.channel, "ts": msg.ts},
        "event_ts": ws.next_ts(),
    }


def pin_event(ws: Workspace, user: str, msg: Message) -> dict[str, Any]:
    return {
        "type": "pin_added",
        "user": user,
        "channel_id": msg.channel,
        "item": {
            "type": "message",
            "channel": msg.channel,
            "created": int(time.time()),
            "created_by": user,
            "message": msg.to_slack(),
        },
        "item_user": msg.user,
        "event_ts": ws.next_ts(),
    }


def app_home_opened_event(ws: Workspace, user: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": ws.dm_channel(user).id,
        "tab": "home",
        "event_ts": ws.next_ts(),
    }
    home = ws.home_view(user)
    if home is not None:
        event["view"] = home.to_slack(ws.bot_id)
    return event
