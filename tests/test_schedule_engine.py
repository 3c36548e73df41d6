"""Example-based behaviour of the schedule engine (pure functions, no clock, no DB)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedules import (
    Layer,
    Override,
    Restriction,
    Schedule,
    Shift,
    layer_shifts,
    local_to_utc,
    next_handoff,
    on_call_at,
    shifts_between,
    upcoming_shifts,
)

BERLIN = ZoneInfo("Europe/Berlin")
SAT, SUN = 5, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def schedule(*layers: Layer, overrides: tuple[Override, ...] = (), tz: str = "Europe/Berlin") -> Schedule:
    return Schedule("s", tz, layers, overrides)


def who(s: Schedule, at: datetime) -> str | None:
    shift = on_call_at(s, at)
    return None if shift is None else shift.person


WEEKLY = Layer("weekly", "weekly", datetime(2026, 11, 2, 9), ("alice", "carol"))
WEEKEND = Layer(
    "weekend",
    "daily",
    datetime(2026, 11, 7, 9),
    ("dave",),
    restrictions=(Restriction(frozenset({SAT, SUN}), time(9), time(21)),),
)


# --- local_to_utc -----------------------------------------------------------------------


def test_local_to_utc_plain_time_uses_the_zone_offset():
    assert local_to_utc(datetime(2026, 11, 2, 9), BERLIN) == utc(2026, 11, 2, 8)
    assert local_to_utc(datetime(2026, 7, 1, 9), "Europe/Berlin") == utc(2026, 7, 1, 7)


def test_local_to_utc_nonexistent_time_moves_forward_to_the_transition():
    moved = local_to_utc(datetime(2027, 3, 28, 2, 30), BERLIN)
    assert moved == utc(2027, 3, 28, 1)
    assert moved.astimezone(BERLIN).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 0)


def test_local_to_utc_half_hour_gap_in_lord_howe():
    zone = ZoneInfo("Australia/Lord_Howe")  # 02:00 -> 02:30 on 2026-10-04
    moved = local_to_utc(datetime(2026, 10, 4, 2, 10), zone)
    assert moved.astimezone(zone).replace(tzinfo=None) == datetime(2026, 10, 4, 2, 30)


def test_local_to_utc_ambiguous_time_takes_first_occurrence():
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_local_to_utc_refuses_aware_input():
    with pytest.raises(ValueError):
        local_to_utc(berlin(2026, 1, 1), BERLIN)


# --- rotations --------------------------------------------------------------------------


def test_weekly_rotation_of_two_people_alternates_every_seven_days():
    s = schedule(WEEKLY)
    shifts = shifts_between(s, utc(2026, 11, 2, 8), utc(2026, 11, 30, 8))
    assert [(x.person, x.start, x.end) for x in shifts] == [
        ("alice", utc(2026, 11, 2, 8), utc(2026, 11, 9, 8)),
        ("carol", utc(2026, 11, 9, 8), utc(2026, 11, 16, 8)),
        ("alice", utc(2026, 11, 16, 8), utc(2026, 11, 23, 8)),
        ("carol", utc(2026, 11, 23, 8), utc(2026, 11, 30, 8)),
    ]
    assert {x.source for x in shifts} == {"weekly"}


def test_daily_handoff_keeps_0900_berlin_across_fall_back_and_lasts_25h():
    layer = Layer("daily", "daily", datetime(2026, 10, 20, 9), ("a", "b"))
    shifts = layer_shifts(layer, BERLIN, berlin(2026, 10, 23, 9), berlin(2026, 10, 27, 9))
    starts = [x.start.astimezone(BERLIN) for x in shifts]
    assert [(t.day, t.hour, t.minute) for t in starts] == [(23, 9, 0), (24, 9, 0), (25, 9, 0), (26, 9, 0)]
    durations = [x.duration for x in shifts]
    assert durations == [timedelta(hours=24), timedelta(hours=25), timedelta(hours=24), timedelta(hours=24)]
    across = shifts[1]
    assert across.start == utc(2026, 10, 24, 7) and across.end == utc(2026, 10, 25, 8)


def test_daily_handoff_keeps_0900_berlin_across_spring_forward_and_lasts_23h():
    s = schedule(Layer("daily", "daily", datetime(2027, 3, 20, 9), ("a", "b")))
    across = on_call_at(s, berlin(2027, 3, 27, 12))
    assert across is not None
    assert across.start == berlin(2027, 3, 27, 9) and across.end == berlin(2027, 3, 28, 9)
    assert across.duration == timedelta(hours=23)
    after = on_call_at(s, berlin(2027, 3, 28, 9))
    assert after is not None and after.start.astimezone(BERLIN).hour == 9
    assert after.duration == timedelta(hours=24)
    assert after.person != across.person


def test_handoff_at_nonexistent_local_time_lands_at_0300():
    layer = Layer("night", "daily", datetime(2027, 3, 25, 2, 30), ("a", "b"))
    shifts = layer_shifts(layer, BERLIN, berlin(2027, 3, 27, 2, 30), berlin(2027, 3, 30, 2, 30))
    local = [x.start.astimezone(BERLIN).replace(tzinfo=None) for x in shifts]
    assert local == [datetime(2027, 3, 27, 2, 30), datetime(2027, 3, 28, 3, 0), datetime(2027, 3, 29, 2, 30)]
    assert shifts[1].start == utc(2027, 3, 28, 1)
    # 02:30 CET -> 03:00 CEST and 03:00 CEST -> 02:30 CEST are both 23.5 h
    assert [x.duration for x in shifts] == [timedelta(hours=23, minutes=30)] * 2 + [timedelta(hours=24)]
    assert [x.person for x in shifts] == ["a", "b", "a"]


def test_custom_12h_rotation_steps_in_elapsed_time_across_dst():
    layer = Layer("half", "custom", datetime(2027, 3, 27, 8), ("a", "b", "c"), shift=timedelta(hours=12))
    shifts = layer_shifts(layer, BERLIN, berlin(2027, 3, 27, 8), berlin(2027, 3, 29, 0))
    assert [x.person for x in shifts] == ["a", "b", "c", "a"]
    assert all(x.duration == timedelta(hours=12) for x in shifts[:-1])
    # elapsed-time steps drift by the DST hour in local time: 08:00 CET + 24h = 09:00 CEST
    assert shifts[2].start.astimezone(BERLIN).hour == 9


def test_custom_2d_rotation_steps_in_local_days_like_daily():
    layer = Layer("two", "custom", datetime(2026, 10, 21, 9), ("a", "b"), shift=timedelta(days=2))
    s = schedule(layer)
    shifts = shifts_between(s, berlin(2026, 10, 21, 9), berlin(2026, 10, 29, 9))
    assert [x.person for x in shifts] == ["a", "b", "a", "b"]
    assert all(x.start.astimezone(BERLIN).hour == 9 for x in shifts)
    assert shifts[1].duration == timedelta(hours=49)  # 23rd..25th crosses fall-back


def test_before_layer_start_is_a_gap():
    s = schedule(WEEKLY)
    assert on_call_at(s, utc(2026, 11, 2, 7, 59)) is None
    shifts = shifts_between(s, utc(2026, 11, 1), utc(2026, 11, 3))
    assert shifts[0] == Shift(utc(2026, 11, 1), utc(2026, 11, 2, 8), None, "gap")
    assert shifts[1].person == "alice" and shifts[1].start == utc(2026, 11, 2, 8)


# --- layers and restrictions --------------------------------------------------------------


def test_weekend_layer_shows_through_only_inside_its_window():
    s = schedule(WEEKLY, WEEKEND)
    assert who(s, berlin(2026, 11, 7, 8, 59)) == "alice"  # Saturday before 09:00
    assert who(s, berlin(2026, 11, 7, 9)) == "dave"
    assert who(s, berlin(2026, 11, 7, 20, 59)) == "dave"
    assert who(s, berlin(2026, 11, 7, 21)) == "alice"
    assert who(s, berlin(2026, 11, 8, 12)) == "dave"  # Sunday
    assert who(s, berlin(2026, 11, 9, 12)) == "carol"  # Monday: weekly only
    dave = on_call_at(s, berlin(2026, 11, 7, 12))
    assert dave == Shift(berlin(2026, 11, 7, 9), berlin(2026, 11, 7, 21), "dave", "weekend")


def test_restriction_crossing_midnight_covers_2200_to_0600():
    night = Layer(
        "night",
        "daily",
        datetime(2026, 11, 2, 9),
        ("nora",),
        restrictions=(Restriction(frozenset({0}), time(22), time(6)),),  # Monday night
    )
    s = schedule(WEEKLY, night)
    assert who(s, berlin(2026, 11, 2, 21, 59)) == "alice"
    assert who(s, berlin(2026, 11, 2, 22)) == "nora"
    assert who(s, berlin(2026, 11, 3, 5, 59)) == "nora"  # Tuesday morning, started Monday
    assert who(s, berlin(2026, 11, 3, 6)) == "alice"
    assert who(s, berlin(2026, 11, 3, 22)) == "alice"  # Tuesday night is not listed
    shift = on_call_at(s, berlin(2026, 11, 3, 1))
    assert shift is not None and shift.duration == timedelta(hours=8)


def test_restriction_with_equal_times_is_a_full_day():
    allday = Layer(
        "sunday",
        "daily",
        datetime(2026, 11, 2, 9),
        ("sam",),
        restrictions=(Restriction(frozenset({SUN}), time(0), time(0)),),
    )
    s = schedule(WEEKLY, allday)
    shift = on_call_at(s, berlin(2026, 11, 8, 12))
    assert shift == Shift(berlin(2026, 11, 8), berlin(2026, 11, 9), "sam", "sunday")


def test_masked_time_keeps_rotation_turning():
    # Daily rotation of a, b, c allowed on weekdays only: Saturday and Sunday are masked,
    # but the rotation still hands off on them, so Monday is not simply "next after Friday".
    weekdays = Restriction(frozenset(range(5)), time(0), time(0))
    layer = Layer("days", "daily", datetime(2026, 11, 2, 0), ("a", "b", "c"), restrictions=(weekdays,))
    s = schedule(layer)
    assert who(s, berlin(2026, 11, 6, 12)) == "b"  # Friday is shift 4
    assert who(s, berlin(2026, 11, 7, 12)) is None  # Saturday masked (would be c)
    assert who(s, berlin(2026, 11, 8, 12)) is None  # Sunday masked (would be a)
    assert who(s, berlin(2026, 11, 9, 12)) == "b"  # Monday is shift 7, not "c"


def test_later_layer_wins_and_earlier_shows_where_later_has_not_started():
    late = Layer("late", "daily", datetime(2026, 11, 10, 9), ("zed",))
    s = schedule(WEEKLY, late)
    assert who(s, berlin(2026, 11, 10, 8)) == "carol"
    assert who(s, berlin(2026, 11, 10, 9)) == "zed"


# --- overrides ---------------------------------------------------------------------------


def test_override_wins_inside_its_window_and_not_outside():
    cover = Override("olga", berlin(2026, 11, 4, 12), berlin(2026, 11, 5, 12), id=1)
    s = schedule(WEEKLY, WEEKEND, overrides=(cover,))
    assert who(s, berlin(2026, 11, 4, 11, 59)) == "alice"
    assert on_call_at(s, berlin(2026, 11, 4, 12)) == Shift(cover.start, cover.end, "olga", "override")
    assert who(s, berlin(2026, 11, 5, 11, 59)) == "olga"
    assert who(s, berlin(2026, 11, 5, 12)) == "alice"
    shifts = shifts_between(s, berlin(2026, 11, 4), berlin(2026, 11, 6))
    assert [(x.person, x.source) for x in shifts] == [
        ("alice", "weekly"),
        ("olga", "override"),
        ("alice", "weekly"),
    ]


def test_override_beats_a_restricted_layer_and_fills_a_gap():
    s = schedule(WEEKEND, overrides=(Override("olga", berlin(2026, 11, 7, 20), berlin(2026, 11, 7, 23)),))
    assert who(s, berlin(2026, 11, 7, 20, 30)) == "olga"
    assert who(s, berlin(2026, 11, 7, 22)) == "olga"
    assert who(s, berlin(2026, 11, 7, 23)) is None


def test_overlapping_overrides_later_created_wins():
    first = Override("olga", berlin(2026, 11, 4, 8), berlin(2026, 11, 4, 20), id=5)
    second = Override("pete", berlin(2026, 11, 4, 12), berlin(2026, 11, 4, 14), id=9)
    for overrides in ((first, second), (second, first)):  # id decides, not tuple order
        s = schedule(WEEKLY, overrides=overrides)
        assert who(s, berlin(2026, 11, 4, 11)) == "olga"
        assert who(s, berlin(2026, 11, 4, 13)) == "pete"
        assert who(s, berlin(2026, 11, 4, 15)) == "olga"
    unsaved = schedule(
        WEEKLY, overrides=(Override("x", first.start, first.end), Override("y", first.start, first.end))
    )
    assert who(unsaved, berlin(2026, 11, 4, 9)) == "y"  # without ids, later in the tuple wins


def test_gap_is_reported_with_person_none():
    s = schedule(WEEKEND)
    shifts = shifts_between(s, berlin(2026, 11, 7, 0), berlin(2026, 11, 8, 0))
    assert shifts == [
        Shift(berlin(2026, 11, 7, 0), berlin(2026, 11, 7, 9), None, "gap"),
        Shift(berlin(2026, 11, 7, 9), berlin(2026, 11, 7, 21), "dave", "weekend"),
        Shift(berlin(2026, 11, 7, 21), berlin(2026, 11, 8, 0), None, "gap"),
    ]
    assert on_call_at(s, berlin(2026, 11, 7, 22)) is None


def test_same_person_from_layer_then_override_is_two_pieces():
    s = schedule(WEEKLY, overrides=(Override("alice", berlin(2026, 11, 3, 0), berlin(2026, 11, 3, 6)),))
    shifts = shifts_between(s, berlin(2026, 11, 2, 12), berlin(2026, 11, 3, 12))
    assert [(x.person, x.source) for x in shifts] == [
        ("alice", "weekly"),
        ("alice", "override"),
        ("alice", "weekly"),
    ]


# --- queries ---------------------------------------------------------------------------


def test_next_handoff_finds_the_next_change_of_person():
    s = schedule(WEEKLY, WEEKEND)
    assert next_handoff(s, berlin(2026, 11, 3, 12)) == berlin(2026, 11, 7, 9)
    assert next_handoff(s, berlin(2026, 11, 7, 9)) == berlin(2026, 11, 7, 21)
    assert next_handoff(s, berlin(2026, 11, 1)) == berlin(2026, 11, 2, 9)  # from a gap
    assert next_handoff(s, berlin(2026, 11, 3, 12), horizon=timedelta(days=1)) is None


def test_next_handoff_ignores_same_person_moving_to_an_override():
    s = schedule(WEEKLY, overrides=(Override("alice", berlin(2026, 11, 3), berlin(2026, 11, 4)),))
    assert next_handoff(s, berlin(2026, 11, 2, 12)) == berlin(2026, 11, 9, 9)


def test_next_handoff_with_single_member_and_no_changes_is_none():
    s = schedule(Layer("solo", "daily", datetime(2026, 1, 1, 9), ("sol",)))
    assert next_handoff(s, utc(2026, 6, 1)) is None
    shift = on_call_at(s, utc(2026, 6, 1))
    assert shift is not None and shift.person == "sol"
    assert shift.start == utc(2026, 6, 1) - timedelta(days=90)  # capped at the search horizon


def test_upcoming_shifts_returns_current_and_next_with_people():
    s = schedule(WEEKLY, WEEKEND)
    upcoming = upcoming_shifts(s, berlin(2026, 11, 4, 12), 4)
    assert [(x.person, x.start) for x in upcoming] == [
        ("alice", berlin(2026, 11, 2, 9)),  # natural start, not the query time
        ("dave", berlin(2026, 11, 7, 9)),
        ("alice", berlin(2026, 11, 7, 21)),
        ("dave", berlin(2026, 11, 8, 9)),
    ]
    assert upcoming[-1].end == berlin(2026, 11, 8, 21)
    assert upcoming_shifts(s, berlin(2026, 11, 4, 12), 0) == []


def test_upcoming_shifts_skips_gaps():
    s = schedule(WEEKEND)
    upcoming = upcoming_shifts(s, berlin(2026, 11, 9, 12), 3)
    assert [x.start for x in upcoming] == [
        berlin(2026, 11, 14, 9),
        berlin(2026, 11, 15, 9),
        berlin(2026, 11, 21, 9),
    ]
    assert all(x.person == "dave" for x in upcoming)


def test_shifts_between_rejects_naive_and_reversed_windows():
    s = schedule(WEEKLY)
    with pytest.raises(ValueError):
        shifts_between(s, datetime(2026, 11, 1), utc(2026, 11, 2))
    with pytest.raises(ValueError):
        shifts_between(s, utc(2026, 11, 2), utc(2026, 11, 1))
    assert shifts_between(s, utc(2026, 11, 2), utc(2026, 11, 2)) == []


def test_invalid_values_are_refused():
    with pytest.raises(ValueError):
        Layer("c", "custom", datetime(2026, 1, 1), ("a",))  # custom needs a shift
    with pytest.raises(ValueError):
        Layer("d", "daily", datetime(2026, 1, 1, tzinfo=UTC), ("a",))  # start must be naive
    with pytest.raises(ValueError):
        Restriction(frozenset({7}), time(9), time(17))
    with pytest.raises(ValueError):
        Schedule("s", "Mars/Olympus", ())
    with pytest.raises(ValueError):
        Override("a", utc(2026, 1, 2), utc(2026, 1, 1))
