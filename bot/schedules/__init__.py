"""On-call schedules: plain values (`model`), one layer's rotation (`rotation`) and the
final who-is-on-call computation (`engine`). Everything here is pure."""

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
