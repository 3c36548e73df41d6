"""Due work at handoffs: the channel message, the user-group update, the heads-up DM an hour before.

Driven by database state, never by jobs in memory, so a restart neither loses nor repeats one:
- each schedule's `handoff_cursor` is the instant up to which handoffs were dealt with; a pass
  that finds a handoff in (cursor, now] moves it to `now` by compare-and-set, and only the
  replica whose update matched announces (a `schedule_notices` row guards each instant too);
- after downtime, only a handoff within the last hour is announced (late, but useful); older
  ones are passed over: a week of stale messages would help nobody;
- heads-ups are `schedule_notices` rows (schedule, heads_up, instant, person) inserted if absent.
Passes with nothing to do only read.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import oncall as blocks
from bot.schedules.engine import next_handoff, on_call_at
from bot.schedules.model import Schedule
from bot.schedules.service import PersonView
from bot.schedules.stored import active_shadows, to_engine
from bot.schedules.usergroups import sync_team_usergroup
from storage import oncall as queries
from storage import schedules as store
from storage.db import Database
from storage.models import Person
from storage.schedules import ScheduleRecord

log = logging.getLogger("opsbridge.oncall.handoffs")

MISSED_GRACE = timedelta(hours=1)  # a handoff missed by downtime is still announced this long after
HEADS_UP = timedelta(hours=1)  # the incoming person is told this long before their shift
LOOKAHEAD = timedelta(minutes=10)  # how far ahead a pass looks for its next wake-up
_TICK = timedelta(microseconds=1)
_RECENT = timedelta(days=1)  # overrides that ended before this cannot matter to a pass


def changes_between(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in (start, end] at which the person on call changes (pure)."""
    found: list[datetime] = []
    at = start
    while at < end:
        nxt = next_handoff(schedule, at, end - at)
        if nxt is None:
            break
        found.append(nxt)
        at = nxt
    return found


def next_due(schedule: Schedule, now: datetime) -> datetime | None:
    """The next handoff or heads-up within LOOKAHEAD (the engine's tick covers the rest)."""
    candidates = [next_handoff(schedule, now, LOOKAHEAD)]
    later = next_handoff(schedule, now + HEADS_UP, LOOKAHEAD)
    candidates.append(later - HEADS_UP if later is not None else None)
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


async def run_handoffs(db: Database, now: datetime) -> datetime | None:
    """One pass over every schedule; returns when the next one is due (if soon)."""
    async with db.sessions() as session:
        records = await store.load_all(session, overrides_after=now - _RECENT)
    soonest: datetime | None = None
    for record in records:
        try:
            due = await _pass(db, record, now)
        except Exception:
            log.exception("handoff pass for %s failed; retried at the next tick", record.schedule.id)
            continue
        if due is not None and (soonest is None or due < soonest):
            soonest = due
    return soonest


async def _pass(db: Database, record: ScheduleRecord, now: datetime) -> datetime | None:
    schedule_id = record.schedule.id
    engine = to_engine(record)
    cursor = record.schedule.handoff_cursor
    if cursor is None or cursor > now:
        # A new schedule (or a clock set back): start counting now; put the group right at once.
        async with db.transaction() as session:
            if await queries.claim_handoff_window(session, schedule_id, cursor, now):
                await sync_team_usergroup(
                    session, record.schedule.team_id, now, reason=f"start:{schedule_id}:{now.isoformat()}"
                )
    else:
        since = max(cursor, now - MISSED_GRACE)
        if changes_between(engine, since, now):
            async with db.transaction() as session:
                if await queries.claim_handoff_window(session, schedule_id, cursor, now):
                    await _announce_latest(session, schedule_id, since, now)
    for at in changes_between(engine, now, now + HEADS_UP):
        await _heads_up(db, record, engine, at, now)
    return next_due(engine, now)


async def _announce_latest(session: AsyncSession, schedule_id: str, since: datetime, now: datetime) -> None:
    """Inside the claim: re-read the schedule and announce the latest handoff in (since, now]."""
    record = await store.load(session, schedule_id, overrides_after=now - _RECENT)
    if record is None:
        return
    engine = to_engine(record)
    changes = changes_between(engine, since, now)
    if not changes:
        return
    at = changes[-1]
    if len(changes) > 1:
        log.info("%s: %d handoffs since %s; announcing only the latest", schedule_id, len(changes), since)
    if not await queries.record_notice(session, schedule_id, "handoff", at):
        return
    off, on = on_call_at(engine, at - _TICK), on_call_at(engine, at)
    ids = {s.person for s in (off, on) if s is not None and s.person} | set(active_shadows(record, at))
    people = await store.people_by_id(session, ids)

    def view(person_id: str | None) -> PersonView | None:
        return PersonView.of(people.get(person_id), person_id) if person_id else None

    team_id = record.schedule.team_id
    incidents = await queries.open_incidents_of_team(session, team_id) if team_id else []
    channel = await queries.announce_channel(session, record.schedule)
    if channel:
        text, body = blocks.handoff(
            schedule_id,
            view(off.person if off else None),
            view(on.person if on else None),
            on.end if on else None,
            [v for v in (view(p) for p in active_shadows(record, at)) if v is not None],
            incidents,
            record.schedule.timezone,
        )
        await outbox.post(
            session,
            channel=channel,
            text=text,
            blocks=body,
            now=now,
            dedup_key=f"handoff:{schedule_id}:{at.isoformat()}",
        )
    else:
        log.info("%s: handoff at %s not announced: no channel configured", schedule_id, at)
    await sync_team_usergroup(session, team_id, now, reason=f"handoff:{schedule_id}:{at.isoformat()}")


async def _heads_up(
    db: Database, record: ScheduleRecord, engine: Schedule, at: datetime, now: datetime
) -> None:
    """DM whoever comes on at `at` (within the hour), once per schedule, instant and person."""
    incoming = on_call_at(engine, at)
    if incoming is None or incoming.person is None:
        return
    async with db.sessions() as session:
        if await queries.has_notice(session, record.schedule.id, "heads_up", at, incoming.person):
            return
    async with db.transaction() as session:
        if not await queries.record_notice(session, record.schedule.id, "heads_up", at, incoming.person):
            return
        person = await session.get(Person, incoming.person)
        if person is None or not person.slack_user_id:
            return
        text, body = blocks.heads_up(record.schedule.id, at, incoming.end, person.timezone)
        await outbox.post(
            session,
            channel=person.slack_user_id,
            text=text,
            blocks=body,
            now=now,
            dedup_key=f"heads_up:{record.schedule.id}:{at.isoformat()}:{person.id}",
        )
