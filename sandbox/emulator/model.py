"""Plain records of Slack things, each able to render itself as Slack's JSON."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from . import blocks as bk


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    tz: str = "Europe/Berlin"
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    bot_id: str | None = None
    team_id: str = ""

    def to_slack(self) -> dict:
        profile: dict[str, Any] = {
            "real_name": self.real_name or self.name,
            "display_name": self.name,
            "real_name_normalized": self.real_name or self.name,
            "display_name_normalized": self.name,
            "team": self.team_id,
        }
        if self.email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name or self.name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": _tz_offset(self.tz),
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }


def _tz_offset(tz: str) -> int:
    try:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        return int(offset.total_seconds()) if offset else 0
    except Exception:
        return 0


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other side of an IM
    topic: str = ""
    purpose: str = ""
    members: set[str] = field(default_factory=set)
    archived: bool = False
    created: int = field(default_factory=lambda: int(time.time()))
    creator: str = ""

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` of message events: channel, group, im or mpim."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    def to_slack(self, bot_user: str = "", *, num_members: bool = False) -> dict:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "created": self.created,
            "creator": self.creator,
            "is_archived": self.archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": bot_user in self.members,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
        }
        if num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class Message:
    """A channel message, a thread reply, or (``ephemeral_for`` set) an ephemeral message."""

    channel: str
    ts: str
    text: str = ""
    user: str | None = None
    bot_id: str | None = None
    blocks: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    thread_ts: str | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    pinned_by: str | None = None
    edited: dict | None = None
    metadata: dict | None = None
    files: list[str] = field(default_factory=list)
    subtype: str | None = None
    ephemeral_for: str | None = None
    deleted: bool = False

    @property
    def pinned(self) -> bool:
        return self.pinned_by is not None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def text_content(self) -> str:
        """The text plus every text in blocks and attachments, one piece a line."""
        parts = [self.text] if self.text else []
        parts += bk.flatten_text(self.blocks)
        for att in self.attachments:
            for key in ("pretext", "title", "text", "fallback"):
                if isinstance(att.get(key), str):
                    parts.append(att[key])
            parts += [f"{f.get('title', '')} {f.get('value', '')}" for f in att.get("fields") or []]
            parts += bk.flatten_text(att.get("blocks") or [])
        return "\n".join(parts)

    @property
    def buttons(self) -> list[str]:
        return bk.button_labels(self.blocks)

    def button(self, label: str) -> dict:
        """The button element with this label; AssertionError naming the labels there are."""
        for el in bk.buttons(self.blocks):
            if el.label == label:
                return el.element
        raise AssertionError(f"no button {label!r} in message {self.ts}; buttons: {self.buttons}")

    def to_slack(self) -> dict:
        data: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        if self.subtype:
            data["subtype"] = self.subtype
        if self.user:
            data["user"] = self.user
        if self.bot_id:
            data["bot_id"] = self.bot_id
            data["app_id"] = "A0OPSBRIDGE"
        if self.blocks:
            data["blocks"] = self.blocks
        if self.attachments:
            data["attachments"] = self.attachments
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.thread_ts == self.ts:
            data.update(reply_count=self.reply_count, reply_users=list(self.reply_users))
            data["reply_users_count"] = len(self.reply_users)
            if self.latest_reply:
                data["latest_reply"] = self.latest_reply
        if self.reactions:
            data["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in self.reactions.items()
            ]
        if self.pinned_by:
            data["pinned_to"] = [self.channel]
        if self.edited:
            data["edited"] = dict(self.edited)
        if self.metadata:
            data["metadata"] = self.metadata
        if self.files:
            data["files"] = [{"id": f} for f in self.files]
        return data

    def __str__(self) -> str:
        who = self.user or self.bot_id or "?"
        text = self.text_content.replace("\n", " | ")
        return f"[{self.ts}] {who}: {text[:160]}"


@dataclass
class View:
    id: str
    user: str
    type: str  # modal | home
    view: dict
    team_id: str = ""
    external_id: str | None = None
    hash: str = ""
    root_view_id: str | None = None
    previous_view_id: str | None = None
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    closed: bool = False

    @property
    def callback_id(self) -> str:
        return self.view.get("callback_id", "")

    @property
    def private_metadata(self) -> str:
        return self.view.get("private_metadata", "")

    @property
    def title(self) -> str:
        return bk.text_of(self.view.get("title"))

    @property
    def blocks(self) -> list[dict]:
        return list(self.view.get("blocks") or [])

    @property
    def text_content(self) -> str:
        return "\n".join([self.title, *bk.flatten_text(self.blocks)])

    @property
    def buttons(self) -> list[str]:
        return bk.button_labels(self.blocks)

    def button(self, label: str) -> dict:
        for el in bk.buttons(self.blocks):
            if el.label == label:
                return el.element
        raise AssertionError(f"no button {label!r} in view {self.id}; buttons: {self.buttons}")

    def to_slack(self, bot_id: str = "") -> dict:
        data = {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": self.blocks,
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": self.values},
            "hash": self.hash,
            "title": self.view.get("title"),
            "close": self.view.get("close"),
            "submit": self.view.get("submit"),
            "clear_on_close": bool(self.view.get("clear_on_close", False)),
            "notify_on_close": bool(self.view.get("notify_on_close", False)),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id or self.id,
            "app_id": "A0OPSBRIDGE",
            "external_id": self.external_id or "",
            "app_installed_team_id": self.team_id,
            "bot_id": bot_id,
        }
        return data


@dataclass
class Usergroup:
    id: str
    handle: str
    name: str = ""
    description: str = ""
    users: list[str] = field(default_factory=list)
    team_id: str = ""
    date_create: int = field(default_factory=lambda: int(time.time()))

    def to_slack(self, *, include_users: bool = True) -> dict:
        data = {
            "id": self.id,
            "team_id": self.team_id,
            "is_usergroup": True,
            "name": self.name or self.handle,
            "description": self.description,
            "handle": self.handle,
            "is_external": False,
            "date_create": self.date_create,
            "date_update": self.date_create,
            "date_delete": 0,
            "auto_type": None,
            "user_count": len(self.users),
            "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            data["users"] = list(self.users)
        return data


@dataclass
class Bookmark:
    id: str
    channel_id: str
    title: str
    link: str
    type: str = "link"
    emoji: str | None = None
    date_created: int = field(default_factory=lambda: int(time.time()))

    def to_slack(self) -> dict:
        return {
            "id": self.id,
            "channel_id": self.channel_id,
            "title": self.title,
            "link": self.link,
            "emoji": self.emoji,
            "type": self.type,
            "date_created": self.date_created,
            "date_updated": 0,
        }


@dataclass
class File:
    id: str
    name: str
    title: str = ""
    content: bytes = b""
    user: str = ""
    channels: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))
    completed: bool = False
    url_private: str = ""

    def to_slack(self) -> dict:
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": "text/plain",
            "filetype": "text",
            "user": self.user,
            "size": len(self.content),
            "is_public": True,
            "url_private": self.url_private,
            "permalink": self.url_private,
            "channels": list(self.channels),
        }
