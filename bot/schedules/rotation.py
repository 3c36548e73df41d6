"""One layer on its own: local-time conversion, the rotation clock and restriction masks.

Everything here works on intervals of aware UTC instants; local wall-clock time is
only used to place handoffs and restriction windows, via `local_to_utc`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedules.model import Layer, Restriction, Shift, as_utc

_DAY = timedelta(days=1)
Interval = tuple[datetime, datetime]


def zone_of(zone: ZoneInfo | str) -> ZoneInfo:
    """Accept a zone name or a ZoneInfo so callers need not build one."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def to_local(at: datetime, zone: ZoneInfo | str) -> datetime:
    """The naive local wall-clock time of an aware instant."""
    return as_utc(at).astimezone(zone_of(zone)).replace(tzinfo=None)


def local_to_utc(naive: datetime, zone: ZoneInfo | str) -> datetime:
    """Convert a naive local wall-clock time to an aware UTC instant.

    Ambiguous times (DST fall-back) take the first occurrence (fold=0). Nonexistent
    times (DST spring-forward gap) move forward to the first instant that exists, i.e.
    the transition itself: 02:30 on a 02:00->03:00 day becomes 03:00 local.
    """
    if naive.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive wall-clock time")
    tz = zone_of(zone)
    naive = naive.replace(fold=0)
    utc = naive.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == naive:
        return utc
    # In a gap fold=0 uses the offset before the transition and fold=1 the one after,
    # so the transition instant T lies in (with_after, with_before]. Bisect on seconds.
    with_after = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo = math.floor(with_after.timestamp())
    hi = math.floor(utc.timestamp()) + 1
    after_offset = datetime.fromtimestamp(hi, tz).utcoffset()
    if datetime.fromtimestamp(lo, tz).utcoffset() == after_offset:
        return utc  # not a simple gap (should not happen with tzdata); keep fold=0 mapping
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


@dataclass(frozen=True, slots=True)
class RotationClock:
    """Maps shift numbers to handoff instants and back, arithmetically.

    Day-based rotations (daily, weekly, whole-day custom) step in local calendar days
    at the start's wall-clock time, so they stay DST-stable; other custom rotations
    step in elapsed time from the start instant.
    """

    start: datetime  # naive local wall-clock start of shift 0
    zone: ZoneInfo
    origin: datetime  # aware UTC instant of handoff 0
    days: int | None
    step: timedelta

    def handoff(self, k: int) -> datetime:
        """The instant shift `k` begins (k may be negative: before the layer starts)."""
        if self.days is not None:
            return local_to_utc(self.start + timedelta(days=k * self.days), self.zone)
        return self.origin + k * self.step

    def index_at(self, at: datetime) -> int:
        """The shift number running at `at` (negative before the layer starts)."""
        if self.days is None:
            return (at - self.origin) // self.step
        local_day = at.astimezone(self.zone).date()
        k = (local_day - self.start.date()).days // self.days
        while self.handoff(k) > at:  # `at` is before that day's handoff time
            k -= 1
        while self.handoff(k + 1) <= at:  # only in zones whose DST moves across midnight
            k += 1
        return k


def rotation_clock(layer: Layer, zone: ZoneInfo | str) -> RotationClock:
    """Build the clock for a layer in a zone."""
    tz = zone_of(zone)
    days = layer.step_days
    step = timedelta(days=days) if days is not None else layer.shift
    assert step is not None
    return RotationClock(layer.start, tz, local_to_utc(layer.start, tz), days, step)


def layer_shifts(layer: Layer, zone: ZoneInfo | str, start: datetime, end: datetime) -> list[Shift]:
    """Raw rotation shifts of one layer (restrictions ignored), clipped to [start, end).

    Consecutive shifts are not merged even when the same person holds both, so each
    handoff stays visible. Nothing is returned before the layer's start.
    """
    start, end = as_utc(start, "start"), as_utc(end, "end")
    if not layer.members or end <= start:
        return []
    clock = rotation_clock(layer, zone)
    lo = max(start, clock.origin)
    if lo >= end:
        return []
    members, n = layer.members, len(layer.members)
    k = clock.index_at(lo)
    begin = clock.handoff(k)
    out: list[Shift] = []
    while begin < end:
        finish = clock.handoff(k + 1)
        piece_start, piece_end = max(begin, lo), min(finish, end)
        if piece_start < piece_end:
            out.append(Shift(piece_start, piece_end, members[k % n], layer.name))
        k += 1
        begin = finish
    return out


def allowed_intervals(
    restrictions: tuple[Restriction, ...], zone: ZoneInfo | str, start: datetime, end: datetime
) -> list[Interval]:
    """UTC intervals inside [start, end) where any restriction window is open, merged.

    Each window is converted as a whole interval (both ends via `local_to_utc`), so a
    window that falls entirely into a DST gap is empty and one in a repeated hour
    covers the first occurrence only.
    """
    tz = zone_of(zone)
    start, end = as_utc(start, "start"), as_utc(end, "end")
    raw: list[Interval] = []
    day: date = start.astimezone(tz).date() - _DAY  # yesterday's window may reach into today
    last: date = end.astimezone(tz).date()
    while day <= last:
        weekday = day.weekday()
        for r in restrictions:
            if weekday not in r.days:
                continue
            opens = local_to_utc(datetime.combine(day, r.start), tz)
            closes_day = day + _DAY if r.crosses_midnight else day
            closes = local_to_utc(datetime.combine(closes_day, r.end), tz)
            lo, hi = max(opens, start), min(closes, end)
            if lo < hi:
                raw.append((lo, hi))
        day += _DAY
    raw.sort()
    merged: list[Interval] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def mask(pieces: list[Shift], allowed: list[Interval]) -> list[Shift]:
    """Keep only the parts of sorted, disjoint pieces that fall inside allowed intervals."""
    out: list[Shift] = []
    j = 0
    for p in pieces:
        while j < len(allowed) and allowed[j][1] <= p.start:
            j += 1
        k = j
        while k < len(allowed) and allowed[k][0] < p.end:
            lo, hi = max(p.start, allowed[k][0]), min(p.end, allowed[k][1])
            if lo < hi:
                out.append(Shift(lo, hi, p.person, p.source))
            k += 1
    return out


def layer_coverage(layer: Layer, zone: ZoneInfo | str, start: datetime, end: datetime) -> list[Shift]:
    """The layer's shifts inside [start, end) after its restrictions mask them."""
    pieces = layer_shifts(layer, zone, start, end)
    if not layer.restrictions or not pieces:
        return pieces
    return mask(pieces, allowed_intervals(layer.restrictions, zone, pieces[0].start, pieces[-1].end))
