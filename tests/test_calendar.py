"""`GET /calendar/{schedule}.ics?token=T`: 90 days of final shifts, parsed back with icalendar.

The DST schedule hands off daily at 09:00 Europe/Berlin across the change of 2026-10-25
(CEST -> CET): 07:00 UTC before, 08:00 UTC after, 09:00 on the wall clock on both sides.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from icalendar import Calendar
from sqlalchemy import select

from storage.models import Schedule
from tests.support.oncall import apply_text

BERLIN = ZoneInfo("Europe/Berlin")

CONFIG = """
timezone: Europe/Berlin
admins: [alice]
channels: {incidents: C0INCIDENTS}
people:
  - {id: alice, slack: U0ALICE, role: ops, name: Alice Ops}
  - {id: bob, slack: U0BOB, role: dev}
teams:
  - {id: payments, members: [alice, bob]}
schedules:
  - id: dst
    team: payments
    timezone: Europe/Berlin
    layers:
      - {name: daily, rotation: daily, start: "2026-10-19T09:00", members: [alice, bob]}
"""


async def _token(bot, schedule_id: str) -> str:
    async with bot.ctx.db.sessions() as session:
        return await session.scalar(select(Schedule.calendar_token).where(Schedule.id == schedule_id))


async def _get(bot, path: str) -> tuple[int, bytes, str]:
    async with aiohttp.ClientSession() as http, http.get(f"{bot.url}{path}") as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


async def test_a_schedule_over_the_dst_change_keeps_09_00_local(bot, clock, tmp_path):
    clock.set(datetime(2026, 10, 21, 12, 0, tzinfo=UTC))
    await apply_text(bot, CONFIG, tmp_path)
    status, body, content_type = await _get(bot, f"/calendar/dst.ics?token={await _token(bot, 'dst')}")
    assert status == 200 and content_type.startswith("text/calendar")

    events = [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]
    starts = [e.decoded("dtstart") for e in events]
    assert all(s.utcoffset() == timedelta(0) for s in starts), "times are written in UTC"
    # The shift running now keeps its real start; then one event per day for 90 days.
    assert starts[0] == datetime(2026, 10, 21, 7, 0, tzinfo=UTC)
    assert len(events) == 91
    for event in events[:-1]:  # the last one is cut where the 90 days end
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert (start.astimezone(BERLIN).hour, start.astimezone(BERLIN).minute) == (9, 0)
        assert (end.astimezone(BERLIN).hour, end.astimezone(BERLIN).minute) == (9, 0)
    assert events[-1].decoded("dtend") == datetime(2026, 10, 21, 12, 0, tzinfo=UTC) + timedelta(days=90)
    utc_hours = {s.date().isoformat(): s.hour for s in starts}
    assert utc_hours["2026-10-24"] == 7  # CEST, before the change
    assert utc_hours["2026-10-25"] == 8  # CET, after
    by_day = {s.date().isoformat(): e for s, e in zip(starts, events, strict=True)}

    def hours(day: str) -> timedelta:
        return by_day[day].decoded("dtend") - by_day[day].decoded("dtstart")

    assert (hours("2026-10-23"), hours("2026-10-24"), hours("2026-10-25")) == (
        timedelta(hours=24),
        timedelta(hours=25),
        timedelta(hours=24),
    )  # the night the clocks go back

    summaries = [str(e["summary"]) for e in events]
    assert summaries[:2] == ["Alice Ops (ops) on call: dst", "bob (dev) on call: dst"]  # name, else id
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    # Asking again gives the same events (stable UIDs): calendar apps update instead of duplicating.
    _, again, _ = await _get(bot, f"/calendar/dst.ics?token={await _token(bot, 'dst')}")
    assert [str(e["uid"]) for e in Calendar.from_ical(again).walk("VEVENT")] == uids


async def test_overrides_show_in_the_calendar(team_bot, slack):
    await slack.user("U0ALICE").command(
        "/oncall", "override payments-dev @erin 2026-11-24 10:00 2026-11-24 12:00", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="is on call for")
    _, body, _ = await _get(
        team_bot, f"/calendar/payments-dev.ics?token={await _token(team_bot, 'payments-dev')}"
    )
    events = [
        (e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
        for e in Calendar.from_ical(body).walk("VEVENT")
    ]
    assert events[:3] == [
        (
            datetime(2026, 11, 23, 8, tzinfo=UTC),
            datetime(2026, 11, 24, 9, tzinfo=UTC),
            "dave (dev) on call: payments-dev",
        ),
        (
            datetime(2026, 11, 24, 9, tzinfo=UTC),
            datetime(2026, 11, 24, 11, tzinfo=UTC),
            "erin (dev) on call: payments-dev",
        ),
        (
            datetime(2026, 11, 24, 11, tzinfo=UTC),
            datetime(2026, 11, 30, 8, tzinfo=UTC),
            "dave (dev) on call: payments-dev",
        ),
    ]


async def test_a_wrong_token_or_schedule_gets_404(team_bot):
    token = await _token(team_bot, "payments-ops")
    for path in (
        "/calendar/payments-ops.ics?token=nope",
        "/calendar/payments-ops.ics",
        f"/calendar/payments-dev.ics?token={token}",
        f"/calendar/unknown.ics?token={token}",
    ):
        status, body, _ = await _get(team_bot, path)
        assert status == 404, path
        assert b"BEGIN:VCALENDAR" not in body
    status, _, _ = await _get(team_bot, f"/calendar/payments-ops.ics?token={token}")
    assert status == 200
