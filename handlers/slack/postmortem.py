"""`/postmortem` subcommands, the prompt's picker, date and *Not needed* button, and the reminders' wake-up.

Inside an incident's channel the incident is implied; elsewhere the incident is `#ID`.
"""

from __future__ import annotations

import logging
from datetime import date

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import postmortems as blocks
from bot.blocks.text import escape, link, mention, truncate
from bot.context import Context
from bot.errors import UsageError
from bot.postmortems import actions, parse, reminders, service
from bot.postmortems.business import business_days_between, local_date
from bot.postmortems.gather import document_url
from bot.postmortems.markdown import date_label
from handlers.slack.commands import CommandRequest, CommandRouter, Reply
from storage import postmortems as store
from storage.models import Incident

log = logging.getLogger("opsbridge.postmortems")


# --- parsing helpers -----------------------------------------------------------------------------


async def _incident_id(
    session: AsyncSession, request: CommandRequest, words: list[str]
) -> tuple[int, list[str]]:
    """`#ID` from the front of `words`, or the incident whose channel this is."""
    if words and (ident := parse.incident_id(words[0])) is not None:
        return ident, words[1:]
    incident = await store.incident_by_channel(session, request.channel_id) if request.channel_id else None
    if incident is None:
        raise UsageError("Which incident? Add `#ID` (inside an incident's channel it is implied).")
    return incident.id, words


def _user(word: str | None, what: str) -> str:
    user = parse.user_id(word or "")
    if user is None:
        raise UsageError(f"{what}: mention a person, like `@alice`.")
    return user


async def check_person(ctx: Context, user_id: str) -> None:
    """Refuse bots and deactivated accounts by asking Slack (team membership is checked by the service)."""
    try:
        info = (await ctx.slack.call("users.info", user=user_id)).get("user") or {}
    except SlackApiError as exc:
        if exc.response.get("error") == "user_not_found":
            raise service.Refused(f"There is no Slack user {escape(user_id)}.") from None
        log.warning("users.info %s failed: %s; relying on the people list", user_id, exc)
        return
    if info.get("is_bot") or user_id == "USLACKBOT":
        raise service.Refused(
            f"{mention(user_id)} is a bot: a post-mortem and its action items need a person."
        )
    if info.get("deleted"):
        raise service.Refused(f"{mention(user_id)} has been deactivated: pick someone still on the team.")


async def _today(session: AsyncSession, ctx: Context, user: str) -> date:
    person = await store.person_by_slack(session, user)
    return local_date(
        ctx.clock.now(), person.timezone if person else await service.workspace_timezone(session)
    )


# --- subcommands ---------------------------------------------------------------------------------


async def cmd_start(ctx: Context, request: CommandRequest) -> Reply | str:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        ident, _ = await _incident_id(session, request, request.args[1:])
        incident = await service.get_incident(session, ident)
        existing = await store.get(session, ident)
        if existing is not None:
            return f"Incident #{ident} already has a post-mortem ({existing.state.replace('_', ' ')}): `/postmortem show #{ident}`."
        await service.member(session, request.user_id)
        pm = await service.ask(session, incident, now, requested_by=request.user_id)
    ctx.committed()
    where = (
        f" in <#{pm.channel_id}>" if pm.channel_id else " (no channel to post in: use `/postmortem assign`)"
    )
    return f"Asked for a post-mortem of #{ident}{where}, due {date_label(pm.due_date)}."


async def cmd_assign(ctx: Context, request: CommandRequest) -> str:
    words, due_text = parse.split_due(request.args[1:])
    async with ctx.db.sessions() as session:
        ident, words = await _incident_id(session, request, words)
    owner = _user(words[0] if words else None, "Who should own it")
    await check_person(ctx, owner)
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        due = parse.due_date(due_text, await _today(session, ctx, owner)) if due_text else None
        pm = await service.assign(
            session, ident, owner, by=request.user_id, now=now, public_url=ctx.settings.public_url, due=due
        )
    ctx.committed()
    return f"{mention(owner)} owns the post-mortem of #{ident}, due {date_label(pm.due_date)}."


