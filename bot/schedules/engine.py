"""Who is on call: layers, restrictions and overrides combined into final shifts.

All functions are pure: they take a `Schedule` and aware datetimes and return plain
values in UTC. Final shifts are built by interval operations: every layer's masked
pieces and every override contribute boundaries; each elementary interval between
consecutive boundaries gets one winner (latest override, else highest layer, else a
gap); equal neighbours are then merged.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

from bot.schedules.model import GAP_SOURCE, OVERRIDE_SOURCE, Override, Schedule, Shift, as_utc
from bot.schedules.rotation import layer_coverage

HORIZON = timedelta(days=90)
# First window radius when searching for natural shift boundaries; grows x4 up to HORIZON.
_FIRST_REACH = timedelta(days=2)
_TICK = timedelta(microseconds=1)


def overrides_by_priority(overrides: tuple[Override, ...]) -> list[Override]:
    """Overrides from weakest to strongest.

    Stored overrides (with an id) rank by id; overrides without an id rank after all
    stored ones (they are newer than anything stored). Ties keep tuple order.
    """
    ranked = sorted(
        enumerate(overrides),
        key=lambda item: (item[1].id is None, item[1].id if item[1].id is not None else 0, item[0]),
    )
    return [o for _, o in ranked]


def _final(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """Final shifts tiling [start, end) (UTC, start < end), equal neighbours merged."""
    zone = schedule.zone
    covers = [layer_coverage(layer, zone, start, end) for layer in schedule.layers]
    strongest_first = [
        o for o in reversed(overrides_by_priority(schedule.overrides)) if o.start < end and o.end > start
    ]

    bounds = {start, end}
    for pieces in covers:
        for p in pieces:
            bounds.add(p.start)
            bounds.add(p.end)
    for o in strongest_first:
        bounds.add(max(o.start, start))
        bounds.add(min(o.end, end))
    points = sorted(bounds)

    cursor = [0] * len(covers)
    layer_order = range(len(covers) - 1, -1, -1)
    merged: list[list] = []  # [start, end, person, source]
    for a, b in zip(points, points[1:], strict=False):
        person: str | None = None
        source = GAP_SOURCE
        for o in strongest_first:
            if o.start <= a < o.end:  # boundaries include o's ends, so o covers [a, b)
                person, source = o.person, OVERRIDE_SOURCE
                break
        else:
            for i in layer_order:
                pieces, j = covers[i], cursor[i]
                while j < len(pieces) and pieces[j].end <= a:
                    j += 1
                cursor[i] = j
                if j < len(pieces) and pieces[j].start <= a:
                    person, source = pieces[j].person, pieces[j].source
                    break
        last = merged[-1] if merged else None
        if last is not None and last[2] == person and last[3] == source:
            last[1] = b
        else:
            merged.append([a, b, person, source])
    return [Shift(a, b, person, source) for a, b, person, source in merged]


def shifts_between(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """Final shifts tiling exactly [start, end), clipped to it, gaps included (person None).

    Adjacent pieces are merged only when both person and source match, so a person
    moving from one layer to another (or to an override) starts a new piece.
    """
    start, end = as_utc(start, "start"), as_utc(end, "end")
    if end < start:
        raise ValueError("window ends before it starts")
    if end == start:
        return []
    return _final(schedule, start, end)


def _piece_at(schedule: Schedule, at: datetime) -> Shift:
    """The final piece covering `at` with its natural boundaries, within HORIZON each way.

    Starts from a small window and widens only the side where the piece touches the
    window edge, so typical lookups compute a few days, not 180.
    """
    back = fwd = _FIRST_REACH
    while True:
        lo, hi = at - back, at + fwd
        shifts = _final(schedule, lo, hi)
        piece = shifts[bisect_right([s.start for s in shifts], at) - 1]
        grow_back = piece.start == lo and back < HORIZON
        grow_fwd = piece.end == hi and fwd < HORIZON
        if not (grow_back or grow_fwd):
            return piece
        if grow_back:
            back = min(back * 4, HORIZON)
        if grow_fwd:
            fwd = min(fwd * 4, HORIZON)


def on_call_at(schedule: Schedule, at: datetime) -> Shift | None:
    """The final shift covering `at`, unclipped to its natural boundaries (searched up to
    90 days each way; a longer shift is cut there); None when nobody is on call."""
    piece = _piece_at(schedule, as_utc(at, "at"))
    return None if piece.person is None else piece


def next_handoff(schedule: Schedule, after: datetime, horizon: timedelta = HORIZON) -> datetime | None:
    """The first instant in (after, after + horizon] at which the on-call person changes.

    A change to or from a gap counts; a change of source alone (same person moving
    from a layer to an override) does not, since nobody new is paged.
    """
    after = as_utc(after, "after")
    if horizon <= timedelta(0):
        return None
    limit = after + horizon
    reach = min(_FIRST_REACH, horizon)
    while True:
        hi = min(after + reach, limit)
        # One tick past the limit so a change exactly at the limit is seen.
        shifts = _final(schedule, after, hi + _TICK if hi == limit else hi)
        current = shifts[0].person
        for s in shifts[1:]:
            if s.person != current:
                return s.start
        if hi == limit:
            return None
        reach *= 4


def upcoming_shifts(schedule: Schedule, at: datetime, count: int) -> list[Shift]:
    """The shift covering `at` (if someone is on call) and the next shifts with a person,
    at most `count`, starting within 90 days. The first keeps its natural start; a shift
    still running 90 days out is cut there."""
    at = as_utc(at, "at")
    if count <= 0:
        return []
    limit = at + HORIZON
    reach = timedelta(days=8)
    while True:
        hi = min(at + reach, limit)
        people = [s for s in _final(schedule, at, hi) if s.person is not None]
        if hi == limit or (len(people) >= count and people[count - 1].end < hi):
            break
        reach *= 4
    result = people[:count]
    if result and result[0].start == at:
        result[0] = _piece_at(schedule, at)
    return result
