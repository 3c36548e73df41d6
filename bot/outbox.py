"""Durable Slack messages: queued in the caller's transaction, delivered at least once by the sender.

Domain code calls `post`, `upsert` or `call` with its open session; the message then exists exactly
when the state change that caused it exists. `OutboxSender` delivers each lane (a channel, a DM, a
user group) in order, about one message per second per lane, waiting out 429 Retry-After and
backing off on 5xx and connection errors. A crash between sending and marking repeats that one
message once; nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.metrics import Metrics
from bot.slack import SlackGateway
from storage import outbox as store
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger("opsbridge.outbox")

# Errors Slack itself calls temporary: worth another try.
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


async def post(
    session: AsyncSession,
    *,
    channel: str,
    text: str,
    now: datetime,
    blocks: list[dict] | None = None,
    key: str | None = None,
    dedup_key: str | None = None,
    thread_key: str | None = None,
) -> bool:
    """Post a message to a channel (or a user id, for a DM). `key` names it for later updates;
    `thread_key` makes it a reply in the thread of the message with that key."""
    payload: dict[str, Any] = {"channel": channel, "text": text}
    if blocks is not None:
        payload["blocks"] = blocks
    if thread_key:
        payload["thread_key"] = thread_key
    return await store.add(
        session, method="post", lane=channel, payload=payload, now=now, dedup_key=dedup_key, message_key=key
    )


async def upsert(
    session: AsyncSession,
    *,
    key: str,
    channel: str,
    text: str,
    now: datetime,
    blocks: list[dict] | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Post the message named `key` the first time, update it in place every time after."""
    lane = await store.lane_of_message(session, key) or channel
    payload: dict[str, Any] = {"channel": channel, "text": text, "key": key}
    if blocks is not None:
        payload["blocks"] = blocks
    return await store.add(
        session, method="upsert", lane=lane, payload=payload, now=now, dedup_key=dedup_key, message_key=key
    )


async def call(
    session: AsyncSession,
    method: str,
    params: dict[str, Any],
    *,
    lane: str,
    now: datetime,
    dedup_key: str | None = None,
) -> bool:
    """Any other Web API call that must happen (invite, topic, user group update, ...)."""
    return await store.add(session, method=method, lane=lane, payload=params, now=now, dedup_key=dedup_key)


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value if isinstance(value, str) else value[0]), 0.0)
            except (TypeError, ValueError, IndexError):
                break
    return 1.0


class OutboxSender:
    """Delivers due outbox rows. Safe to run in every replica: rows are claimed by compare-and-set."""

    def __init__(
        self,
        db: Database,
        gateway: SlackGateway,
        clock: Clock,
        metrics: Metrics,
        *,
        lane_interval: float = 1.0,
        lease: timedelta = timedelta(seconds=20),
        max_attempts: int = 60,
    ) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock
        self.metrics = metrics
        self.lane_interval = lane_interval
        self.lease = lease
        self.max_attempts = max_attempts
        self._last_sent: dict[str, float] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    def wake(self) -> None:
        """Called after a commit that queued messages, so they go out now rather than at the next poll."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """One pass: send the head of every lane that is due. Returns how many were sent."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            heads = await store.heads_of_lanes(session, now)
        ready = [row for row in heads if self._lane_ready(row.lane)]
        results = await asyncio.gather(*(self._deliver(row) for row in ready))
        async with self.db.sessions() as session:
            self.metrics.outbox_depth.set(await store.pending_count(session))
        return sum(results)

    def _lane_ready(self, lane: str) -> bool:
        last = self._last_sent.get(lane)
        return last is None or time.monotonic() - last >= self.lane_interval

    async def _deliver(self, row: OutboxMessage) -> bool:
        now = self.clock.now()
        async with self.db.transaction() as session:
            if not await store.claim(session, row.id, now, self.lease):
                return False
        self._last_sent[row.lane] = time.monotonic()
        try:
            ts, channel = await self._perform(row)
        except SlackApiError as exc:
            await self._failed_at_slack(row, exc)
            return False
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            await self._back_off(row, f"{type(exc).__name__}: {exc}")
            return False
        async with self.db.transaction() as session:
            await store.mark_sent(session, row, self.clock.now(), ts=ts, channel=channel)
        log.info("outbox #%s delivered: %s to %s", row.id, row.method, row.lane)
        return True

    async def _perform(self, row: OutboxMessage) -> tuple[str | None, str | None]:
        payload = dict(row.payload)
        if row.method == "post":
            thread_key = payload.pop("thread_key", None)
            if thread_key:
                async with self.db.sessions() as session:
                    parent = await store.find_message(session, thread_key)
                if parent is not None:
                    payload["thread_ts"] = parent.ts
                    payload["channel"] = parent.channel
            answer = await self.gateway.call("chat.postMessage", **payload)
            return answer.get("ts"), answer.get("channel")
        if row.method == "upsert":
            key = payload.pop("key")
            async with self.db.sessions() as session:
                existing = await store.find_message(session, key)
            if existing is not None:
                payload.update(channel=existing.channel, ts=existing.ts)
                answer = await self.gateway.call("chat.update", **payload)
                return None, None
            answer = await self.gateway.call("chat.postMessage", **payload)
            return answer.get("ts"), answer.get("channel")
        answer = await self.gateway.call(row.method, **payload)
        channel = answer.get("channel")  # conversations.* answer with a channel object, not an id
        return answer.get("ts"), channel if isinstance(channel, str) else None

    async def _failed_at_slack(self, row: OutboxMessage, exc: SlackApiError) -> None:
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http {status}")
        if status == 429:
            wait = _retry_after(exc)
            log.warning("outbox #%s rate limited on %s: retrying in %.0fs", row.id, row.lane, wait)
            async with self.db.transaction() as session:
                when = self.clock.now() + timedelta(seconds=wait)
                await store.retry_later(session, row.id, when, error, count=False)
            return
        if status >= 500 or error in TRANSIENT_ERRORS:
            await self._back_off(row, error)
            return
        log.error("outbox #%s failed for good: %s %s -> %s", row.id, row.method, row.lane, error)
        async with self.db.transaction() as session:
            await store.give_up(session, row.id, error)

    async def _back_off(self, row: OutboxMessage, error: str) -> None:
        if row.attempts + 1 >= self.max_attempts:
            log.error("outbox #%s gave up after %s attempts: %s", row.id, row.attempts + 1, error)
            async with self.db.transaction() as session:
                await store.give_up(session, row.id, error)
            return
        delay = min(2**row.attempts, 300) * (0.5 + random.random() / 2)
        log.warning("outbox #%s failed (%s): retrying in %.1fs", row.id, error, delay)
        async with self.db.transaction() as session:
            await store.retry_later(
                session, row.id, self.clock.now() + timedelta(seconds=delay), error, count=True
            )

    async def run(self, poll_seconds: float = 0.5) -> None:
        """Deliver until `stop()`: on every wake-up, and at least every `poll_seconds`."""
        while not self._stopping:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed; retrying")
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name="outbox-sender")

    async def stop(self, grace: float = 5.0) -> None:
        """Let a pass in flight finish (cancelling it mid-query can hang the database driver)."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
        except TimeoutError:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._task = None
