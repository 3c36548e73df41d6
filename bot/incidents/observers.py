"""The hook for rendering incident changes: observers run after every lifecycle change.

An observer is `async def fn(session, incident, events, now) -> None`. It runs inside the same
transaction as the change, after the change's events are recorded, so it can write outbox rows
(`bot.outbox.upsert(session, key=f"incident:{incident.id}:announcement", ...)`) that exist exactly
when the change does. `events` are the IncidentEvents this change recorded (one operation may
record several: an opened incident records `opened` and one `paged` per person), so an observer
renders once per change, not once per event.

Register with the `@observe` decorator at import time of the module that renders (import it from
your handler module's `register`); observers must be stateless (everything comes from the session),
because the list is process-wide and several apps may run in one test process. A Python error in an
observer is logged and does not undo the change: paging must never fail because a message could not
be rendered. Database errors propagate (the transaction is unusable anyway).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Incident, IncidentEvent

log = logging.getLogger("opsbridge.incidents")

Observer = Callable[[AsyncSession, Incident, list[IncidentEvent], datetime], Awaitable[None]]

_observers: list[Observer] = []


def observe(fn: Observer) -> Observer:
    """Register `fn` (once, however often its module is imported)."""
    if fn not in _observers:
        _observers.append(fn)
    return fn


def forget(fn: Observer) -> None:
    if fn in _observers:
        _observers.remove(fn)


def registered() -> list[Observer]:
    return list(_observers)


async def notify(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> None:
    if not events:
        return
    for fn in list(_observers):
        try:
            await fn(session, incident, events, now)
        except SQLAlchemyError:
            raise
        except Exception:
            log.exception(
                "incident observer %s failed on #%s %s",
                getattr(fn, "__name__", fn),
                incident.id,
                [e.kind for e in events],
            )
