"""Wakes up due work (escalations, handoffs, reminders) from database state.

Each domain registers a `due_work(now) -> next due time or None` function. The engine runs them
all on every wake-up. APScheduler only decides *when* to wake: a one-shot job at each known due
time (low latency) plus an interval tick (catches whatever was due across a restart or was
scheduled by another replica). Its jobs hold nothing: losing the scheduler loses nothing.
We never use APScheduler's job stores or rely on misfire handling: a late wake-up still runs,
because the work it does is read from the database, not from the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock

log = logging.getLogger("opsbridge.engine")

DueWork = Callable[[datetime], Awaitable[datetime | None]]


class Engine:
    def __init__(self, clock: Clock, *, tick_seconds: float = 2.0) -> None:
        self.clock = clock
        self.tick_seconds = tick_seconds
        self._work: list[tuple[str, DueWork]] = []
        self._lock = asyncio.Lock()
        self._requested = 0  # run_due calls so far
        self._covered = 0  # calls answered by a pass that started after them
        self._scheduler: AsyncIOScheduler | None = None
        self._passes: set[asyncio.Task] = set()  # passes started by the scheduler, awaited by stop()
        self.after_pass: list[Callable[[], None]] = []  # e.g. wake the outbox sender

    def register(self, name: str, work: DueWork) -> None:
        self._work.append((name, work))

    async def run_due(self) -> None:
        """Return once a full pass that started after this call has run.

        Concurrent calls share passes: a caller waiting behind a running pass skips its own
        if another pass started (and finished) after it asked, so wake-ups never pile up.
        """
        self._requested += 1
        wanted = self._requested
        async with self._lock:
            if self._covered >= wanted:
                return
            covering = self._requested
            await self._one_pass()
            self._covered = covering

    async def _one_pass(self) -> None:
        now = self.clock.now()
        for name, work in self._work:
            try:
                next_due = await work(now)
            except Exception:
                log.exception("due work %s failed; it will be retried at the next tick", name)
                continue
            if next_due is not None:
                self.wake_at(next_due)
        for hook in self.after_pass:
            hook()

    async def _wake(self) -> None:
        """The scheduler's job: start a pass as a task of our own and return at once.

        APScheduler cancels the coroutine jobs still running when it shuts down; a pass cancelled
        mid-query can leave the database driver hanging. Owning the task lets `stop` let it finish.
        """
        task = asyncio.create_task(self.run_due(), name="engine-pass")
        self._passes.add(task)
        task.add_done_callback(self._passes.discard)

    def wake_at(self, when: datetime) -> None:
        """Ask for a pass at `when` (in addition to the regular tick)."""
        if self._scheduler is None or not self._scheduler.running:
            return
        delay = (when - self.clock.now()).total_seconds()
        if delay > self.tick_seconds * 2:
            return  # the tick will get there; keeps the job list short
        self._scheduler.add_job(
            self._wake,
            "date",
            run_date=datetime.now().astimezone() + timedelta(seconds=max(delay, 0)),
            id=f"wake-{when.isoformat()}",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=8,  # _wake returns at once; run_due folds the passes it starts
        )

    def start(self) -> None:
        self._scheduler = AsyncIOScheduler()
        self._scheduler.add_job(
            self._wake,
            "interval",
            seconds=self.tick_seconds,
            id="tick",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now().astimezone(),
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop waking up; passes already running go on (see `stop` to wait for them)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    async def stop(self, grace: float = 5.0) -> None:
        """Stop waking up and let the passes in flight finish, so no query is cut off mid-way."""
        self.shutdown()
        if not self._passes:
            return
        _done, pending = await asyncio.wait(set(self._passes), timeout=grace)
        if pending:
            log.warning("engine pass still running after %.0fs; stopping anyway", grace)
