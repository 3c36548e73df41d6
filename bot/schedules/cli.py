"""`opsbridge oncall [SCHEDULE] [--at TIME] [--json]`: who is on call, straight from the database.

`--json` prints the contract's shape, a list with one object per schedule:
`{"schedule", "at", "on_call": {"person", "slack", "role", "until"} | null, "shadows", "next":
[{"person", "start", "end"}], "calendar_url"}`; times are ISO 8601 in UTC.
Exit codes: 0, 1 unknown schedule or no database, 2 a TIME that cannot be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    oncall = sub.add_parser("oncall", help="who is on call now (or at --at TIME), from the database")
    oncall.add_argument("schedule", nargs="?", help="one schedule (default: all)")
    oncall.add_argument(
        "--at",
        metavar="TIME",
        help="ISO 8601 time (default: now); without an offset, in the configured time zone",
    )
    oncall.add_argument("--json", action="store_true", help="print JSON (a list, one object per schedule)")
    oncall.set_defaults(func=cmd_oncall)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def report_json(report: Any) -> dict[str, Any]:
    """One schedule's report in the contract's JSON shape."""
    current = report.current
    return {
        "schedule": report.schedule_id,
        "at": _iso(report.at),
        "on_call": None
        if current is None
        else {
            "person": current.person.id,
            "slack": current.person.slack,
            "role": current.person.role,
            "until": _iso(current.end),
        },
        "shadows": [p.id for p in report.shadows],
        "next": [{"person": s.person.id, "start": _iso(s.start), "end": _iso(s.end)} for s in report.next],
        "calendar_url": report.calendar_url,
    }


def report_text(report: Any) -> str:
    from bot.timeparse import format_local

    tz = report.timezone
    lines = [f"{report.schedule_id} ({tz})"]
    if report.current is None:
        lines.append("  now:      nobody is on call")
    else:
        p = report.current.person
        lines.append(f"  now:      {p.name} ({p.role}) until {format_local(report.current.end, tz)}")
    if report.shadows:
        lines.append("  shadows:  " + ", ".join(p.name for p in report.shadows))
    for i, s in enumerate(report.next):
        label = "  next:     " if i == 0 else "            "
        lines.append(
            f"{label}{format_local(s.start, tz)} → {format_local(s.end, tz)}  {s.person.name} "
            f"({s.person.role})"
        )
    lines.append(f"  calendar: {report.calendar_url}")
    return "\n".join(lines)


def parse_at(text: str | None, now: datetime, tz: str) -> datetime:
    """`now`, or ISO 8601: with an offset as written, without one in `tz` (a DST gap is refused)."""
    from bot.timeparse import TimeParseError, local_to_utc

    if not text or text.strip().lower() == "now":
        return now
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TimeParseError(
            f"'{text}' is not an ISO 8601 time (e.g. 2026-12-24T09:00 or 2026-12-24T08:00Z)"
        ) from None
    if parsed.tzinfo is None:
        return local_to_utc(parsed, tz)
    return parsed.astimezone(UTC)


async def _reports(settings: Settings, schedule: str | None, at_text: str | None) -> list[Any]:
    from bot.clock import SystemClock
    from bot.schedules import service
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        async with db.sessions() as session:
            at = parse_at(at_text, SystemClock().now(), await service.default_timezone(session))
            if schedule is not None:
                return [await service.report(session, schedule, at, public_url=settings.public_url)]
            return await service.overview(session, at, public_url=settings.public_url, next_count=5)
    finally:
        await db.dispose()


def cmd_oncall(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from bot.errors import NotFound
    from bot.timeparse import TimeParseError

    settings = Settings()
    try:
        reports = asyncio.run(_reports(settings, args.schedule, args.at))
    except NotFound as exc:
        print(f"opsbridge: {str(exc).replace('`', '')}", file=sys.stderr)
        return 1
    except TimeParseError as exc:
        print(f"opsbridge: --at: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        print(
            f"opsbridge: cannot read the database at {settings.database_url} ({exc.orig}); "
            "run `opsbridge apply` first",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps([report_json(r) for r in reports], indent=2))
    elif not reports:
        print("No schedules: apply a configuration file first (opsbridge apply).")
    else:
        print("\n\n".join(report_text(r) for r in reports))
    return 0
