from datetime import timedelta

import pytest

from bot.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("2w3d4h5m6s", timedelta(weeks=2, days=3, hours=4, minutes=5, seconds=6)),
        (" 10M ", timedelta(minutes=10)),
        ("90m", timedelta(minutes=90)),
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "5", "m", "5x", "-5m", "1.5h", "30m1h", "1h1h", "5 minutes", "+5m"])
def test_parse_duration_refuses_bad_text_naming_the_forms(text):
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    message = str(info.value)
    for form in ("30s", "5m", "2h", "1d"):
        assert form in message


def test_parse_duration_refuses_non_text():
    with pytest.raises(ValueError):
        parse_duration(5)  # type: ignore[arg-type]


def test_parse_duration_refuses_absurd_lengths():
    with pytest.raises(ValueError):
        parse_duration("99999999w")


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=1, minutes=30), "1h 30m"),
        (timedelta(days=2), "2d"),
        (timedelta(days=1, hours=6), "1d 6h"),
        (timedelta(weeks=2), "2w"),
        (timedelta(days=8), "8d"),
        (timedelta(hours=1, seconds=5), "1h 5s"),
        (timedelta(0), "0s"),
        (timedelta(minutes=-5), "-5m"),
        (timedelta(seconds=1, microseconds=500), "1s"),
    ],
)
def test_format_duration(td, expected):
    assert format_duration(td) == expected


@pytest.mark.parametrize("seconds", [1, 59, 60, 61, 3599, 3600, 3661, 86399, 86400, 90061, 604800, 694861])
def test_format_then_parse_round_trips(seconds):
    td = timedelta(seconds=seconds)
    assert parse_duration(format_duration(td)) == td
