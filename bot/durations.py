"""Durations as people write them: ``30s``, ``5m``, ``2h``, ``1d``, ``1w`` and compounds like ``1h30m``.

Used by the configuration file (rotation shifts, escalation timeouts) and by Slack commands
(``+4h``, ``/deploy freeze ... for 2h``).
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["DURATION_FORMS", "format_duration", "parse_duration"]

DURATION_FORMS = "30s, 5m, 2h, 1d, 1w or a combination such as 1h30m"

_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}

# Units in descending order, each at most once, optionally separated by spaces: "1h30m", "1h 30m".
_DURATION_RE = re.compile(
    r"""^\s*
    (?:(?P<w>\d+)\s*w\s*)?
    (?:(?P<d>\d+)\s*d\s*)?
    (?:(?P<h>\d+)\s*h\s*)?
    (?:(?P<m>\d+)\s*m\s*)?
    (?:(?P<s>\d+)\s*s\s*)?
    $""",
    re.VERBOSE,
)

# Large enough for anything sensible, small enough to stay far from timedelta's limits.
_MAX_SECONDS = 100 * 365 * 86400


def parse_duration(text: str) -> timedelta:
    """Parse ``30s``, ``5m``, ``2h``, ``1d``, ``1w`` or a compound such as ``1h30m`` / ``1d 12h``.

    Units must appear largest first and at most once. Raises ``ValueError`` naming the accepted forms.
    """
    if not isinstance(text, str):
        raise ValueError(f"a duration must be text like {DURATION_FORMS}, got {text!r}")
    match = _DURATION_RE.match(text.lower())
    if match is None or not any(match.groupdict().values()):
        shown = text.strip() or "(empty)"
        raise ValueError(f"'{shown}' is not a duration; use {DURATION_FORMS}")
    seconds = sum(int(value) * _UNIT_SECONDS[unit] for unit, value in match.groupdict().items() if value)
    if seconds > _MAX_SECONDS:
        raise ValueError(f"'{text.strip()}' is too long a duration")
    return timedelta(seconds=seconds)


def format_duration(td: timedelta) -> str:
    """The shortest human form: ``45s``, ``5m``, ``1h 30m``, ``2d``, ``1d 6h``, ``2w``.

    Weeks are used only for whole weeks; sub-second parts are dropped; zero is ``0s``.
    """
    total = int(td.total_seconds())
    if total == 0:
        return "0s"
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total % _UNIT_SECONDS["w"] == 0:
        return f"{sign}{total // _UNIT_SECONDS['w']}w"
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        value, total = divmod(total, size)
        if value:
            parts.append(f"{value}{unit}")
    return sign + " ".join(parts)
