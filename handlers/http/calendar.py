"""`GET /calendar/{schedule}.ics?token=T`: a schedule's next 90 days for calendar apps.

The token is the schedule's own secret (shown by `/oncall SCHEDULE` and `opsbridge oncall --json`):
calendar apps cannot send headers. A wrong token and an unknown schedule get the same 404, so
the URL space reveals nothing.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.context import Context
from bot.schedules.ical import calendar_bytes
from bot.schedules.service import OVERRIDE_MEMORY
from bot.schedules.stored import to_engine
from storage import schedules as store

ROUTE = "/calendar/{schedule}.ics"


def view(ctx: Context):
    async def calendar(request: web.Request) -> web.Response:
        schedule_id = request.match_info["schedule"]
        token = request.query.get("token", "")
        now = ctx.clock.now()
        async with ctx.db.sessions() as session:
            record = await store.load(session, schedule_id, overrides_after=now - OVERRIDE_MEMORY)
            if (
                record is None
                or not token
                or not hmac.compare_digest(token.encode(), record.schedule.calendar_token.encode())
            ):
                raise web.HTTPNotFound(text="no such calendar\n")
            people = await store.people_by_id(session)

        def describe(person_id: str) -> tuple[str, str]:
            person = people.get(person_id)
            return (person.name or person.id, person.role) if person else (person_id, "?")

        body = calendar_bytes(to_engine(record), now, describe)
        return web.Response(
            body=body,
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Disposition": f'inline; filename="{schedule_id}.ics"',
                "Cache-Control": "private, max-age=300",
            },
        )

    return calendar
