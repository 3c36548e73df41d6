"""What people type after `/incident`, channel names and reminder intervals: pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UsageError
from bot.incidents.channels import channel_name, slug
from bot.incidents.commands import (
    DeclareRequest,
    StatusRequest,
    check_title,
    parse_declare,
    parse_role,
    parse_severity,
    parse_status,
    parse_targets,
    plain_from_mrkdwn,
    title_from_message,
)
from bot.incidents.status import next_reminder, reminder_interval


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Checkout down", DeclareRequest("Checkout down", 3, None)),
        ("Checkout down sev1", DeclareRequest("Checkout down", 1, None)),
        ("sev2 service:checkout Checkout  down", DeclareRequest("Checkout down", 2, "checkout")),
        ("Checkout down SERVICE:checkout SEV4", DeclareRequest("Checkout down", 4, "checkout")),
        ("", DeclareRequest("", 3, None)),
        ("sev1", DeclareRequest("", 1, None)),
        ("severe sev2x problem", DeclareRequest("severe sev2x problem", 3, None)),
    ],
)
def test_declare(text, expected):
    assert parse_declare(text) == expected


@pytest.mark.parametrize(
    "text, problem",
    [
        ("down sev5", "to sev4, not `5`"),
        ("down sev1 sev2", "one severity"),
        ("down service:a service:b", "one service"),
        ("down service:", "Name the service"),
    ],
)
def test_declare_refuses(text, problem):
    with pytest.raises(UsageError, match=problem):
        parse_declare(text)


def test_title_limits():
    assert check_title("  Checkout \n down ") == "Checkout down"
    assert check_title("a" * 200) == "a" * 200
    with pytest.raises(UsageError, match="201 characters long; the limit is 200"):
        check_title("a" * 201)
    with pytest.raises(UsageError, match="Give the incident a title"):
        check_title("   ")


@pytest.mark.parametrize("word, expected", [("1", 1), ("sev2", 2), ("SEV3", 3), ("s4", 4)])
def test_severity(word, expected):
    assert parse_severity(word) == expected


@pytest.mark.parametrize("word", ["0", "5", "sev", "high", "-1"])
def test_bad_severity(word):
    with pytest.raises(UsageError):
        parse_severity(word)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("identified: root cause is X", StatusRequest("identified", "root cause is X")),
        ("Identified:root cause", StatusRequest("identified", "root cause")),
        ("monitoring the fix", StatusRequest("monitoring", "the fix")),
        ("monitoring", StatusRequest("monitoring", "")),
        ("we rolled back: waiting", StatusRequest(None, "we rolled back: waiting")),
        ("resolved: DNS", StatusRequest("resolved", "DNS")),
    ],
)
def test_status(text, expected):
    assert parse_status(text) == expected


def test_status_needs_text():
    with pytest.raises(UsageError, match="Say what is going on"):
        parse_status("  ")


def test_roles():
    assert parse_role(["commander", "<@U0BOB|bob>"], "U0ALICE").user_id == "U0BOB"
    assert parse_role(["IC", "me"], "U0ALICE").role == "commander"
    assert parse_role(["dev", "<@U0BOB>"], "U0ALICE").role == "dev"
    with pytest.raises(UsageError, match="not a role"):
        parse_role(["boss", "<@U0BOB>"], "U0ALICE")
    with pytest.raises(UsageError, match="Mention the person"):
        parse_role(["ops", "bob"], "U0ALICE")
    with pytest.raises(UsageError, match="Name a role and a person"):
        parse_role(["ops"], "U0ALICE")


def test_targets():
    assert parse_targets(["<@U0BOB|bob>", "team:payments", "service:checkout", "Service:checkout"]) == [
        "slack:U0BOB",
        "team:payments",
        "service:checkout",
    ]
    with pytest.raises(UsageError, match="User groups cannot be paged"):
        parse_targets(["<!subteam^S0PAY|@payments>"])
    with pytest.raises(UsageError, match="not someone to page"):
        parse_targets(["bob"])
    with pytest.raises(UsageError, match="Who should be paged"):
        parse_targets([])


def test_message_text_made_readable():
    text = "<!channel> <@U0BOB|bob> and <@U0ALICE> see <https://x.test/a|the graph> &lt;b&gt; &amp; <#C1|ops>"
    assert (
        plain_from_mrkdwn(text, {"U0ALICE": "alice"}) == "@channel @bob and @alice see the graph <b> & #ops"
    )
    assert title_from_message("\n\n  first   line \nsecond") == "first line"
    assert len(title_from_message("x" * 500)) == 200


def test_channel_names():
    assert channel_name(42, "Checkout API returns 500s!") == "inc-42-checkout-api-returns-500s"
    assert channel_name(7, "<!channel> <@U0ZOE> Überlast") == "inc-7-channel-u0zoe-berlast"
    assert channel_name(7, "!!!") == "inc-7"
    assert channel_name(7, "db down", "2") == "inc-7-db-down-2"
    long = channel_name(123456, "word " * 40, "ab12cd")
    assert len(long) <= 80 and long.endswith("-ab12cd") and "--" not in long
    assert slug("  A__B  c ") == "a-b-c"


def test_reminder_intervals():
    t = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert reminder_interval(1) == timedelta(minutes=30) and reminder_interval(2) == timedelta(minutes=60)
    assert reminder_interval(3) is None and next_reminder(4, t, t) is None
    assert next_reminder(1, t, t + timedelta(hours=1)) == t + timedelta(minutes=30)
