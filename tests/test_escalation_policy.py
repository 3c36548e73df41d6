"""The escalation rule, severities and MTTA/MTTR: pure functions, checked by example and by property."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.alerts.severity import to_sev, worst_sev
from bot.escalation.policy import Level, Policy, advance, first_step, is_due, pages_people, total_steps
from bot.incidents.measures import format_duration, mtta, mttr, time_to_acknowledge, time_to_resolve

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def policy(*timeouts: int, repeat: int = 0) -> Policy:
    return Policy(
        "p", tuple(Level((f"person:p{i}",), timedelta(seconds=t)) for i, t in enumerate(timeouts)), repeat
    )


def test_levels_in_order_then_repeat_then_exhausted():
    p = policy(60, 120, repeat=1)
    steps = []
    level, loop, now = 0, 0, T0
    while (step := advance(p, level, loop, now)) is not None:
        steps.append((step.level, step.loop, step.next_at - now))
        level, loop, now = step.level, step.loop, step.next_at
    assert steps == [
        (1, 0, timedelta(seconds=60)),
        (2, 0, timedelta(seconds=120)),
        (1, 1, timedelta(seconds=60)),
        (2, 1, timedelta(seconds=120)),
    ]


def test_first_step_pages_level_one_with_its_timeout():
    step = first_step(policy(300, 600), T0)
    assert (step.level, step.loop, step.next_at, step.first) == (1, 0, T0 + timedelta(minutes=5), True)


def test_an_empty_policy_pages_nobody():
    assert first_step(Policy("empty", ()), T0) is None


def test_due_means_at_or_after():
    assert is_due(T0, T0) and is_due(T0, T0 + timedelta(seconds=1))
    assert not is_due(T0, T0 - timedelta(seconds=1)) and not is_due(None, T0)


def test_sev4_does_not_page():
    assert [pages_people(s) for s in (1, 2, 3, 4)] == [True, True, True, False]


policies = st.builds(
    lambda timeouts, repeat: policy(*timeouts, repeat=repeat),
    st.lists(st.integers(min_value=1, max_value=86_400), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=4),
)


@given(policies, st.lists(st.integers(min_value=0, max_value=10_000), max_size=40))
def test_nobody_answering_pages_every_level_repeat_plus_one_times(p, delays):
    """Whatever the delays of the wake-ups, the walk is the same: each level, in order, each round."""
    level, loop, now, seen = 0, 0, T0, []
    for i in range(total_steps(p) + 3):
        now = now + timedelta(seconds=delays[i] if i < len(delays) else 0)
        step = advance(p, level, loop, now)
        if step is None:
            break
        assert 1 <= step.level <= len(p.levels) and 0 <= step.loop <= p.repeat
        assert step.next_at - now == p.levels[step.level - 1].timeout  # counted from the actual page
        seen.append((step.level, step.loop))
        level, loop = step.level, step.loop
    expected = [(lv, lp) for lp in range(p.repeat + 1) for lv in range(1, len(p.levels) + 1)]
    assert seen == expected
    assert advance(p, level, loop, now) is None


@given(policies, st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=4))
def test_advance_always_moves_forward(p, level, loop):
    level = min(level, len(p.levels))
    loop = min(loop, p.repeat)
    step = advance(p, level, loop, T0)
    if step is None:
        assert level == len(p.levels) and loop == p.repeat
    else:
        assert (step.loop, step.level) > (loop, level)


def test_severity_map_defaults_and_service_overrides():
    assert [to_sev(s) for s in ("critical", "error", "warning", "info")] == [1, 2, 3, 4]
    assert to_sev(None) == 3 and to_sev("page-me-maybe") == 3 and to_sev("CRITICAL") == 1
    assert to_sev("warning", {"warning": "sev2"}) == 2
    assert to_sev("page", {"page": "sev1"}) == 1
    assert worst_sev(["warning", "critical", "info"]) == 1
    assert worst_sev([]) == 3


@dataclass
class Ev:
    kind: str
    at: datetime


def test_mtta_and_mttr_from_events():
    events = [
        Ev("opened", T0),
        Ev("paged", T0),
        Ev("escalated", T0 + timedelta(minutes=5)),
        Ev("acknowledged", T0 + timedelta(minutes=7)),
        Ev("acknowledged", T0 + timedelta(minutes=9)),
        Ev("resolved", T0 + timedelta(minutes=42)),
    ]
    assert time_to_acknowledge(events) == timedelta(minutes=7)
    assert time_to_resolve(events) == timedelta(minutes=42)
    unanswered = [Ev("opened", T0), Ev("resolved", T0 + timedelta(minutes=10))]
    assert time_to_acknowledge(unanswered) is None
    reopened = [*events, Ev("reopened", T0 + timedelta(hours=1))]
    assert time_to_resolve(reopened) is None
    assert mtta([events, unanswered]) == timedelta(minutes=7)
    assert mttr([events, unanswered]) == timedelta(minutes=26)
    assert mtta([]) is None
    assert [
        format_duration(d)
        for d in (
            timedelta(seconds=42),
            timedelta(minutes=7, seconds=3),
            timedelta(hours=2, minutes=5),
            timedelta(days=1, hours=3),
            None,
        )
    ] == ["42s", "7m 03s", "2h 05m", "1d 3h", "—"]
