"""The Slack workspace the emulator holds: users, channels, messages, views, groups, files.

Every change goes through a method here, which bumps ``version`` and notifies waiters
(``await workspace.changed(since, timeout)``) and subscribers (``workspace.subscribe(cb)``).
Change kinds: user, channel, message, message_changed, message_deleted, ephemeral,
ephemeral_changed, ephemeral_deleted, reaction, pin, view, view_closed, usergroup,
bookmark, file.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Iterable, Iterator

from .model import Bookmark, Channel, File, Message, User, Usergroup, View
from .notify import Notifier


class Workspace(Notifier):
    def __init__(
        self,
        *,
        team_id: str = "T0OPSBRIDGE",
        domain: str = "opsbridge",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "opsbridge",
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.team_id = team_id
        self.domain = domain
        self.team_name = domain.capitalize()
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = "A0OPSBRIDGE"
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self._by_ts: dict[tuple[str, str], Message] = {}
        self.ephemerals: list[Message] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.usergroups: dict[str, Usergroup] = {}
        self.bookmarks: dict[str, list[Bookmark]] = {}
        self.files: dict[str, File] = {}
        self._rand = random.Random(seed)
        self._last_ts = 0
        self.users[bot_user_id] = User(
            bot_user_id, bot_name, real_name=bot_name, is_bot=True, bot_id=bot_id, team_id=team_id
        )

    # ---- ids and timestamps
    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"

    def new_id(self, prefix: str, length: int = 10) -> str:
        taken = (self.users, self.channels, self.views, self.usergroups, self.files)
        while True:
            candidate = prefix + "".join(self._rand.choices(string.ascii_uppercase + string.digits, k=length))
            if not any(candidate in t for t in taken):
                return candidate

    def next_ts(self) -> str:
        """A message ts: wall-clock microseconds, strictly increasing, like ``1700000000.000100``."""
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ---- seeding and lookups
    def add_user(
        self,
        id: str,
        name: str,
        email: str | None = None,
        tz: str = "Europe/Berlin",
        real_name: str | None = None,
        *,
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> User:
        user = User(
            id, name, real_name or name.capitalize(), email, tz, is_bot, deleted, is_admin, None, self.team_id
        )
        self.users[id] = user
        self.bump("user", user)
        return user

    def add_channel(
        self,
        id: str,
        name: str,
        members: Iterable[str] = (),
        is_private: bool = False,
        *,
        bot_member: bool = True,
    ) -> Channel:
        channel = Channel(id, name, is_private=is_private, members=set(members), creator=self.bot_user_id)
        if bot_member:
            channel.members.add(self.bot_user_id)
        self.channels[id] = channel
        self.messages.setdefault(id, [])
        self.bump("channel", channel)
        return channel

    def add_usergroup(
        self, id: str, handle: str, users: Iterable[str] = (), name: str | None = None
    ) -> Usergroup:
        group = Usergroup(id, handle, name or handle, users=list(users), team_id=self.team_id)
        self.usergroups[id] = group
        self.bump("usergroup", group)
        return group

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def user_by_name(self, name: str) -> User | None:
        return next((u for u in self.users.values() if u.name == name), None)

    def channel(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id)

    def channel_by_name(self, name: str) -> Channel | None:
        name = name.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def find_dm(self, user_id: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.is_im and c.user == user_id), None)

    def dm_channel(self, user_id: str) -> Channel:
        """The IM channel between the bot and ``user_id``, created on first use."""
        found = self.find_dm(user_id)
        if found:
            return found
        channel = Channel(
            self.new_id("D"), user_id, is_im=True, user=user_id, members={self.bot_user_id, user_id}
        )
        self.channels[channel.id] = channel
        self.messages.setdefault(channel.id, [])
        self.bump("channel", channel)
        return channel

    def mpim_channel(self, user_ids: Iterable[str]) -> Channel:
        members = {self.bot_user_id, *user_ids}
        for c in self.channels.values():
            if c.is_mpim and c.members == members:
                return c
        name = (
            "mpdm-" + "--".join(sorted(self.users[u].name if u in self.users else u for u in members)) + "-1"
        )
        channel = Channel(self.new_id("G"), name, is_private=True, is_mpim=True, members=members)
        self.channels[channel.id] = channel
        self.messages.setdefault(channel.id, [])
        self.bump("channel", channel)
        return channel

    def resolve_channel(self, ref: str) -> Channel | None:
        """A channel from an id, ``#name``, a bare name, or a user id (their DM with the bot)."""
        if ref in self.channels:
            return self.channels[ref]
        if ref.startswith(("U", "W")) and ref in self.users:
            return self.dm_channel(ref)
        return self.channel_by_name(ref)

    # ---- channels
    def change_channel(self, channel: Channel, **fields: object) -> Channel:
        for key, value in fields.items():
            setattr(channel, key, value)
        self.bump("channel", channel)
        return channel

    def join(self, channel: Channel, user_ids: Iterable[str]) -> None:
        channel.members.update(user_ids)
        self.bump("channel", channel)

    # ---- messages
    def post(
        self,
        channel: str,
        text: str = "",
        *,
        user: str | None = None,
        blocks: list[dict] | None = None,
        attachments: list[dict] | None = None,
        thread_ts: str | None = None,
        metadata: dict | None = None,
        files: list[str] | None = None,
        subtype: str | None = None,
    ) -> Message:
        """Store a message; ``user=None`` means the bot posted it."""
        msg = Message(
            channel,
            self.next_ts(),
            text=text,
            user=user or self.bot_user_id,
            bot_id=None if user and user != self.bot_user_id else self.bot_id,
            blocks=list(blocks or []),
            attachments=list(attachments or []),
            thread_ts=thread_ts,
            metadata=metadata,
            files=list(files or []),
            subtype=subtype,
        )
        if thread_ts:
            parent = self.message(channel, thread_ts)
            if parent is not None:
                parent.thread_ts = parent.ts
                parent.reply_count += 1
                parent.latest_reply = msg.ts
                if msg.user and msg.user not in parent.reply_users:
                    parent.reply_users.append(msg.user)
        self.messages.setdefault(channel, []).append(msg)
        self._by_ts[(channel, msg.ts)] = msg
        self.bump("message", msg)
        return msg

    def message(self, channel: str, ts: str) -> Message | None:
        found = self._by_ts.get((channel, ts))
        return found or next((m for m in self.messages.get(channel, []) if m.ts == ts), None)

    def all_messages(self) -> Iterator[Message]:
        for msgs in self.messages.values():
            yield from msgs

    def history(self, channel: str) -> list[Message]:
        """Top-level messages (and broadcast replies), oldest first."""
        return [
            m for m in self.messages.get(channel, []) if not m.is_reply or m.subtype == "thread_broadcast"
        ]

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        return [m for m in self.messages.get(channel, []) if m.ts == thread_ts or m.thread_ts == thread_ts]

    def update_message(self, msg: Message, *, edited_by: str | None = None, **fields: object) -> Message:
        for key, value in fields.items():
            setattr(msg, key, value)
        if edited_by:
            msg.edited = {"user": edited_by, "ts": self.next_ts()}
        self.bump("message_changed", msg)
        return msg

    def delete_message(self, msg: Message) -> None:
        msgs = self.messages.get(msg.channel, [])
        if msg in msgs:
            msgs.remove(msg)
        self._by_ts.pop((msg.channel, msg.ts), None)
        msg.deleted = True
        self.bump("message_deleted", msg)

    def post_ephemeral(
        self,
        channel: str,
        user: str,
        text: str = "",
        *,
        blocks: list[dict] | None = None,
        attachments: list[dict] | None = None,
        thread_ts: str | None = None,
    ) -> Message:
        msg = Message(
            channel,
            self.next_ts(),
            text=text,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            blocks=list(blocks or []),
            attachments=list(attachments or []),
            thread_ts=thread_ts,
            ephemeral_for=user,
        )
        self.ephemerals.append(msg)
        self.bump("ephemeral", msg)
        return msg

    def ephemeral(self, ts: str) -> Message | None:
        return next((m for m in self.ephemerals if m.ts == ts), None)

    def update_ephemeral(self, msg: Message, **fields: object) -> Message:
        for key, value in fields.items():
            setattr(msg, key, value)
        self.bump("ephemeral_changed", msg)
        return msg

    def delete_ephemeral(self, msg: Message) -> None:
        if msg in self.ephemerals:
            self.ephemerals.remove(msg)
        msg.deleted = True
        self.bump("ephemeral_deleted", msg)

    def add_reaction(self, msg: Message, name: str, user: str) -> bool:
        users = msg.reactions.setdefault(name, [])
        if user in users:
            return False
        users.append(user)
        self.bump("reaction", msg)
        return True

    def remove_reaction(self, msg: Message, name: str, user: str) -> bool:
        users = msg.reactions.get(name, [])
        if user not in users:
            return False
        users.remove(user)
        if not users:
            del msg.reactions[name]
        self.bump("reaction", msg)
        return True

    def pin(self, msg: Message, user: str) -> bool:
        if msg.pinned_by:
            return False
        msg.pinned_by = user
        self.bump("pin", msg)
        return True

    def unpin(self, msg: Message) -> bool:
        if not msg.pinned_by:
            return False
        msg.pinned_by = None
        self.bump("pin", msg)
        return True

    # ---- views
    def open_view(self, user: str, view: dict, *, push: bool = False) -> View:
        """Open a modal (a new stack) or, with ``push``, push it onto the user's stack."""
        stack = self.modal_stacks.setdefault(user, [])
        if not push:
            for vid in stack:
                self.views[vid].closed = True
            stack.clear()
        new = View(self.new_id("V"), user, view.get("type", "modal"), dict(view), team_id=self.team_id)
        new.external_id = view.get("external_id")
        new.hash = self._view_hash()
        if stack:
            new.root_view_id = self.views[stack[0]].id
            new.previous_view_id = stack[-1]
        stack.append(new.id)
        self.views[new.id] = new
        self.bump("view", new)
        return new

    def update_view(self, view: View, new_view: dict) -> View:
        view.view = dict(new_view)
        view.type = new_view.get("type", view.type)
        if new_view.get("external_id"):
            view.external_id = new_view["external_id"]
        keep = {b.get("block_id") for b in view.blocks}
        view.values = {k: v for k, v in view.values.items() if k in keep}
        view.hash = self._view_hash()
        self.bump("view", view)
        return view

    def publish_home(self, user: str, view: dict) -> View:
        vid = self.home_views.get(user)
        if vid:
            return self.update_view(self.views[vid], view)
        home = View(self.new_id("V"), user, "home", dict(view), team_id=self.team_id, hash=self._view_hash())
        self.views[home.id] = home
        self.home_views[user] = home.id
        self.bump("view", home)
        return home

    def close_view(self, view: View, *, all_views: bool = False) -> None:
        stack = self.modal_stacks.get(view.user, [])
        closing = list(stack) if all_views else [view.id]
        for vid in closing:
            if vid in stack:
                stack.remove(vid)
            self.views[vid].closed = True
            self.bump("view_closed", self.views[vid])

    def open_views(self, user: str) -> list[View]:
        """The user's modal stack, bottom first."""
        return [self.views[v] for v in self.modal_stacks.get(user, [])]

    def home_view(self, user: str) -> View | None:
        vid = self.home_views.get(user)
        return self.views.get(vid) if vid else None

    def view_by_external_id(self, external_id: str) -> View | None:
        return next((v for v in self.views.values() if v.external_id == external_id and not v.closed), None)

    def _view_hash(self) -> str:
        return f"{int(time.time())}.{self._rand.getrandbits(32):08x}"

    # ---- groups, bookmarks, files
    def set_usergroup(self, group: Usergroup, **fields: object) -> Usergroup:
        for key, value in fields.items():
            setattr(group, key, value)
        self.bump("usergroup", group)
        return group

    def add_bookmark(self, channel_id: str, title: str, link: str, emoji: str | None = None) -> Bookmark:
        mark = Bookmark(self.new_id("Bk"), channel_id, title, link, emoji=emoji)
        self.bookmarks.setdefault(channel_id, []).append(mark)
        self.bump("bookmark", mark)
        return mark

    def add_file(self, name: str, *, user: str, url_base: str = "") -> File:
        f = File(self.new_id("F"), name, user=user)
        f.url_private = f"{url_base or self.url}files/{f.id}/{name}"
        self.files[f.id] = f
        self.bump("file", f)
        return f

    def change_file(self, f: File, **fields: object) -> File:
        for key, value in fields.items():
            setattr(f, key, value)
        self.bump("file", f)
        return f
