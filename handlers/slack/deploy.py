"""`/deploy log|freeze|unfreeze|status`: parse, authorize, call `bot.deploys`, render.

Freezing and unfreezing a service is for admins and members of the service's team; freezing
`all` is for admins. Times are read in the caller's time zone (their person's, else the
workspace's). Announcements go to the deploy channel concerned; the caller gets an ephemeral answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

import bot.deploys.incident_links  # noqa: F401  (registers: deploys follow incidents)
from bot.blocks import deploys as render
from bot.blocks.text import escape, section
from bot.context import Context
from bot.deploys import freezes
from bot.deploys.service import deploy_log
from bot.durations import parse_duration
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.timeparse import TimeParseError, format_local, parse_user_time, split_time_args
from handlers.slack.commands import CommandRequest, CommandRouter, Reply
from storage import deploys as store
from storage.models import Service

ALL = "all"


async def _service(session: AsyncSession, name: str) -> Service:
    service = await store.service(session, name)
    if service is None:
        known = ", ".join(f"`{s}`" for s in await store.service_ids(session)) or "none configured"
        raise NotFound(f"Unknown service `{escape(name)}`. Services: {known}.")
    return service


async def _caller_zone(session: AsyncSession, user_id: str) -> str:
    person = await store.person_by_slack(session, user_id)
    if person is not None and person.timezone:
        return person.timezone
    return await store.setting(session, "timezone") or "UTC"


async def _authorize(session: AsyncSession, user_id: str, service: Service | None, verb: str) -> None:
    """Admins may freeze anything; a service's team may freeze that service."""
    person = await store.person_by_slack(session, user_id)
    if person is not None and person.is_admin:
        return
    if service is None:
        raise PermissionDenied(f"Only admins may {verb} deploys of all services.")
    if (
        person is not None
        and service.team_id
        and await store.is_team_member(session, service.team_id, person.id)
    ):
        return
    team = f" (team `{escape(service.team_id)}`)" if service.team_id else ""
    raise PermissionDenied(
        f"Only admins and members of the team that owns `{escape(service.id)}`{team} may {verb} it."
    )


def _parse_freeze(args: list[str], now: datetime, zone: str) -> tuple[str, datetime | None, str]:
    """`SERVICE|all [for DURATION|until TIME] REASON` -> (target, until, reason)."""
    if not args:
        raise UsageError("Say what to freeze: a service or `all`, then a reason.")
    target, rest = args[0], list(args[1:])
    until: datetime | None = None
    if rest and rest[0].lower() == "for":
        if len(rest) < 2:
            raise UsageError("`for` needs a duration, e.g. `for 2h`.")
        try:
            until = now + parse_duration(rest[1])
        except ValueError as exc:
            raise UsageError(f"Bad duration: {escape(exc)}.") from None
        rest = rest[2:]
    elif rest and rest[0].lower() == "until":
        try:
            expression, rest = split_time_args(rest[1:])
            until = parse_user_time(expression, now=now, tz=zone)
        except TimeParseError as exc:
            raise UsageError(f"Bad time: {escape(exc)}.") from None
    if until is not None and until <= now:
        raise UsageError("The freeze would already be over: give a time in the future.")
    reason = " ".join(rest).strip()
    if not reason:
        raise UsageError("A reason is required, so people who hit the freeze know why.")
    return target, until, reason


def add_subcommands(routers: dict[str, CommandRouter], ctx: Context) -> None:
    router = routers["/deploy"]

    @router.sub("freeze")
    async def freeze(ctx: Context, request: CommandRequest) -> Reply:
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            zone = await _caller_zone(session, request.user_id)
            target, until, reason = _parse_freeze(request.args[1:], now, zone)
            service = None if target.lower() == ALL else await _service(session, target)
            await _authorize(session, request.user_id, service, "freeze")
            row = await freezes.freeze(
                session,
                service_id=service.id if service else None,
                reason=reason,
                by=request.user_id,
                until=until,
                now=now,
            )
        ctx.committed()
        when = f"until {format_local(until, zone)}" if until else "until someone runs `/deploy unfreeze`"
        return Reply(text=f":snowflake: Froze {render.freeze_scope(row)} {when}: {escape(reason)}")

    @router.sub("unfreeze")
    async def unfreeze(ctx: Context, request: CommandRequest) -> Reply:
        if len(request.args) != 2:
            raise UsageError("Say what to unfreeze: a service or `all`.")
        target = request.args[1]
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            service = None if target.lower() == ALL else await _service(session, target)
            await _authorize(session, request.user_id, service, "unfreeze")
            ended = await freezes.unfreeze(
                session, service_id=service.id if service else None, by=request.user_id, now=now
            )
            still = await freezes.matching_freeze(session, service.id, None, now) if service else None
        ctx.committed()
        scope = f"`{service.id}`" if service else "all services"
        if not ended:
            text = f"{scope} had no freeze of its own to lift."
        else:
            text = f":sunny: Unfroze {scope} (lifted {len(ended)} freeze{'s' if len(ended) > 1 else ''})."
        if still is not None:
            text += f"\nStill frozen: {render.freeze_line(still)}"
        return Reply(text=text)

    @router.sub("status")
    async def status(ctx: Context, request: CommandRequest) -> Reply:
        if len(request.args) > 2:
            raise UsageError("`/deploy status` takes at most one service.")
        now = ctx.clock.now()
        async with ctx.db.sessions() as session:
            if len(request.args) == 2:
                ids = [(await _service(session, request.args[1])).id]
            else:
                ids = await store.service_ids(session)
            parts = []
            for service_id in ids:
                active = await store.active_freezes(session, now, service_id)
                parts.append(
                    render.status_section(
                        service_id, active, await store.latest_per_environment(session, service_id)
                    )
                )
        text = "\n\n".join(parts) or "No services are configured."
        return Reply(text=text, blocks=[section(chunk) for chunk in _chunks(text)])

    @router.sub("log")
    async def log_(ctx: Context, request: CommandRequest) -> Reply:
        if len(request.args) > 2:
            raise UsageError("`/deploy log` takes at most one service.")
        async with ctx.db.sessions() as session:
            service_id = (await _service(session, request.args[1])).id if len(request.args) == 2 else None
            deploys = await deploy_log(session, service_id, 10)
        text, blocks = render.deploy_log(deploys, service_id)
        return Reply(text=text, blocks=blocks)


def _chunks(text: str, limit: int = 2900) -> list[str]:
    """Section blocks hold 3000 characters: split on blank lines between services."""
    chunks: list[str] = []
    for part in text.split("\n\n"):
        if chunks and len(chunks[-1]) + len(part) + 2 <= limit:
            chunks[-1] += "\n\n" + part
        else:
            chunks.append(part[:limit])
    return chunks
