"""The escalation policy as plain values, and the one rule that moves an incident along it.

An incident's position is `(level, loop)`: `level` is the 1-based number of the level paged last
(0: nobody paged yet), `loop` how many times the policy has started over. `advance` says what to
page next and when the step after it is due; `None` means the policy is exhausted (every level
paged `repeat + 1` times), which is when the bot says so with `@here` and stops.

The next due time counts from the moment a level is *actually* paged, not from when it was due:
after an outage the overdue level is paged once at restart and gets its whole timeout to answer,
rather than the bot firing every overdue level at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Level:
    targets: tuple[str, ...]  # "schedule:X", "team:X", "person:X", "service:X"
    timeout: timedelta


@dataclass(frozen=True)
class Policy:
    id: str
    levels: tuple[Level, ...]
    repeat: int = 0  # how many more times all levels run after the first pass


@dataclass(frozen=True)
class Step:
    """Page `level` (1-based) in `loop` now; unless acknowledged, the step after is due at `next_at`."""

    level: int
    loop: int
    next_at: datetime

    @property
    def first(self) -> bool:
        return self.level == 1 and self.loop == 0


def advance(policy: Policy, level: int, loop: int, now: datetime) -> Step | None:
    """The step after position `(level, loop)`, paged at `now`; None when the policy is exhausted."""
    if not policy.levels:
        return None
    count = len(policy.levels)
    if level < count:
        nxt, nxt_loop = level + 1, loop
    elif loop < policy.repeat:
        nxt, nxt_loop = 1, loop + 1
    else:
        return None
    return Step(nxt, nxt_loop, now + policy.levels[nxt - 1].timeout)


def first_step(policy: Policy, now: datetime) -> Step | None:
    return advance(policy, 0, 0, now)


def is_due(next_at: datetime | None, now: datetime) -> bool:
    return next_at is not None and next_at <= now


def total_steps(policy: Policy) -> int:
    """How many times levels are paged when nobody answers: every level, `repeat + 1` times."""
    return len(policy.levels) * (policy.repeat + 1)


def pages_people(severity: int) -> bool:
    """Which severities page: sev1..sev3 do; a sev4 incident is recorded and shown, nobody is woken."""
    return severity <= 3
