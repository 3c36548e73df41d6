"""Changing who is on call from Slack: overrides, and cover requests someone takes with one press.

Each function runs inside the caller's transaction: the override, the messages it causes and the
user-group update are written together, so they exist exactly when the change does.
Who may: an admin, or the person being replaced (the one on call when the change starts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import oncall as blocks
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.schedules.commands import UserRef
from bot.schedules.engine import on_call_at
from bot.schedules.service import Caller, PersonView, load_schedule
from bot.schedules.shiftlist import shifts_of
from bot.schedules.stored import to_engine
from bot.schedules.usergroups import sync_team_usergroup
from storage import oncall as queries
from storage import schedules as store
from storage.models import CoverRequest, Person
from storage.schedules import ScheduleRecord


@dataclass
class OverrideMade:
    schedule_id: str
    person: PersonView
    replaced: PersonView | None
    start: datetime
    end: datetime


@dataclass
class CoverAsked:
    request_id: int
    schedule_id: str
    channel: str
    start: datetime
    end: datetime


@dataclass
class TakeResult:
    """`taken` (the presser got it), `already` (someone was faster: `taken_by`), or a refusal text."""

    outcome: str
    taken_by: str | None = None
    message: str = ""


def cover_key(request_id: int) -> str:
    return f"oncall:cover:{request_id}"


async def find_person(session: AsyncSession, ref: UserRef) -> Person:
    """The roster entry a mention or a typed name means; `NotFound` lists the people there are."""
    person = None
    if ref.slack_id:
        person = await queries.person_by_slack(session, ref.slack_id)
    elif ref.name:
        person = await session.get(Person, ref.name)
    if person is None:
        names = ", ".join(await queries.person_ids(session)) or "nobody yet"
        raise NotFound(f"{ref} is not in the on-call roster. People: {names}.")
    return person


def _on_call(record: ScheduleRecord, at: datetime) -> str | None:
    shift = on_call_at(to_engine(record), at)
    return shift.person if shift else None


def _may_replace(caller: Caller, replaced: str | None, schedule_id: str) -> None:
    if caller.is_admin or (
        caller.person is not None and replaced is not None and caller.person.id == replaced
    ):
        return
    whom = f" ({replaced})" if replaced else ""
    raise PermissionDenied(
        f"Only an admin or the person on call in *{schedule_id}* at that time{whom} can change it."
    )


async def create_override(
    session: AsyncSession,
    *,
    caller: Caller,
    schedule_id: str,
    who: UserRef,
    start: datetime,
    end: datetime,
    now: datetime,
) -> OverrideMade:
    """Put `who` on call in `schedule_id` during [start, end) (already checked: end > start, <= 31 days)."""
    record = await load_schedule(session, schedule_id, now)
    person = await find_person(session, who)
    if end <= now:
        raise UsageError("That override would end in the past.")
    replaced_id = _on_call(record, start)
    _may_replace(caller, replaced_id, schedule_id)
    override = await queries.add_override(
        session,
        schedule_id=schedule_id,
        person_id=person.id,
        start=start,
        end=end,
        now=now,
        replaces=replaced_id,
        created_by=caller.slack_id,
        source="slack",
    )
    await sync_team_usergroup(session, record.schedule.team_id, now, reason=f"override:{override.id}")
    if person.slack_user_id and person.slack_user_id != caller.slack_id:
        text, body = blocks.override_notice(schedule_id, caller.slack_id, start, end, person.timezone)
        await outbox.post(session, channel=person.slack_user_id, text=text, blocks=body, now=now)
    people = await store.people_by_id(session, {replaced_id} if replaced_id else set())
    replaced = PersonView.of(people.get(replaced_id), replaced_id) if replaced_id else None
    return OverrideMade(schedule_id, PersonView.of(person, person.id), replaced, start, end)


async def request_cover(
    session: AsyncSession,
    *,
    caller: Caller,
    schedule_id: str,
    start: datetime | None,
    end: datetime | None,
    now: datetime,
) -> CoverAsked:
    """Ask the team (in its channel) to take a shift: the caller's current or next one by default."""
    record = await load_schedule(session, schedule_id, now)
    if caller.person is None:
        raise PermissionDenied("You are not in the on-call roster, so there is no shift of yours to cover.")
    if start is None or end is None:
        mine = shifts_of(to_engine(record), caller.person.id, now, 1)
        if not mine:
            raise UsageError(
                f"You have no shift in *{schedule_id}* in the next 90 days; give FROM and TO to ask for another."
            )
        start, end = max(mine[0].start, now), mine[0].end
    elif end <= now:
        raise UsageError("That time is already over.")
    else:
        _may_replace(caller, _on_call(record, start), schedule_id)
    channel = await queries.announce_channel(session, record.schedule)
    if channel is None:
        raise UsageError(
            "There is no channel to ask in: give the team or the schedule a `channel` in the configuration."
        )
    request = await queries.add_cover_request(
        session, schedule_id=schedule_id, start=start, end=end, requested_by=caller.slack_id, now=now
    )
    text, body = blocks.cover_request(
        request.id, schedule_id, caller.slack_id, start, end, record.schedule.timezone
    )
    await outbox.upsert(session, key=cover_key(request.id), channel=channel, text=text, blocks=body, now=now)
    return CoverAsked(request.id, schedule_id, channel, start, end)


async def take_cover(
    session: AsyncSession, *, request_id: int, taker_slack: str, now: datetime
) -> TakeResult:
    """The *Take* button: the first presser (compare-and-set) gets an override for the request's
    time; the request message loses its button, the channel is told, the user group follows."""
    request = await session.get(CoverRequest, request_id)
    if request is None:
        return TakeResult("gone", message="This cover request no longer exists.")
    if request.taken_by is not None:
        return TakeResult("already", taken_by=request.taken_by)
    taker = await queries.person_by_slack(session, taker_slack)
    if taker is None:
        return TakeResult("refused", message="You are not in the on-call roster, so you cannot take shifts.")
    if taker_slack == request.requested_by:
        return TakeResult("refused", message="You asked for this cover; someone else has to take it.")
    if request.end_at <= now:
        return TakeResult("refused", message="This shift is already over.")
    if not await queries.claim_cover_request(session, request_id, taker_slack, now):
        return TakeResult("already", taken_by=await queries.cover_taken_by(session, request_id))
    record = await load_schedule(session, request.schedule_id, now)
    start = max(request.start_at, now)
    override = await queries.add_override(
        session,
        schedule_id=request.schedule_id,
        person_id=taker.id,
        start=start,
        end=request.end_at,
        now=now,
        replaces=_on_call(record, start),
        created_by=taker_slack,
        source="cover",
    )
    await queries.link_cover_override(session, request_id, override.id)
    tz = record.schedule.timezone
    text, body = blocks.cover_request(
        request_id,
        request.schedule_id,
        request.requested_by or taker_slack,
        request.start_at,
        request.end_at,
        tz,
        taken_by=taker_slack,
    )
    channel = await queries.announce_channel(session, record.schedule)
    await outbox.upsert(
        session, key=cover_key(request_id), channel=channel or "", text=text, blocks=body, now=now
    )
    if channel:
        text, body = blocks.cover_taken(
            request.schedule_id, taker_slack, request.requested_by or "", start, request.end_at, tz
        )
        await outbox.post(session, channel=channel, text=text, blocks=body, now=now)
    await sync_team_usergroup(session, record.schedule.team_id, now, reason=f"cover:{request_id}")
    return TakeResult("taken", taken_by=taker_slack)
