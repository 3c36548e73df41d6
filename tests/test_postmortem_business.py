"""Business days and reminder times: examples across a weekend and DST, and properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.postmortems.business import (
    add_business_days,
    business_days_between,
    default_due_date,
    deliverable_at,
    in_working_hours,
    is_business_day,
    next_reminder_at,
)

BERLIN = "Europe/Berlin"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "Pacific/Auckland"]


def berlin(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(BERLIN)).astimezone(UTC)


def reminders(due: date, tz: str, start: datetime, count: int) -> list[datetime]:
    out, after = [], start
    for _ in range(count):
        after = next_reminder_at(due, tz, after)
        out.append(after)
    return out


def test_five_business_days_skip_the_weekend():
    assert add_business_days(date(2026, 11, 23), 5) == date(2026, 11, 30)  # Mon -> next Mon
    assert add_business_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Fri -> Mon
    assert add_business_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # Sat -> Mon
    assert add_business_days(date(2026, 11, 30), -1) == date(2026, 11, 27)  # Mon -> Fri
    assert business_days_between(date(2026, 11, 27), date(2026, 12, 1)) == 2


def test_the_default_due_date_is_in_the_owners_time_zone():
    late_sunday_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # Monday already in Berlin
    assert default_due_date(late_sunday_utc, BERLIN, 5) == date(2026, 11, 30)
    assert default_due_date(late_sunday_utc, "America/New_York", 5) == date(2026, 11, 27)  # Sunday there


def test_reminders_the_day_before_on_the_day_then_every_two_business_days_across_weekends():
    due = date(2026, 11, 30)  # a Monday
    got = reminders(due, BERLIN, berlin(2026, 11, 23, 10), 5)
    assert got == [
        berlin(2026, 11, 27, 9),  # Friday: 1 business day before
        berlin(2026, 11, 30, 9),  # Monday: the due date
        berlin(2026, 12, 2, 9),  # Wednesday: 2 business days overdue
        berlin(2026, 12, 4, 9),  # Friday
        berlin(2026, 12, 8, 9),  # Tuesday (the weekend does not count)
    ]


def test_a_due_date_on_a_weekend_is_reminded_on_the_next_business_day():
    got = reminders(date(2026, 11, 28), BERLIN, berlin(2026, 11, 23, 10), 3)  # a Saturday
    assert got == [berlin(2026, 11, 27, 9), berlin(2026, 11, 30, 9), berlin(2026, 12, 2, 9)]


def test_reminders_stay_at_nine_on_the_wall_clock_across_the_dst_change():
    # Berlin leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 UTC after.
    got = reminders(date(2026, 10, 26), BERLIN, berlin(2026, 10, 20, 12), 3)
    assert got == [
        datetime(2026, 10, 23, 7, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
        datetime(2026, 10, 28, 8, 0, tzinfo=UTC),
    ]
    ny = reminders(
        date(2026, 3, 9), "America/New_York", datetime(2026, 3, 2, tzinfo=UTC), 2
    )  # DST starts 8 Mar
    assert ny == [datetime(2026, 3, 6, 14, 0, tzinfo=UTC), datetime(2026, 3, 9, 13, 0, tzinfo=UTC)]


def test_assigned_late_skips_reminders_already_past():
    due = date(2026, 11, 30)
    assert next_reminder_at(due, BERLIN, berlin(2026, 11, 27, 15)) == berlin(2026, 11, 30, 9)
    assert next_reminder_at(due, BERLIN, berlin(2026, 12, 9, 12)) == berlin(2026, 12, 10, 9)


def test_a_reminder_due_at_night_waits_for_working_hours():
    assert deliverable_at(berlin(2026, 11, 27, 22), BERLIN) == berlin(
        2026, 11, 30, 9
    )  # Friday night -> Monday
    assert deliverable_at(berlin(2026, 11, 26, 7), BERLIN) == berlin(2026, 11, 26, 9)
    assert deliverable_at(berlin(2026, 11, 26, 12), BERLIN) == berlin(2026, 11, 26, 12)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(due=days, after=instants, tz=st.sampled_from(ZONES))
def test_the_next_reminder_is_the_first_reminder_instant_after(due, after, tz):
    got = next_reminder_at(due, tz, after)
    local = got.astimezone(ZoneInfo(tz))
    assert got > after
    assert local.time() == time(9, 0) and is_business_day(local.date())
    assert in_working_hours(got, tz)
    # It is one of the reminder days...
    before, on_due = add_business_days(due, -1), due if is_business_day(due) else add_business_days(due, 1)
    day = local.date()
    assert day in (before, on_due) or (day > on_due and business_days_between(on_due, day) % 2 == 0)
    # ... and no reminder day lies between `after` and it.
    probe = after.astimezone(ZoneInfo(tz)).date()
    while probe < day:
        instant = datetime.combine(probe, time(9), tzinfo=ZoneInfo(tz)).astimezone(UTC)
        is_reminder_day = probe in (before, on_due) or (
            probe > on_due and is_business_day(probe) and business_days_between(on_due, probe) % 2 == 0
        )
        assert not (is_reminder_day and instant > after), probe
        probe += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(due=days, start=instants, tz=st.sampled_from(ZONES))
def test_reminders_never_repeat_and_never_skip_more_than_two_business_days_once_overdue(due, start, tz):
    got = reminders(due, tz, start, 6)
    assert got == sorted(set(got))
    overdue = [g.astimezone(ZoneInfo(tz)).date() for g in got if g.astimezone(ZoneInfo(tz)).date() > due]
    for a, b in zip(overdue, overdue[1:], strict=False):
        assert business_days_between(a, b) == 2
