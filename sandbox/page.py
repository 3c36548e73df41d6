"""The sandbox page: static files at ``/sandbox`` and a JSON + server-sent-events API over the emulator.

Everything a person does on the page goes through the emulator's ``Person`` (signed requests to the
bot's ``/slack/events``, exactly as Slack sends them); the Simulate panel calls the bot's real HTTP
endpoints, as Alertmanager and a CI pipeline would. The page reads the emulator's state, filtered to
what the chosen person may see (their DM with the app, channels, their own ephemeral messages).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.config import Config
from sandbox.emulator import Channel, Message, Person, SlackEmulator, View

log = logging.getLogger("opsbridge.sandbox.page")
WEB_DIR = Path(__file__).parent / "web"
CSP = "default-src 'self'; img-src * data:; style-src 'self'; script-src 'self'; connect-src 'self'"
MAX_MESSAGES = 400  # per channel, newest kept


@dataclass
class PageConfig:
    emulator: SlackEmulator
    config: Config
    bot_url: str  # where the bot's HTTP endpoints answer (this same server)
    api_token: str
    db: Any = None  # the bot's Database, to show who is on call in the person picker
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    deploy_runs: dict[tuple[str, str], str] = field(default_factory=dict)
    alert_starts: dict[str, str] = field(default_factory=dict)
    session: aiohttp.ClientSession | None = None
    run_numbers: itertools.count = field(default_factory=lambda: itertools.count(101))


PAGE: web.AppKey[PageConfig] = web.AppKey("sandbox.page", PageConfig)


ACTIONS: dict = {}  # POST /sandbox/api/{name}: fn(page, body) -> dict


class BadRequest(Exception):
    pass


def action(name: str):
    def register(fn):
        ACTIONS[name] = fn
        return fn

    return register


def add_page_routes(app: web.Application, page: PageConfig) -> None:
    from sandbox import simulate

    ACTIONS.setdefault("simulate/alert", simulate.simulate_alert)
    ACTIONS.setdefault("simulate/deploy", simulate.simulate_deploy)
    from bot.app import CONTEXT

    if page.db is None and CONTEXT in app:
        page.db = app[CONTEXT].db
    app[PAGE] = page
    r = app.router
    r.add_get("/", to_page)
    r.add_get("/sandbox", index)
    r.add_get("/sandbox/", index)
    r.add_static("/sandbox/static", WEB_DIR)
    r.add_get("/sandbox/api/state", state)
    r.add_get("/sandbox/api/events", events)
    for name, fn in ACTIONS.items():
        r.add_post(f"/sandbox/api/{name}", _action(fn))

    async def on_shutdown(_app: web.Application) -> None:
        page.stopping.set()  # lets open event streams end, so Ctrl-C does not wait for browsers

    async def on_cleanup(_app: web.Application) -> None:
        if page.session is not None:
            await page.session.close()

    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)


async def to_page(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/sandbox")


async def index(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(WEB_DIR / "index.html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- reading the workspace as one person ------------------------------------------------------


def visible(channel: Channel, user_id: str) -> bool:
    if channel.is_im:
        return channel.user == user_id
    if channel.is_private or channel.is_mpim:
        return user_id in channel.members
    return True


def channel_json(channel: Channel, user_id: str) -> dict:
    kind = (
        "im"
        if channel.is_im
        else "mpim"
        if channel.is_mpim
        else "private"
        if channel.is_private
        else "channel"
    )
    return {
        "id": channel.id,
        "name": channel.name,
        "kind": kind,
        "member": user_id in channel.members,
        "archived": channel.archived,
        "topic": channel.topic,
        "created": channel.created,
    }


def message_json(msg: Message) -> dict:
    data = msg.to_slack()
    data["channel"] = msg.channel
    data["ephemeral"] = msg.ephemeral_for is not None
    return data


def view_json(view: View | None, bot_id: str) -> dict | None:
    if view is None:
        return None
    return {**view.to_slack(bot_id), "type": view.type}


async def people_json(page: PageConfig) -> list[dict]:
    """The configuration's people, for the picker: role, admin, shadowing, on call now."""
    on_call: dict[str, list[str]] = {}
    if page.db is not None:
        try:
            from bot.schedules.stored import on_call_now

            now = datetime.now(UTC)
            async with page.db.sessions() as session:
                for schedule in page.config.schedules:
                    found = await on_call_now(session, schedule.id, now)
                    if found and found.person:
                        on_call.setdefault(found.person, []).append(schedule.id)
        except Exception:  # the picker still works without it
            log.debug("cannot tell who is on call", exc_info=True)
    shadows = {s.person for sch in page.config.schedules for s in sch.shadows}
    ws = page.emulator.workspace
    out = []
    for person in page.config.people:
        user = ws.user(person.slack or "") or next(
            (u for u in ws.users.values() if u.name == person.id), None
        )
        if user is None:
            continue
        out.append({
            "user": user.id, "person": person.id, "name": user.real_name or person.id, "role": person.role,
            "admin": person.id in page.config.admins, "shadow": person.id in shadows,
            "on_call": on_call.get(person.id, []),
        })  # fmt: skip
    return out


