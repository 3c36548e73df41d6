from datetime import UTC, datetime, timedelta

import pytest

from bot.timeparse import (
    TimeParseError,
    format_local,
    local_to_utc,
    parse_user_time,
    split_time_args,
)

BERLIN = "Europe/Berlin"
# Thursday 24 December 2026, 08:00 in Berlin (CET, UTC+1).
NOW = datetime(2026, 12, 24, 7, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def parse(text: str, now: datetime = NOW, tz: str = BERLIN) -> datetime:
    return parse_user_time(text, now=now, tz=tz)


def test_now():
    assert parse("now") == NOW
    assert parse("NOW") == NOW


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("+4h", timedelta(hours=4)),
        ("+30m", timedelta(minutes=30)),
        ("+1d", timedelta(days=1)),
        ("+1h30m", timedelta(hours=1, minutes=30)),
        ("+45s", timedelta(seconds=45)),
        ("+1W", timedelta(weeks=1)),
    ],
)
def test_plus_duration(text, delta):
    assert parse(text) == NOW + delta


@pytest.mark.parametrize("text", ["+", "+4", "+4x", "+-4h"])
def test_bad_plus_duration(text):
    with pytest.raises(TimeParseError, match="duration"):
        parse(text)


def test_clock_time_later_today():
    assert parse("09:00") == utc(2026, 12, 24, 8, 0)
    assert parse("9:00") == utc(2026, 12, 24, 8, 0)


def test_clock_time_already_past_rolls_over_to_tomorrow():
    assert parse("07:30") == utc(2026, 12, 25, 6, 30)


def test_clock_time_equal_to_now_is_tomorrow():
    assert parse("08:00") == utc(2026, 12, 25, 7, 0)


def test_clock_time_rolls_over_across_midnight_in_local_zone():
    # 23:30 in Berlin on the 24th is 22:30 UTC; "00:15" is just after local midnight.
    now = utc(2026, 12, 24, 22, 30)
    assert parse("00:15", now=now) == utc(2026, 12, 24, 23, 15)
    assert parse("23:00", now=now) == utc(2026, 12, 25, 22, 0)


def test_today_and_tomorrow():
    assert parse("today 17:00") == utc(2026, 12, 24, 16, 0)
    assert parse("Tomorrow 09:00") == utc(2026, 12, 25, 8, 0)
    assert parse("tomorrow   09:00") == utc(2026, 12, 25, 8, 0)


def test_today_in_the_past_is_returned_as_is():
    assert parse("today 06:00") == utc(2026, 12, 24, 5, 0)


@pytest.mark.parametrize("text", ["2026-12-31 09:00", "2026-12-31T09:00", "2026-12-31t09:00"])
def test_date_and_time(text):
    assert parse(text) == utc(2026, 12, 31, 8, 0)


def test_date_alone_is_local_midnight():
    assert parse("2026-12-31") == utc(2026, 12, 30, 23, 0)


def test_summer_time_offset_is_used():
    assert parse("2027-07-01 09:00") == utc(2027, 7, 1, 7, 0)


def test_weekday_form():
    # NOW is a Thursday.
    assert parse("mon 09:00") == utc(2026, 12, 28, 8, 0)
    assert parse("Monday 09:00") == utc(2026, 12, 28, 8, 0)
    assert parse("thu 09:00") == utc(2026, 12, 24, 8, 0)  # later today
    assert parse("thu 07:00") == utc(2026, 12, 31, 6, 0)  # already past: next week
    assert parse("fri 00:00") == utc(2026, 12, 24, 23, 0)


def test_other_time_zone():
    assert parse("09:00", tz="America/New_York") == utc(2026, 12, 24, 14, 0)
    assert parse("2026-12-24 09:00", tz="UTC") == utc(2026, 12, 24, 9, 0)


def test_explicit_offset_is_taken_as_written():
    assert parse("2026-12-24T09:00Z") == utc(2026, 12, 24, 9, 0)
    assert parse("2026-12-24T09:00+02:00") == utc(2026, 12, 24, 7, 0)


def test_results_are_aware_utc():
    for text in ("now", "+1h", "09:00", "tomorrow 09:00", "2026-12-31", "mon 09:00"):
        result = parse(text)
        assert result.tzinfo is UTC


def test_dst_gap_is_refused():
    with pytest.raises(TimeParseError) as info:
        parse("2027-03-28 02:30")
    assert str(info.value) == (
        "2027-03-28 02:30 does not exist in Europe/Berlin (clocks move forward at 02:00)"
    )
    assert isinstance(info.value, ValueError)


def test_dst_gap_is_refused_for_relative_forms():
    now = utc(2027, 3, 27, 12, 0)  # Saturday before the change
    with pytest.raises(TimeParseError, match="does not exist"):
        parse("tomorrow 02:30", now=now)
    with pytest.raises(TimeParseError, match="does not exist"):
        parse("sun 02:15", now=now)
    late_evening = utc(2027, 3, 27, 23, 30)  # 00:30 local on the 28th: 02:30 is still ahead
    with pytest.raises(TimeParseError, match="does not exist"):
        parse("02:30", now=late_evening)


def test_clock_time_after_the_gap_goes_to_the_next_day():
    now = utc(2027, 3, 28, 8, 0)  # 10:00 CEST, the gap is behind us
    assert parse("02:30", now=now) == utc(2027, 3, 29, 0, 30)


def test_dst_gap_message_in_another_zone():
    with pytest.raises(TimeParseError) as info:
        parse("2027-03-14 02:30", tz="America/New_York")
    assert (
        str(info.value)
        == "2027-03-14 02:30 does not exist in America/New_York (clocks move forward at 02:00)"
    )


def test_ambiguous_time_takes_first_occurrence():
    # 2026-10-25: Berlin clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    assert parse("2026-10-25 02:30") == utc(2026, 10, 25, 0, 30)
    assert parse("tomorrow 02:30", now=utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30)
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_clock_time_inside_repeated_hour_takes_the_next_occurrence():
    before = utc(2026, 10, 24, 22, 0)
    assert parse("02:30", now=before) == utc(2026, 10, 25, 0, 30)  # first occurrence
    between = utc(2026, 10, 25, 0, 45)  # 02:45 CEST: the first 02:30 has passed
    assert parse("02:30", now=between) == utc(2026, 10, 25, 1, 30)  # the second one, CET


@pytest.mark.parametrize(
    "text",
    ["", "soon", "next tuesday", "tomorrow", "tomorrow noon", "25:00", "12:60", "2026-12-24 9", "24/12/2026"],
)
def test_bad_syntax_lists_the_accepted_forms(text):
    with pytest.raises(TimeParseError) as info:
        parse(text)
    message = str(info.value)
    if text not in ("25:00", "12:60"):
        for form in ("now", "+DURATION", "HH:MM", "tomorrow HH:MM", "YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM"):
            assert form in message


def test_impossible_values_are_named():
    with pytest.raises(TimeParseError, match="25:00 is not a time of day"):
        parse("25:00")
    with pytest.raises(TimeParseError, match="2026-02-30 is not a date"):
        parse("2026-02-30 09:00")


def test_unknown_time_zone():
    with pytest.raises(TimeParseError, match="unknown time zone 'Mars/Olympus'"):
        parse("09:00", tz="Mars/Olympus")


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        parse_user_time("09:00", now=datetime(2026, 12, 24, 7, 0), tz=BERLIN)


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["tomorrow", "09:00", "deploying", "v2"], ("tomorrow 09:00", ["deploying", "v2"])),
        (["today", "9:00"], ("today 9:00", [])),
        (["2026-12-24", "09:00", "tomorrow", "17:00"], ("2026-12-24 09:00", ["tomorrow", "17:00"])),
        (["Mon", "09:00", "x"], ("Mon 09:00", ["x"])),
        (["+4h", "db", "migration"], ("+4h", ["db", "migration"])),
        (["09:00", "17:00"], ("09:00", ["17:00"])),
        (["now", "+1h"], ("now", ["+1h"])),
        (["2026-12-24T09:00", "reason"], ("2026-12-24T09:00", ["reason"])),
        (["2026-12-24", "holiday", "freeze"], ("2026-12-24", ["holiday", "freeze"])),
        (["tomorrow"], ("tomorrow", [])),
    ],
)
def test_split_time_args(tokens, expected):
    assert split_time_args(tokens) == expected


def test_split_time_args_twice_reads_from_and_to():
    first, rest = split_time_args(["tomorrow", "09:00", "2026-12-26", "17:00"])
    second, rest = split_time_args(rest)
    assert (first, second, rest) == ("tomorrow 09:00", "2026-12-26 17:00", [])
    assert parse(first) < parse(second)


def test_split_time_args_does_not_mutate_its_input():
    tokens = ["tomorrow", "09:00", "x"]
    split_time_args(tokens)
    assert tokens == ["tomorrow", "09:00", "x"]


def test_split_time_args_on_nothing():
    with pytest.raises(TimeParseError, match="missing"):
        split_time_args([])


def test_format_local():
    assert format_local(utc(2026, 12, 24, 8, 0), BERLIN) == "Thu 24 Dec 09:00 CET"
    assert format_local(utc(2027, 7, 3, 7, 5), BERLIN) == "Sat 3 Jul 09:05 CEST"
    assert format_local(utc(2026, 12, 24, 8, 0), "UTC") == "Thu 24 Dec 08:00 UTC"
    assert format_local(utc(2026, 12, 24, 8, 0), "America/New_York") == "Thu 24 Dec 03:00 EST"


def test_format_local_round_trips_through_parse():
    moment = parse("2026-12-31 18:45")
    assert format_local(moment, BERLIN) == "Thu 31 Dec 18:45 CET"