async def cmd_done(ctx: Context, request: CommandRequest) -> str:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        ident, words = await _incident_id(session, request, request.args[1:])
        document = None
        if words:
            document = parse.link(words[0])
            if document is None:
                raise UsageError(f"`{escape(words[0])}` is not a link to the document (http:// or https://).")
        pm = await service.complete(
            session, ident, by=request.user_id, now=now, public_url=ctx.settings.public_url, document=document
        )
    ctx.committed()
    return f"The post-mortem of #{ident} is done: {link(pm.link, 'the document')}. Thank you!"


async def cmd_action(ctx: Context, request: CommandRequest) -> str:
    words = request.args[1:]
    now = ctx.clock.now()
    if words and words[0].lower() == "done":
        if len(words) != 2 or not words[1].lstrip("#").isdigit():
            raise UsageError(
                "Which action item? `/postmortem action done N` (`/postmortem list` shows the numbers)."
            )
        async with ctx.db.transaction() as session:
            item = await actions.done(session, int(words[1].lstrip("#")), by=request.user_id, now=now)
        return f"Action item {item.id} is done: {escape(truncate(item.text, 300))}"
    words, due_text = parse.split_due(words)
    async with ctx.db.sessions() as session:
        ident, words = await _incident_id(session, request, words)
    owner = _user(words[0] if words else None, "Who owns the action item")
    text = " ".join(words[1:])
    await check_person(ctx, owner)
    async with ctx.db.transaction() as session:
        due = parse.due_date(due_text, await _today(session, ctx, owner)) if due_text else None
        item = await actions.add(session, ident, owner, text, by=request.user_id, now=now, due=due)
    ctx.committed()
    return (
        f"Added action item *{item.id}* to #{ident} for {mention(owner)}, due {date_label(item.due_date)}: "
        f"{escape(truncate(item.text, 300))}"
    )


def _lateness(due: date, today: date) -> str:
    if due >= today:
        return "due today" if due == today else f"due {date_label(due)}"
    late = business_days_between(due, today)
    return f"*overdue by {late} business day{'s' if late != 1 else ''}* (due {date_label(due)})"


async def cmd_list(ctx: Context, request: CommandRequest) -> Reply:
    now = ctx.clock.now()
    async with ctx.db.sessions() as session:
        open_pms = sorted(await store.open_postmortems(session), key=lambda p: (p.due_date, p.incident_id))
        items = [
            i for i in await store.open_action_items(session) if i.due_date < local_date(now, i.timezone)
        ]
        items.sort(key=lambda i: (i.due_date, i.id))
        incidents = await store.incidents(
            session, {p.incident_id for p in open_pms} | {i.incident_id for i in items}
        )
    lines = [f"*Open post-mortems* ({len(open_pms)}), most overdue first:"]
    for pm in open_pms:
        owner = f"owner {mention(pm.owner)}" if pm.owner else "no owner yet"
        title = service.ref(incidents[pm.incident_id]).mrkdwn()
        lines.append(f"• {title}: {owner}, {_lateness(pm.due_date, local_date(now, pm.timezone))}")
    if not open_pms:
        lines.append("• none :tada:")
    lines.append(f"*Overdue action items* ({len(items)}), most overdue first:")
    for item in items:
        lines.append(
            f"• *{item.id}* {escape(truncate(item.text, 200))} (#{item.incident_id}, {mention(item.owner)}): "
            f"{_lateness(item.due_date, local_date(now, item.timezone))}"
        )
    if not items:
        lines.append("• none")
    return Reply(text="\n".join(lines), blocks=blocks.mrkdwn_reply(lines))


