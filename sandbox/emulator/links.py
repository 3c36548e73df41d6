"""Trigger ids and response URLs: handed out with interactions, honoured (or refused) later."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field

from .api import ApiError


@dataclass
class Trigger:
    id: str
    user: str
    issued_at: float
    view_id: str | None = None
    used: bool = False


class Triggers:
    """``views.open`` needs a trigger issued < ``ttl`` seconds ago and not yet exchanged."""

    def __init__(self, ttl: float = 3.0) -> None:
        self.ttl = ttl
        self._by_id: dict[str, Trigger] = {}
        self._seq = itertools.count(1)

    def issue(self, user: str, *, age: float = 0.0, view_id: str | None = None) -> str:
        """A new trigger id for ``user``; ``age`` pretends it was issued that many seconds ago."""
        tid = f"{next(self._seq)}{int(time.time()) % 100000}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        self._by_id[tid] = Trigger(tid, user, time.monotonic() - age, view_id)
        return tid

    def take(self, trigger_id: str | None) -> Trigger:
        trigger = self._by_id.get(trigger_id or "")
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if time.monotonic() - trigger.issued_at > self.ttl:
            raise ApiError("expired_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        trigger.used = True
        return trigger


@dataclass
class ResponseUrl:
    """Where a ``respond()`` lands: the invoking user, the channel, and the message clicked (if any)."""

    id: str
    user: str
    channel: str | None
    kind: str  # command | block_actions | view_submission
    message_ts: str | None = None
    ephemeral: bool = False
    thread_ts: str | None = None
    uses: int = 0
    created: float = field(default_factory=time.monotonic)


class ResponseUrls:
    max_uses = 5
    max_age = 30 * 60

    def __init__(self) -> None:
        self._by_id: dict[str, ResponseUrl] = {}

    def issue(self, **kw: object) -> ResponseUrl:
        rid = secrets.token_hex(12)
        record = ResponseUrl(rid, **kw)  # type: ignore[arg-type]
        self._by_id[rid] = record
        return record

    def get(self, rid: str) -> ResponseUrl | None:
        return self._by_id.get(rid)
