"""On-call schedules.

Pure (plain values in and out): `model`, `rotation`, `engine` (exported here), `shiftlist`
(shifts as people see them), `commands` (`/oncall` arguments), `ical`.
Services (a session and `now` in, plain results out): `stored` (records -> engine values),
`service` (who is on call: reports, `on_call_for_team`, `on_call_for_schedule`), `overrides`
(overrides and cover requests), `usergroups`, `handoffs` (due work), `cli`.
"""

from bot.schedules.engine import (
    HORIZON,
    next_handoff,
    on_call_at,
    overrides_by_priority,
    shifts_between,
    upcoming_shifts,
)
from bot.schedules.model import (
    GAP_SOURCE,
    OVERRIDE_SOURCE,
    Layer,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Shift,
)
from bot.schedules.rotation import (
    RotationClock,
    allowed_intervals,
    layer_coverage,
    layer_shifts,
    local_to_utc,
    rotation_clock,
    to_local,
)

__all__ = [
    "GAP_SOURCE",
    "HORIZON",
    "OVERRIDE_SOURCE",
    "Layer",
    "Override",
    "Restriction",
    "Rotation",
    "RotationClock",
    "Schedule",
    "Shift",
    "allowed_intervals",
    "layer_coverage",
    "layer_shifts",
    "local_to_utc",
    "next_handoff",
    "on_call_at",
    "overrides_by_priority",
    "rotation_clock",
    "shifts_between",
    "to_local",
    "upcoming_shifts",
]
