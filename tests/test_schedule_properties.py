"""Properties of the schedule engine over random schedules and windows around DST changes."""

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

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
    overrides_by_priority,
    shifts_between,
)

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"]
# DST changes in 2026/2027 for the zones above (local dates); other zones just get ordinary days.
DST_DATES = [
    datetime(2026, 3, 8),
    datetime(2026, 3, 29),
    datetime(2026, 4, 5),
    datetime(2026, 10, 4),
    datetime(2026, 10, 25),
    datetime(2026, 11, 1),
    datetime(2027, 3, 28),
    datetime(2027, 4, 4),
]
PEOPLE = ["ann", "bob", "cat", "dan", "eve", "fay"]
FAST = settings(max_examples=150, deadline=None)

minutes = st.sampled_from([0, 15, 30, 45])
local_times = st.builds(time, st.integers(0, 23), minutes)
anchors = st.sampled_from(DST_DATES)


@st.composite
def layers(draw: st.DrawFn, anchor: datetime, index: int, restricted: bool = True) -> Layer:
    """A layer starting shortly before (or just after) the anchor, at any local time."""
    kind = draw(st.sampled_from(["daily", "weekly", "custom-hours", "custom-days"]))
    shift = None
    if kind == "custom-hours":
        shift = timedelta(hours=draw(st.integers(1, 36)), minutes=draw(st.sampled_from([0, 30])))
    elif kind == "custom-days":
        shift = timedelta(days=draw(st.integers(1, 3)))
    start = anchor + timedelta(
        days=draw(st.integers(-20, 3)), hours=draw(st.integers(0, 23)), minutes=draw(minutes)
    )
    members = tuple(draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True)))
    restrictions: tuple[Restriction, ...] = ()
    if restricted:
        restrictions = tuple(
            draw(
                st.lists(
                    st.builds(
                        Restriction, st.frozensets(st.integers(0, 6), min_size=1), local_times, local_times
                    ),
                    max_size=2,
                )
            )
        )
    rotation = "custom" if kind.startswith("custom") else kind
    return Layer(f"layer{index}", rotation, start, members, shift, restrictions)