async def state(request: web.Request) -> web.Response:
    page = request.app[PAGE]
    ws = page.emulator.workspace
    me = request.query.get("as", "")
    channels = [c for c in ws.channels.values() if visible(c, me)]
    messages: dict[str, list[dict]] = {}
    for channel in channels:
        mine = [m for m in ws.ephemerals if m.channel == channel.id and m.ephemeral_for == me]
        shown = sorted([*ws.messages.get(channel.id, []), *mine], key=lambda m: float(m.ts))[-MAX_MESSAGES:]
        messages[channel.id] = [message_json(m) for m in shown]
    users = [
        {"id": u.id, "name": u.name, "real_name": u.real_name or u.name, "tz": u.tz, "is_bot": u.is_bot}
        for u in ws.users.values()
        if not u.deleted
    ]
    stack = ws.open_views(me) if me else []
    body = {
        "version": ws.version,
        "me": me,
        "team": ws.team_name,
        "bot": {"id": ws.bot_user_id, "name": ws.bot_name},
        "users": users,
        "people": await people_json(page),
        "channels": [channel_json(c, me) for c in channels],
        "messages": messages,
        "modal": view_json(stack[-1] if stack else None, ws.bot_id),
        "home": view_json(ws.home_view(me) if me else None, ws.bot_id),
        "services": [
            {"id": s.id, "name": s.name or s.id, "alerts": bool(s.integration_keys)}
            for s in page.config.services
        ],
        "schedules": [s.id for s in page.config.schedules],
        "teams": [t.id for t in page.config.teams],
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: one ``data: {"version": N}`` per burst of workspace changes."""
    page = request.app[PAGE]
    ws = page.emulator.workspace
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    version = ws.version
    stop = asyncio.ensure_future(page.stopping.wait())
    try:
        await response.write(f"data: {json.dumps({'version': version})}\n\n".encode())
        while not page.stopping.is_set():
            change = asyncio.ensure_future(ws.changed(version, timeout=15))
            done, _ = await asyncio.wait({change, stop}, return_when=asyncio.FIRST_COMPLETED)
            if change not in done:
                change.cancel()
                break
            if change.result() == version:
                await response.write(b": keep-alive\n\n")
                continue
            await asyncio.sleep(0.03)  # one event for a burst of changes
            version = ws.version
            await response.write(f"data: {json.dumps({'version': version})}\n\n".encode())
    except (ConnectionError, RuntimeError):
        pass  # the browser went away
    finally:
        stop.cancel()
    return response


# ---- acting as a person ------------------------------------------------------------------------


def _action(fn):
    async def handler(request: web.Request) -> web.Response:
        page = request.app[PAGE]
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            result = await fn(page, body)
        except (BadRequest, ValueError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        except AssertionError as exc:  # the emulator refusing what Slack would refuse
            return web.json_response({"ok": False, "error": str(exc)}, status=409)
        return web.json_response({"ok": True, **(result or {})})

    return handler


def _person(page: PageConfig, body: dict) -> Person:
    user_id = str(body.get("as") or "")
    user = page.emulator.workspace.user(user_id)
    if user is None or user.is_bot:
        raise BadRequest(f"pick a person first (no person {user_id!r})")
    return page.emulator.user(user_id)


def _channel_ref(body: dict) -> str | None:
    channel = body.get("channel")
    return None if channel in (None, "", "dm") else str(channel)


def _target(page: PageConfig, body: dict, person: Person) -> Message | View:
    ws = page.emulator.workspace
    if body.get("view_id"):
        view = ws.views.get(str(body["view_id"]))
        if view is None or view.closed or view.user != person.id:
            raise AssertionError("that view is no longer open")
        return view
    ts, channel = str(body.get("ts") or ""), str(body.get("channel") or "")
    msg = ws.ephemeral(ts) if body.get("ephemeral") else ws.message(channel, ts)
    if msg is None:
        raise AssertionError("that message no longer exists")
    return msg


def _bot_answer(response) -> dict:
    """What the bot answered to a person's request; a failure is shown on the page."""
    out: dict[str, Any] = {"status": response.status}
    if not response.ok:
        out["error"] = f"the bot answered {response.status}: {response.text[:300]}"
    return out


@action("command")
async def do_command(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    command = str(body.get("command") or "").strip()
    if not command.startswith("/") or " " in command:
        raise BadRequest("a command looks like /oncall")
    return _bot_answer(await person.command(command, str(body.get("text") or ""), channel=_channel_ref(body)))


@action("say")
async def do_say(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    text = str(body.get("text") or "")
    if not text.strip():
        raise BadRequest("nothing to say")
    msg = await person.say(_channel_ref(body), text, thread_ts=body.get("thread_ts") or None)
    return {"ts": msg.ts, "channel": msg.channel}


@action("click")
async def do_click(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    return _bot_answer(await person.click(_target(page, body, person), str(body.get("label") or "")))


@action("select")
async def do_select(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    response = await person.select(
        _target(page, body, person), str(body.get("action_id") or ""), body.get("value")
    )
    return {} if response is None else _bot_answer(response)


@action("submit")
async def do_submit(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    view = _target(page, {"view_id": body.get("view_id")}, person)
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise BadRequest("values must be an object {block_id: {action_id: value}}")
    return {"errors": await person.submit(view, values)}


@action("close")
async def do_close(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    await person.close(_target(page, {"view_id": body.get("view_id")}, person))
    return {}


@action("react")
async def do_react(page: PageConfig, body: dict) -> dict:
    person = _person(page, body)
    msg = _target(page, {**body, "ephemeral": False}, person)
    name = str(body.get("name") or "pushpin").strip(":")
    if person.id in msg.reactions.get(name, []):
        return _bot_answer(await person.unreact(msg, name))
    return _bot_answer(await person.react(msg, name))


@action("home")
async def do_home(page: PageConfig, body: dict) -> dict:
    return _bot_answer(await _person(page, body).open_home())
