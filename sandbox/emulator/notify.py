"""Change notification: a version counter, awaitable waits and subscriber callbacks."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("sandbox.emulator")


@dataclass(frozen=True)
class Change:
    """One change: ``kind`` names what happened (e.g. ``message``), ``data`` is the object."""

    version: int
    kind: str
    data: Any = None


Listener = Callable[[Change], Any]


class Notifier:
    """``version`` grows on every ``bump``; waiters wake up, subscribers are called."""

    def __init__(self) -> None:
        self.version = 0
        self._event: asyncio.Event | None = None
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Task] = set()

    def bump(self, kind: str, data: Any = None) -> Change:
        self.version += 1
        change = Change(self.version, kind, data)
        event, self._event = self._event, None
        if event is not None:
            event.set()
        for listener in list(self._listeners):
            try:
                result = listener(change)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            except Exception:  # a broken UI must not break the emulator
                log.exception("change listener failed")
        return change

    async def changed(self, since: int | None = None, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """Wait until ``version > since`` (default: the current version) or ``timeout``; return version."""
        since = self.version if since is None else since
        if self.version > since:
            return self.version
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        return self.version

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(change)`` (plain or async) on every change; returns an unsubscribe function."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe
