"""The escalation timer: due work that pages the next level of every overdue, unacknowledged incident.

The database is the timer (`incidents.next_escalation_at`); this runs on every engine wake-up,
in every replica. Each due incident is handled in its own transaction: locked with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (another replica already on it is skipped), then moved by
the compare-and-set in `lifecycle.escalate_due`; the pages it causes are outbox rows in the same
transaction. A crash before commit pages nobody and the incident stays due; after commit the
outbox delivers. So after a restart, an overdue level is paged once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.incidents import lifecycle
from storage import incidents as store

log = logging.getLogger("opsbridge.escalation")

BATCH = 100
RETRY = timedelta(seconds=1)  # something due was skipped (locked elsewhere) or failed: look again soon


def due_work(ctx) -> Callable[[datetime], Awaitable[datetime | None]]:
    async def escalate_due(now: datetime) -> datetime | None:
        async with ctx.db.sessions() as session:
            ids = await store.due_ids(session, now, limit=BATCH)
        for incident_id in ids:
            try:
                async with ctx.db.transaction() as session:
                    incident = await store.lock_due(session, incident_id, now)
                    if incident is None:
                        continue  # done by another replica, or it is holding the lock right now
                    outcome = await lifecycle.escalate_due(session, incident, now)
            except Exception:
                log.exception("escalating incident #%s failed; retrying at the next pass", incident_id)
                continue
            if outcome.changed:
                lifecycle.tally(ctx.metrics, outcome)
                log.info(
                    "incident #%s escalated to level %s (loop %s)",
                    incident_id,
                    outcome.incident.esc_level,
                    outcome.incident.esc_loop,
                )
        if len(ids) == BATCH:
            return now  # more are due: another pass right away
        async with ctx.db.sessions() as session:
            upcoming = await store.next_due(session)
        if upcoming is not None and upcoming <= now:
            return now + RETRY
        return upcoming

    return escalate_due
