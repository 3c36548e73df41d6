"""Pure pieces of on-call: `/oncall` argument parsing, joined shift lists, the Block Kit builders."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks import oncall as blocks
from bot.errors import UsageError
from bot.schedules import Layer, Override, Schedule, Shift
from bot.schedules.commands import UserRef, parse_cover, parse_next, parse_override, parse_user_ref
from bot.schedules.handoffs import changes_between
from bot.schedules.shiftlist import current_and_next, join_same_person, shifts_of

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin
BERLIN = "Europe/Berlin"


# ---- argument parsing


def test_an_escaped_mention_names_a_slack_user():
    assert parse_user_ref("<@U0BOB|bob>") == UserRef(slack_id="U0BOB")
    assert parse_user_ref("<@U0BOB>") == UserRef(slack_id="U0BOB")
    assert parse_user_ref("@bob") == UserRef(name="bob")
    with pytest.raises(UsageError):
        parse_user_ref("<#C0GENERAL|general>")


def test_override_reads_times_in_the_callers_zone():
    args = parse_override(
        ["payments-ops", "<@U0BOB|bob>", "tomorrow", "09:00", "tomorrow", "18:00"], now=NOW, tz=BERLIN
    )
    assert args.schedule == "payments-ops" and args.person.slack_id == "U0BOB"
    assert args.start == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert args.end == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["payments-ops", "@bob", "+4h", "now"], "must be after its start"),
        (["payments-ops", "@bob", "now", "now"], "must be after its start"),
        (["payments-ops", "@bob", "now", "+32d"], "at most 31 days"),
        (
            ["payments-ops", "@bob", "2027-03-28", "02:30", "2027-03-28", "05:00"],
            "does not exist in Europe/Berlin",
        ),
        (["payments-ops", "@bob", "now"], "needs SCHEDULE @user FROM TO"),
        (["payments-ops", "@bob", "now", "+1h", "extra"], "Unexpected `extra`"),
        (["payments-ops", "@bob", "soon", "+1h"], "'soon' is not a time"),
    ],
)
def test_override_refusals_say_why(words, reason):
    with pytest.raises(UsageError) as caught:
        parse_override(words, now=NOW, tz=BERLIN)
    assert reason in str(caught.value)


def test_exactly_31_days_is_allowed():
    args = parse_override(["s", "@bob", "now", "+31d"], now=NOW, tz=BERLIN)
    assert args.end - args.start == timedelta(days=31)


def test_cover_defaults_to_the_callers_shift_and_next_takes_one_schedule():
    assert parse_cover(["payments-ops"], now=NOW, tz=BERLIN).start is None
    window = parse_cover(["payments-ops", "now", "+2h"], now=NOW, tz=BERLIN)
    assert window.end - window.start == timedelta(hours=2)
    with pytest.raises(UsageError):
        parse_cover([], now=NOW, tz=BERLIN)
    assert parse_next([]) is None and parse_next(["payments-ops"]) == "payments-ops"
    with pytest.raises(UsageError):
        parse_next(["a", "b"])


# ---- shift lists

WEEKLY = Schedule(
    "ops", BERLIN, (Layer("weekly", "weekly", datetime(2026, 11, 2, 9, 0), ("alice", "carol")),)
)


def test_touching_pieces_of_one_person_are_one_shift():
    a = datetime(2026, 11, 23, 8, tzinfo=UTC)
    pieces = [
        Shift(a, a + timedelta(hours=2), "alice", "weekly"),
        Shift(a + timedelta(hours=2), a + timedelta(hours=3), "alice", "override"),
        Shift(a + timedelta(hours=3), a + timedelta(hours=4), None, "gap"),
        Shift(a + timedelta(hours=4), a + timedelta(hours=5), "alice", "weekly"),
    ]
    assert [(s.start, s.end, s.person) for s in join_same_person(pieces)] == [
        (a, a + timedelta(hours=3), "alice"),
        (a + timedelta(hours=4), a + timedelta(hours=5), "alice"),
    ]


def test_current_and_next_keep_natural_boundaries():
    current, following = current_and_next(WEEKLY, NOW, 3)
    assert current.person == "carol" and current.start == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert [s.person for s in following] == ["alice", "carol", "alice"]
    assert following[0].start == current.end == datetime(2026, 11, 30, 8, tzinfo=UTC)


def test_an_override_inside_a_shift_splits_it_for_the_others_only():
    override = Override("bob", NOW + timedelta(hours=1), NOW + timedelta(hours=3), id=1)
    schedule = Schedule("ops", BERLIN, WEEKLY.layers, (override,))
    mine = shifts_of(schedule, "carol", NOW, 3)
    assert [(s.start, s.end) for s in mine[:2]] == [
        (datetime(2026, 11, 23, 8, tzinfo=UTC), NOW + timedelta(hours=1)),
        (NOW + timedelta(hours=3), datetime(2026, 11, 30, 8, tzinfo=UTC)),
    ]
    assert changes_between(schedule, NOW, NOW + timedelta(hours=4)) == [override.start, override.end]


# ---- Block Kit


@dataclass
class P:
    id: str
    name: str
    slack: str | None
    role: str


@dataclass
class S:
    start: datetime
    end: datetime
    person: P


@dataclass
class R:
    schedule_id: str
    current: S | None
    shadows: list
    next: list
    calendar_url: str = "http://x/calendar/ops.ics?token=t"


ALICE = P("alice", "Alice <admin>", "U0ALICE", "ops")
NO_SLACK = P("zed", "Zed <b>", None, "dev")


def _text(blocks_: list[dict]) -> str:
    out = []
    for b in blocks_:
        if "text" in b:
            out.append(b["text"]["text"])
        for el in b.get("elements", []):
            out.append(el["text"]["text"] if el.get("type") == "button" else el.get("text", ""))
    return "\n".join(out)


def test_overview_shows_role_and_shift_end_in_the_callers_zone():
    report = R("ops", S(NOW, datetime(2026, 11, 30, 8, tzinfo=UTC), ALICE), [NO_SLACK], [])
    text, body = blocks.overview([report, R("dev", None, [], [])], "America/New_York")
    shown = _text(body)
    assert "<@U0ALICE> (ops) until Mon 30 Nov 03:00 EST" in shown
    assert "shadow: *Zed &lt;b&gt;* (dev)" in shown
    assert "*dev*: _nobody is on call_" in shown
    assert "On call now" in text


def test_schedule_detail_lists_next_shifts_and_the_calendar_link():
    nxt = [S(datetime(2026, 11, 30, 8, tzinfo=UTC), datetime(2026, 12, 7, 8, tzinfo=UTC), NO_SLACK)]
    _, body = blocks.schedule_detail(R("ops", None, [], nxt), BERLIN)
    shown = _text(body)
    assert "Mon 30 Nov 09:00 CET → Mon 7 Dec 09:00 CET  *Zed &lt;b&gt;* (dev)" in shown
    assert "<http://x/calendar/ops.ics?token=t|" in shown


def test_a_cover_request_has_a_take_button_until_taken():
    _, open_ = blocks.cover_request(7, "ops", "U0ALICE", NOW, NOW + timedelta(hours=2), BERLIN)
    buttons = [el for b in open_ if b["type"] == "actions" for el in b["elements"]]
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in buttons] == [
        ("Take", blocks.TAKE_ACTION, "7")
    ]
    assert "<!date^" in _text(open_)
    text, taken = blocks.cover_request(
        7, "ops", "U0ALICE", NOW, NOW + timedelta(hours=2), BERLIN, taken_by="U0BOB"
    )
    assert not [b for b in taken if b["type"] == "actions"]
    assert "Taken by <@U0BOB>" in _text(taken) and "Taken by <@U0BOB>" in text


@dataclass
class Inc:
    id: int
    title: str
    severity: int
    state: str


def test_handoff_names_both_people_shadows_and_open_incidents_escaped():
    text, body = blocks.handoff(
        "ops", ALICE, NO_SLACK, NOW, [ALICE], [Inc(4, "DB <down> & out", 1, "triggered")], BERLIN
    )
    shown = _text(body)
    assert "<@U0ALICE> (ops) goes off, *Zed &lt;b&gt;* (dev) comes on" in text
    assert "Shadowing: <@U0ALICE> (ops)" in shown
    assert "#4 DB &lt;down&gt; &amp; out (sev1, triggered)" in shown
    _, quiet = blocks.handoff("ops", None, ALICE, None, [], [], BERLIN)
    assert "_nobody_ goes off" in _text(quiet) and "No open incidents" in _text(quiet)
