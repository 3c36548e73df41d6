"""The test language: wait (on change notifications, never by polling) for what a person would see.

    msg = await slack.expect_message("#incidents", contains="paged")
    dm = await slack.expect_dm("U0ALICE", contains=["Acknowledge", "checkout"])
    await slack.expect_no_message("C0DEPLOYS", contains="frozen", within=0.5)

``contains`` is a string, a list of strings (all must appear) or a compiled regex, matched against
``message.text_content`` (text plus every text in blocks and attachments). ``text`` is compared
exactly with the message's ``text``. On timeout the AssertionError lists what did exist.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from .calls import Call, CallLog
from .model import Channel, Message, View
from .notify import Notifier

if TYPE_CHECKING:
    from .state import Workspace

T = TypeVar("T")
Contains = str | Iterable[str] | re.Pattern | None
SHOWN = 15


def _contains_ok(content: str, contains: Contains) -> bool:
    if contains is None:
        return True
    if isinstance(contains, re.Pattern):
        return contains.search(content) is not None
    if isinstance(contains, str):
        return contains in content
    return all(part in content for part in contains)


def _after_ok(ts: str, after: str | Message | None) -> bool:
    if after is None:
        return True
    ref = after.ts if isinstance(after, Message) else after
    return float(ts) > float(ref)


def _describe_filter(text: str | None, contains: Contains, extra: str = "") -> str:
    parts = []
    if text is not None:
        parts.append(f"with text {text!r}")
    if contains is not None:
        shown = contains.pattern if isinstance(contains, re.Pattern) else contains
        parts.append(
            f"containing {shown!r}" if isinstance(shown, str) else f"containing all of {list(shown)!r}"
        )
    if extra:
        parts.append(extra)
    return " ".join(parts)


class Expectations:
    workspace: Workspace
    calls: CallLog

    # ---- lookups (no waiting)
    def find_channel(self, ref: str) -> Channel | None:
        """An id, ``#name``/name, or a user id (their DM with the bot), without creating anything."""
        ws = self.workspace
        if ref in ws.channels:
            return ws.channels[ref]
        if ref in ws.users:
            return ws.find_dm(ref)
        return ws.channel_by_name(ref)

    def messages_in(self, channel: str) -> list[Message]:
        """All messages (with thread replies) in a channel, oldest first; [] if it does not exist."""
        found = self.find_channel(channel)
        return list(self.workspace.messages.get(found.id, [])) if found else []

    def ephemerals_for(self, user_id: str, channel: str | None = None) -> list[Message]:
        chan = self.find_channel(channel) if channel else None
        return [
            m
            for m in self.workspace.ephemerals
            if m.ephemeral_for == user_id and (channel is None or (chan is not None and m.channel == chan.id))
        ]

    # ---- waiting
    async def _wait(
        self,
        find: Callable[[], T | None],
        limit: float,
        notifier: Notifier,
        explain: Callable[[], str],
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            version = notifier.version
            found = find()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(explain())
            await notifier.changed(version, remaining)

    def _pool(self, channel: str | None) -> list[Message]:
        if channel is None:
            return sorted(self.workspace.all_messages(), key=lambda m: float(m.ts))
        return self.messages_in(channel)

    def _explain(self, what: str, pool: list[Message], timeout: float) -> str:
        lines = [f"expected {what} within {timeout} s; none matched."]
        if pool:
            lines.append(
                f"{'Last ' + str(SHOWN) + ' of ' if len(pool) > SHOWN else ''}{len(pool)} there (oldest first):"
            )
            lines += [f"  {self._label(m)}" for m in pool[-SHOWN:]]
        else:
            lines.append("There were no messages there.")
        failed = [c for c in self.calls if not c.ok][-5:]
        if failed:
            lines.append(
                "Failed API calls: " + ", ".join(f"{c.method} -> {c.error or c.status}" for c in failed)
            )
        return "\n".join(lines)

    def _label(self, m: Message) -> str:
        ch = self.workspace.channels.get(m.channel)
        where = ch.id if ch is None or ch.is_im else f"#{ch.name}"
        return f"{where} {m}"

    def _match(
        self,
        m: Message,
        text: str | None,
        contains: Contains,
        where: Callable[[Message], bool] | None,
        user: str | None,
        after: str | Message | None,
        thread_ts: str | None = None,
    ) -> bool:
        return (
            (text is None or m.text == text)
            and _contains_ok(m.text_content, contains)
            and (user is None or m.user == user)
            and (thread_ts is None or m.thread_ts == thread_ts)
            and _after_ok(m.ts, after)
            and (where is None or bool(where(m)))
        )

    async def expect_message(
        self,
        channel: str | None = None,
        text: str | None = None,
        contains: Contains = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        where: Callable[[Message], bool] | None = None,
        user: str | None = None,
        thread_ts: str | None = None,
        after: str | Message | None = None,
    ) -> Message:
        """The newest message (in ``channel``: id, #name or user id for their DM; else anywhere) that
        matches; waits up to ``timeout`` s. ``user`` is the author, ``after`` a ts it must be newer than."""

        def find() -> Message | None:
            hits = [
                m
                for m in self._pool(channel)
                if self._match(m, text, contains, where, user, after, thread_ts)
            ]
            return hits[-1] if hits else None

        what = f"a message in {channel or 'any channel'} {_describe_filter(text, contains)}".rstrip()
        return await self._wait(
            find, timeout, self.workspace, lambda: self._explain(what, self._pool(channel), timeout)
        )

    async def expect_dm(
        self,
        user_id: str,
        text: str | None = None,
        contains: Contains = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        where: Callable[[Message], bool] | None = None,
        after: str | Message | None = None,
    ) -> Message:
        """The newest message in the bot's DM with ``user_id`` that matches."""
        return await self.expect_message(user_id, text, contains, timeout=timeout, where=where, after=after)

    async def expect_ephemeral(
        self,
        user_id: str,
        text: str | None = None,
        contains: Contains = None,
        *,
        channel: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        where: Callable[[Message], bool] | None = None,
        after: str | Message | None = None,
    ) -> Message:
        """The newest ephemeral message shown to ``user_id`` (optionally in ``channel``) that matches."""

        def find() -> Message | None:
            hits = [
                m
                for m in self.ephemerals_for(user_id, channel)
                if self._match(m, text, contains, where, None, after)
            ]
            return hits[-1] if hits else None

        what = f"an ephemeral message for {user_id} {_describe_filter(text, contains)}".rstrip()
        return await self._wait(
            find, timeout, self.workspace, lambda: self._explain(what, self.ephemerals_for(user_id), timeout)
        )

    async def expect_no_message(
        self,
        channel: str | None = None,
        contains: Contains = None,
        *,
        text: str | None = None,
        within: float = 1.0,
        where: Callable[[Message], bool] | None = None,
    ) -> None:
        """Fail if a matching message is posted (in ``channel``, or anywhere) during the next ``within`` s.
        Messages that existed when the call started do not count."""
        before = {(m.channel, m.ts) for m in self.workspace.all_messages()}

        def find() -> Message | None:
            return next(
                (
                    m
                    for m in self._pool(channel)
                    if (m.channel, m.ts) not in before and self._match(m, text, contains, where, None, None)
                ),
                None,
            )

        try:
            found = await self._wait(find, within, self.workspace, lambda: "")
        except AssertionError:
            return
        raise AssertionError(
            f"expected no message {_describe_filter(text, contains)} in {channel or 'any channel'} "
            f"within {within} s, but got: {self._label(found)}"
        )

    async def expect_call(
        self,
        method: str,
        where: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Call:
        """The newest logged Web API call to ``method`` (optionally matching ``where(call)``)."""

        def find() -> Call | None:
            return next(
                (c for c in reversed(self.calls) if c.method == method and (where is None or where(c))), None
            )

        def explain() -> str:
            seen = [
                f"{c.method}{'' if c.ok else ' -> ' + str(c.error or c.status)}" for c in self.calls[-20:]
            ]
            return f"expected a call to {method} within {timeout} s; calls (last 20): {seen}"

        return await self._wait(find, timeout, self.calls.notifier, explain)

    async def expect_view(
        self,
        user_id: str,
        *,
        callback_id: str | None = None,
        title: str | None = None,
        contains: Contains = None,
        home: bool = False,
        timeout: float = 5.0,  # noqa: ASYNC109
        where: Callable[[View], Any] | None = None,
    ) -> View:
        """The open modal (top of the stack first) or, with ``home=True``, the home tab of ``user_id``."""
        ws = self.workspace

        def candidates() -> list[View]:
            if home:
                view = ws.home_view(user_id)
                return [view] if view else []
            return list(reversed(ws.open_views(user_id)))

        def find() -> View | None:
            return next(
                (
                    v
                    for v in candidates()
                    if (callback_id is None or v.callback_id == callback_id)
                    and (title is None or v.title == title)
                    and _contains_ok(v.text_content, contains)
                    and (where is None or where(v))
                ),
                None,
            )

        def explain() -> str:
            seen = [f"{v.id} callback_id={v.callback_id!r} title={v.title!r}" for v in candidates()]
            kind = "home view" if home else "open modal"
            wanted = _describe_filter(None, contains, f"callback_id={callback_id!r}" if callback_id else "")
            return f"expected a {kind} for {user_id} {wanted} within {timeout} s; there: {seen or 'none'}"

        return await self._wait(find, timeout, ws, explain)