async def cmd_show(ctx: Context, request: CommandRequest) -> Reply:
    now = ctx.clock.now()
    async with ctx.db.sessions() as session:
        ident, _ = await _incident_id(session, request, request.args[1:])
        incident = await service.get_incident(session, ident)
        pm = await service.get_postmortem(session, ident)
        items = await store.action_items(session, ident)
    today = local_date(now, pm.timezone)
    lines = [f"*Post-mortem of* {service.ref(incident).mrkdwn()}"]
    if pm.state == "done":
        lines.append(f"Done by {mention(pm.completed_by)}: {link(pm.link, 'the document')}")
    elif pm.state == "not_needed":
        lines.append(f"Not needed ({mention(pm.completed_by)}): {escape(pm.reason or '')}")
    else:
        owner = f"owner {mention(pm.owner)}" if pm.owner else "no owner yet"
        lines.append(f"{owner}, {_lateness(pm.due_date, today)}")
    draft_url = document_url(ctx.settings.public_url, pm)
    lines.append(
        f"Draft: {link(draft_url, f'postmortem-{ident}.md')} (`opsbridge postmortem {ident}` prints it)"
    )
    lines.append(f"*Action items* ({len(items)}):" if items else "No action items yet.")
    for item in items:
        state = ":white_check_mark:" if item.state == "done" else ":white_large_square:"
        lines.append(
            f"{state} *{item.id}* {escape(truncate(item.text, 200))} ({mention(item.owner)}, "
            f"due {date_label(item.due_date)})"
        )
    return Reply(text="\n".join(lines), blocks=blocks.mrkdwn_reply(lines))


def add_subcommands(routers: dict[str, CommandRouter], ctx: Context) -> None:
    router = routers["/postmortem"]
    router.sub("start")(cmd_start)
    router.sub("assign")(cmd_assign)
    router.sub("done")(cmd_done)
    router.sub("action")(cmd_action)
    router.sub("list", "ls")(cmd_list)
    router.sub("show")(cmd_show)
    router.default = cmd_list


# --- the prompt's interactive parts --------------------------------------------------------------


def _picked_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"`{escape(value)}` is not a date.") from None


def register(app: AsyncApp, ctx: Context) -> None:
    ctx.engine.register("postmortem-reminders", reminders.due_work(ctx.db, ctx.settings.public_url))

    async def refuse(respond, error: UsageError) -> None:
        await respond(text=str(error), response_type="ephemeral", replace_original=False)

    @app.action(blocks.ASSIGN)
    async def on_assign(ack, body, respond) -> None:
        await ack()
        action = body["actions"][0]
        ident = blocks.incident_of_block(action.get("block_id", ""))
        owner = action.get("selected_user")
        if ident is None or not owner:
            return
        try:
            await check_person(ctx, owner)
            async with ctx.db.transaction() as session:
                await service.assign(
                    session, ident, owner, by=body["user"]["id"], now=ctx.clock.now(),
                    public_url=ctx.settings.public_url,
                )  # fmt: skip
        except UsageError as error:
            await refuse(respond, error)
            return
        ctx.committed()

    @app.action(blocks.DUE)
    async def on_due(ack, body, respond) -> None:
        await ack()
        action = body["actions"][0]
        ident = blocks.incident_of_block(action.get("block_id", ""))
        picked = action.get("selected_date")
        if ident is None or not picked:
            return
        try:
            due = _picked_date(picked)
            async with ctx.db.transaction() as session:
                await service.set_due(session, ident, due, by=body["user"]["id"], now=ctx.clock.now())
        except UsageError as error:
            await refuse(respond, error)
            return
        ctx.committed()

    @app.action(blocks.NOT_NEEDED)
    async def on_not_needed(ack, body, respond) -> None:
        await ack()
        ident = int(body["actions"][0]["value"])
        user = body["user"]["id"]
        async with ctx.db.sessions() as session:
            incident = await session.get(Incident, ident)
            pm = await store.get(session, ident)
            allowed = (
                incident is not None
                and pm is not None
                and await service.may_manage(session, incident, pm, user)
            )
        if not allowed:
            await refuse(
                respond,
                UsageError("Only the owner, the incident commander or an admin may skip this post-mortem."),
            )
            return
        await ctx.slack.call(
            "views.open", trigger_id=body["trigger_id"], view=blocks.not_needed_modal(service.ref(incident))
        )

    @app.view(blocks.NOT_NEEDED_VIEW)
    async def on_not_needed_submitted(ack, body, view) -> None:
        ident = int(view["private_metadata"])
        reason = ((view["state"]["values"].get("reason") or {}).get("reason") or {}).get("value") or ""
        try:
            async with ctx.db.transaction() as session:
                await service.not_needed(session, ident, reason, by=body["user"]["id"], now=ctx.clock.now())
        except UsageError as error:
            await ack(response_action="errors", errors={"reason": str(error)})
            return
        await ack()
        ctx.committed()
