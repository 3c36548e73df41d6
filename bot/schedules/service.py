"""Who is on call, read from the database: session and `now` in, plain results out.

Slash commands, the CLI, the calendar and other domains (paging `service:NAME` or `team:NAME`)
all read on-call state through here, so they agree on people, roles, shadows and time zones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound
from bot.schedules.engine import on_call_at
from bot.schedules.shiftlist import current_and_next, shifts_of
from bot.schedules.stored import active_shadows, to_engine
from storage import oncall as queries
from storage import schedules as store
from storage.models import Person
from storage.schedules import ScheduleRecord

# Overrides that ended longer ago cannot change anything we show (the engine looks 90 days back).
OVERRIDE_MEMORY = timedelta(days=100)


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str  # the configured name, else the id
    slack: str | None
    role: str  # dev | ops
    timezone: str

    @classmethod
    def of(cls, person: Person | None, person_id: str) -> PersonView:
        if person is None:  # the configuration validates references; this is a deleted person
            return cls(person_id, person_id, None, "?", "UTC")
        return cls(person.id, person.name or person.id, person.slack_user_id, person.role, person.timezone)


@dataclass(frozen=True)
class ShiftView:
    start: datetime
    end: datetime
    person: PersonView


@dataclass
class ScheduleReport:
    schedule_id: str
    team_id: str | None
    timezone: str
    at: datetime
    current: ShiftView | None  # None: nobody is on call (a gap)
    shadows: list[PersonView]
    next: list[ShiftView]
    calendar_url: str


@dataclass
class Caller:
    """The person behind a Slack user id (None when not in the roster) and the zone to show times in."""

    slack_id: str
    person: Person | None
    timezone: str

    @property
    def is_admin(self) -> bool:
        return bool(self.person and self.person.is_admin)


@dataclass
class OnCallPeople:
    schedule_id: str
    person: Person | None
    shadows: list[Person] = field(default_factory=list)


async def default_timezone(session: AsyncSession) -> str:
    return str(await queries.setting(session, "timezone", "UTC") or "UTC")


async def caller(session: AsyncSession, slack_user_id: str) -> Caller:
    """Times are shown in the caller's zone: theirs from the roster, else the configured default."""
    person = await queries.person_by_slack(session, slack_user_id)
    zone = person.timezone if person is not None and person.timezone else await default_timezone(session)
    return Caller(slack_user_id, person, zone)


def calendar_url(public_url: str, schedule_id: str, token: str) -> str:
    return (
        f"{public_url.rstrip('/')}/calendar/{quote(schedule_id, safe='')}.ics?token={quote(token, safe='')}"
    )


async def load_schedule(session: AsyncSession, schedule_id: str, at: datetime) -> ScheduleRecord:
    """The stored schedule, or `NotFound` listing the schedules there are."""
    record = await store.load(session, schedule_id, overrides_after=at - OVERRIDE_MEMORY)
    if record is None:
        names = await store.schedule_ids(session)
        listing = ", ".join(f"`{n}`" for n in names) or "none yet (apply a configuration file)"
        raise NotFound(f"There is no schedule `{schedule_id}`. Schedules: {listing}.")
    return record


def _report(
    record: ScheduleRecord, people: dict[str, Person], at: datetime, public_url: str, next_count: int
) -> ScheduleReport:
    engine = to_engine(record)
    current, following = current_and_next(engine, at, next_count)

    def view(shift) -> ShiftView:
        return ShiftView(shift.start, shift.end, PersonView.of(people.get(shift.person), shift.person))

    return ScheduleReport(
        schedule_id=record.schedule.id,
        team_id=record.schedule.team_id,
        timezone=record.schedule.timezone,
        at=at,
        current=view(current) if current is not None else None,
        shadows=[PersonView.of(people.get(p), p) for p in active_shadows(record, at)],
        next=[view(s) for s in following],
        calendar_url=calendar_url(public_url, record.schedule.id, record.schedule.calendar_token),
    )


async def report(
    session: AsyncSession, schedule_id: str, at: datetime, *, public_url: str, next_count: int = 5
) -> ScheduleReport:
    """One schedule: who is on call at `at` until when, shadows, the next shifts, the calendar link."""
    record = await load_schedule(session, schedule_id, at)
    return _report(record, await store.people_by_id(session), at, public_url, next_count)


async def overview(
    session: AsyncSession, at: datetime, *, public_url: str, next_count: int = 0
) -> list[ScheduleReport]:
    """Every schedule's report, by schedule id."""
    people = await store.people_by_id(session)
    records = await store.load_all(session, overrides_after=at - OVERRIDE_MEMORY)
    return [_report(r, people, at, public_url, next_count) for r in records]


async def my_shifts(
    session: AsyncSession, person_id: str, at: datetime, *, schedule_id: str | None = None, count: int = 5
) -> list[tuple[str, ShiftView]]:
    """`person_id`'s current and next shifts (schedule id, shift), soonest first, within 90 days."""
    if schedule_id is not None:
        records = [await load_schedule(session, schedule_id, at)]
    else:
        records = await store.load_all(session, overrides_after=at - OVERRIDE_MEMORY)
    people = await store.people_by_id(session, {person_id})
    me = PersonView.of(people.get(person_id), person_id)
    found = [
        (r.schedule.id, ShiftView(s.start, s.end, me))
        for r in records
        for s in shifts_of(to_engine(r), person_id, at, count)
    ]
    found.sort(key=lambda item: (item[1].start, item[0]))
    return found[:count]


async def on_call_for_schedule(session: AsyncSession, schedule_id: str, at: datetime) -> OnCallPeople | None:
    """The person on call in `schedule_id` at `at` (None in a gap) and its active shadows;
    None when there is no such schedule. Shadows are copied on pages but cannot acknowledge."""
    record = await store.load(session, schedule_id, overrides_after=at - OVERRIDE_MEMORY)
    if record is None:
        return None
    shift = on_call_at(to_engine(record), at)
    shadow_ids = active_shadows(record, at)
    wanted = set(shadow_ids) | ({shift.person} if shift and shift.person else set())
    people = await store.people_by_id(session, wanted)
    return OnCallPeople(
        schedule_id,
        people.get(shift.person) if shift and shift.person else None,
        [people[p] for p in shadow_ids if p in people],
    )


async def on_call_for_team(
    session: AsyncSession, team_id: str, at: datetime, *, role: str | None = None
) -> list[Person]:
    """The people on call at `at` across the schedules of `team_id` (each once, by schedule id).

    With `role` ("dev" or "ops"), only those with that role, or all of them when none has it:
    `/incident page service:NAME` pages the owning developers, and still reaches someone when
    only an operator holds a pager. Shadows are not included.
    """
    found: dict[str, Person] = {}
    for schedule_id in await queries.team_schedule_ids(session, team_id):
        now = await on_call_for_schedule(session, schedule_id, at)
        if now is not None and now.person is not None:
            found.setdefault(now.person.id, now.person)
    people = list(found.values())
    if role is not None:
        with_role = [p for p in people if p.role == role]
        return with_role or people
    return people
