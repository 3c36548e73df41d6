"""Plain, immutable values describing an on-call schedule and its computed shifts.

The engine only ever reads these; validation happens here so that the engine can
trust its inputs (aware UTC instants, naive local layer starts, known time zones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Rotation = Literal["daily", "weekly", "custom"]
ROTATIONS: tuple[str, ...] = ("daily", "weekly", "custom")
OVERRIDE_SOURCE = "override"
GAP_SOURCE = "gap"
_DAY = timedelta(days=1)


def as_utc(value: datetime, what: str = "datetime") -> datetime:
    """Return `value` in UTC; naive values are refused because their instant is unknown."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Restriction:
    """A weekly window in the schedule's local time during which a layer may be on call.

    Days are 0=Monday..6=Sunday and name the day the window *starts*. The window
    includes `start` and excludes `end`; `end <= start` crosses midnight into the next
    day (`end == start` is a full 24 hours).
    """

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        days = frozenset(self.days)
        if not days <= frozenset(range(7)):
            raise ValueError(f"restriction days must be 0..6, got {sorted(days)}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("restriction times are local wall-clock times and must be naive")
        object.__setattr__(self, "days", days)

    @property
    def crosses_midnight(self) -> bool:
        """True when the window ends on the day after it starts."""
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class Layer:
    """One rotation: members take turns, handing off at `start`'s local time of day.

    `start` is a naive wall-clock time in the schedule's zone, so handoffs stay at the
    same local time across DST changes. `shift` is required for (and only allowed
    with) `custom` rotations. Restrictions only mask the layer; the rotation keeps
    turning through masked time.
    """

    name: str
    rotation: Rotation
    start: datetime
    members: tuple[str, ...]
    shift: timedelta | None = None
    restrictions: tuple[Restriction, ...] = ()

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, got {self.rotation!r}")
        if self.name in (OVERRIDE_SOURCE, GAP_SOURCE):
            raise ValueError(f"layer name {self.name!r} is reserved for shift sources")
        if self.start.tzinfo is not None:
            raise ValueError("layer start is a local wall-clock time and must be naive")
        if self.rotation == "custom":
            if self.shift is None or self.shift <= timedelta(0):
                raise ValueError("custom rotations need a positive shift")
        elif self.shift is not None:
            raise ValueError(f"shift is only allowed for custom rotations, not {self.rotation}")
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "restrictions", tuple(self.restrictions))

    @property
    def step_days(self) -> int | None:
        """Shift length in local calendar days, or None when it steps in elapsed time."""
        if self.rotation == "daily":
            return 1
        if self.rotation == "weekly":
            return 7
        assert self.shift is not None
        if self.shift % _DAY == timedelta(0):
            return self.shift // _DAY
        return None


@dataclass(frozen=True, slots=True)
class Override:
    """Someone takes over the whole schedule during [start, end); stored as UTC instants.

    `id` orders overlapping overrides (higher id = created later = wins). An empty
    override (end == start) is allowed and covers nothing.
    """

    person: str
    start: datetime
    end: datetime
    id: int | None = None

    def __post_init__(self) -> None:
        start = as_utc(self.start, "override start")
        end = as_utc(self.end, "override end")
        if end < start:
            raise ValueError("override ends before it starts")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Layers (later wins) plus overrides (win over all layers), in one IANA time zone."""

    id: str
    timezone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "overrides", tuple(self.overrides))

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's zone; ZoneInfo caches instances, so this is cheap."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Shift:
    """A stretch of final (or raw layer) on-call time, aware UTC, [start, end).

    `source` is the layer name, "override", or "gap" (then `person` is None).
    """

    start: datetime
    end: datetime
    person: str | None
    source: str

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def covers(self, at: datetime) -> bool:
        """True when `at` falls inside [start, end)."""
        return self.start <= at < self.end