@st.composite
def cases(draw: st.DrawFn, max_overrides: int = 5) -> tuple[Schedule, datetime, datetime]:
    """A schedule and a UTC window of 1 hour to 10 days around a DST date."""
    anchor = draw(anchors)
    zone = draw(st.sampled_from(ZONES))
    count = draw(st.integers(1, 3))
    layer_list = tuple(draw(layers(anchor, i)) for i in range(count))
    start = local_to_utc(anchor, zone) + timedelta(minutes=draw(st.integers(-5 * 1440, 2 * 1440)))
    end = start + timedelta(minutes=draw(st.integers(60, 10 * 1440)))
    overrides = []
    for i in range(draw(st.integers(0, max_overrides))):
        o_start = start + timedelta(
            minutes=draw(st.integers(-1440, int((end - start).total_seconds() // 60)))
        )
        o_end = o_start + timedelta(minutes=draw(st.integers(1, 3 * 1440)))
        overrides.append(Override(draw(st.sampled_from(PEOPLE)), o_start, o_end, id=i + 1))
    shuffled = tuple(draw(st.permutations(overrides)))  # ids, not tuple order, rank them
    return Schedule("s", zone, layer_list, shuffled), start, end


def point_in(data: st.DataObject, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=data.draw(st.integers(0, seconds - 1)))


def covering(shifts: list[Shift], at: datetime) -> Shift:
    (hit,) = [s for s in shifts if s.covers(at)]
    return hit


def clip(shifts: list[Shift], lo: datetime, hi: datetime) -> list[tuple]:
    """Shifts cut to [lo, hi) as comparable tuples, re-merging equal neighbours."""
    out: list[list] = []
    for s in shifts:
        a, b = max(s.start, lo), min(s.end, hi)
        if a >= b:
            continue
        if out and out[-1][1] == a and out[-1][2:] == [s.person, s.source]:
            out[-1][1] = b
        else:
            out.append([a, b, s.person, s.source])
    return [tuple(x) for x in out]


@FAST
@given(cases())
def test_shifts_between_tiles_the_window(case):
    schedule, start, end = case
    shifts = shifts_between(schedule, start, end)
    assert shifts[0].start == start and shifts[-1].end == end
    for a, b in zip(shifts, shifts[1:], strict=False):
        assert a.end == b.start
        assert (a.person, a.source) != (b.person, b.source)  # merged
    for s in shifts:
        assert s.start < s.end
        assert s.start.tzinfo is UTC and s.end.tzinfo is UTC
        assert (s.person is None) == (s.source == "gap")


@FAST
@given(cases(), st.data())
def test_on_call_at_agrees_with_shifts_between(case, data):
    schedule, start, end = case
    shifts = shifts_between(schedule, start, end)
    for _ in range(3):
        at = point_in(data, start, end)
        piece = covering(shifts, at)
        found = on_call_at(schedule, at)
        if piece.person is None:
            assert found is None
        else:
            assert found is not None and found.covers(at)
            # the natural shift cut to the window is exactly the piece in the window
            assert clip([found], start, end) == clip([piece], start, end)


@FAST
@given(cases(), st.data())
def test_next_handoff_is_the_next_change_of_person(case, data):
    schedule, start, end = case
    at = point_in(data, start, end)
    # the horizon is inclusive: a change exactly at `end` counts
    shifts = shifts_between(schedule, at, end + timedelta(microseconds=1))
    expected = next((s.start for s in shifts if s.person != shifts[0].person), None)
    assert next_handoff(schedule, at, horizon=end - at) == expected


@FAST
@given(cases(max_overrides=4), st.data())
def test_override_wins_inside_and_changes_nothing_outside(case, data):
    schedule, start, end = case
    o_start = point_in(data, start, end)
    o_end = o_start + timedelta(minutes=data.draw(st.integers(1, 2 * 1440)))
    newest = Override(data.draw(st.sampled_from(PEOPLE)), o_start, o_end, id=100)
    with_it = Schedule(schedule.id, schedule.timezone, schedule.layers, (*schedule.overrides, newest))

    inside = point_in(data, o_start, o_end)
    found = on_call_at(with_it, inside)
    assert found is not None and found.person == newest.person and found.source == "override"

    # an older override loses only where a later one covers the instant
    if schedule.overrides:
        older = data.draw(st.sampled_from(schedule.overrides))
        at = point_in(data, older.start, older.end)
        ranked = overrides_by_priority(with_it.overrides)
        winner = [o for o in ranked if o.start <= at < o.end][-1]
        assert ranked.index(winner) >= ranked.index(older)
        assert on_call_at(with_it, at).person == winner.person

    before = shifts_between(schedule, start, end)
    after = shifts_between(with_it, start, end)
    assert clip(after, start, o_start) == clip(before, start, o_start)
    assert clip(after, o_end, end) == clip(before, o_end, end)


@FAST
@given(st.sampled_from(ZONES), anchors, st.data())
def test_each_member_gets_equal_shifts_over_whole_cycles(zone, anchor, data):
    layer = data.draw(layers(anchor, 0, restricted=False))
    cycles = data.draw(st.integers(1, 3))
    n = len(layer.members)
    first = local_to_utc(layer.start, zone)
    if layer.step_days is not None:
        last = local_to_utc(layer.start + timedelta(days=layer.step_days * n * cycles), zone)
    else:
        assert layer.shift is not None
        last = first + layer.shift * n * cycles
    raw = layer_shifts(layer, zone, first - timedelta(days=1), last)
    assert raw[0].start == first and raw[-1].end == last
    assert Counter(s.person for s in raw) == {m: cycles for m in layer.members}
    assert [s.person for s in raw[:n]] == list(layer.members)  # member i holds shift i
    if n > 1:
        final = shifts_between(Schedule("s", zone, (layer,)), first, last)
        assert [(s.start, s.end, s.person) for s in final] == [(s.start, s.end, s.person) for s in raw]
