"""`opsbridge sandbox`: the real bot against the built-in Slack emulator, with a page to use it.

No Slack workspace, no tokens: SQLite under ``.opsbridge/``, the demo configuration (``demo.yaml``,
copied to ``.opsbridge/opsbridge.yaml``) unless you have an ``opsbridge.yaml`` of your own, and the
emulator seeded with the configuration's people, channels and user groups. The emulator holds its
state in memory, so the sandbox database starts fresh on every run (it would otherwise point at
channels and messages that no longer exist).

``start_sandbox`` does everything in the running event loop and returns a handle (tests use it on
free ports); ``run_sandbox`` is the blocking command.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import shutil
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.app import CONTEXT, Tuning, create_app
from bot.config import Config, ConfigError, load_config
from bot.config.apply import apply_config
from bot.settings import Settings
from sandbox.emulator import SlackEmulator, Workspace
from storage.migrate import upgrade_async

log = logging.getLogger("opsbridge.sandbox")

DEMO_CONFIG = Path(__file__).parent / "demo.yaml"
DATA_DIR = Path(".opsbridge")
BOT_TOKEN = "xoxb-sandbox"
API_TOKEN = "sandbox-token"
GITHUB_SECRET = "sandbox-secret"
EXTRA_CHANNELS = {"C0GENERAL": "general"}  # somewhere to talk that no configuration owns


@dataclass
class Sandbox:
    """A running sandbox: the bot's app serving the page, and the emulator it talks to."""

    url: str  # http://HOST:PORT, where the bot and the page answer
    app: web.Application
    runner: web.AppRunner
    emulator: SlackEmulator
    config: Config
    config_path: Path
    settings: Settings

    @property
    def page_url(self) -> str:
        return f"{self.url}/sandbox"

    async def stop(self) -> None:
        ctx = self.app[CONTEXT]
        ctx.engine.shutdown()  # no new passes (the app's cleanup calls it again, harmlessly)
        await _settle(ctx)
        await self.runner.cleanup()
        await self.emulator.stop()


async def _settle(ctx, timeout: float = 3.0) -> None:
    """Wait (a little) for work in flight: an engine pass or outbox delivery cancelled in the middle
    of a query leaves aiosqlite closing a connection that the closing event loop never finishes."""
    from storage.outbox import heads_of_lanes

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    lock = getattr(ctx.engine, "_lock", None)
    while loop.time() < deadline:
        if lock is None or not lock.locked():
            try:
                async with ctx.db.sessions() as session:
                    if not await heads_of_lanes(session, ctx.clock.now()):
                        break
            except Exception:
                break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.1)  # a delivery already claimed finishes its round trip to the emulator


def choose_config(user_config: str | Path, data_dir: Path) -> Path:
    """The person's own configuration if it exists, else the demo, copied under ``data_dir``."""
    own = Path(user_config)
    if own.is_file():
        return own
    demo = data_dir / "opsbridge.yaml"
    if not demo.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO_CONFIG, demo)
    return demo


def channel_names(config: Config) -> dict[str, str]:
    """A readable name for every channel id the configuration mentions."""
    names: dict[str, str] = {}

    def name(channel_id: str | None, wanted: str) -> None:
        if channel_id and channel_id not in names:
            names[channel_id] = re.sub(r"[^a-z0-9_-]+", "-", wanted.lower()).strip("-")[:80] or "channel"

    name(config.channels.incidents, "incidents")
    name(config.channels.deploys, "deploys")
    for team in config.teams:
        name(team.channel, team.id)
    for schedule in config.schedules:
        name(schedule.channel, schedule.id)
    for service in config.services:
        name(service.channels.deploys, f"{service.id}-deploys")
        name(service.channels.incidents, f"{service.id}-incidents")
    for channel_id, wanted in EXTRA_CHANNELS.items():
        if wanted not in names.values():
            name(channel_id, wanted)
    return names


def slack_id_for(person_id: str) -> str:
    """A Slack-looking user id for a person the configuration names only by email."""
    return "U0" + (re.sub(r"[^A-Z0-9]", "", person_id.upper()) or "PERSON")


def seed_workspace(ws: Workspace, config: Config) -> None:
    """Users for the configuration's people, its channels (everyone a member) and user groups."""
    everyone: list[str] = []
    for person in config.people:
        user_id = person.slack or slack_id_for(person.id)
        email = person.email or f"{person.id}@example.com"
        real_name = person.name or person.id.capitalize()
        ws.add_user(
            user_id,
            person.id,
            email=email,
            tz=person.timezone or config.timezone,
            real_name=real_name,
            is_admin=person.id in config.admins,
        )
        everyone.append(user_id)
    for channel_id, name in channel_names(config).items():
        ws.add_channel(channel_id, name, members=everyone, is_private=channel_id.startswith("G"))
    for team in config.teams:
        if team.slack_usergroup:
            ws.add_usergroup(
                team.slack_usergroup, f"{team.id}-oncall", name=f"{team.name or team.id} on call"
            )


class CannotListen(Exception):
    pass


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CannotListen(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _fresh_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def start_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    data_dir: str | Path = DATA_DIR,
    config_path: str | Path | None = None,
    tuning: Tuning | None = None,
) -> Sandbox:
    """Start the emulator and the bot with the page; ``port=0`` picks a free port."""
    from sandbox.page import PageConfig, add_page_routes

    data_dir = Path(data_dir)
    config_path = Path(config_path) if config_path else choose_config("opsbridge.yaml", data_dir)
    config = load_config(config_path)  # ConfigError: the caller reports it

    sock = _bind(host, port)  # first, so PUBLIC_URL names the real port and a busy port fails early
    bound = sock.getsockname()[1]
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{bound}"

    database = data_dir / "sandbox.db"
    data_dir.mkdir(parents=True, exist_ok=True)
    _fresh_sqlite(database)
    database_url = f"sqlite+aiosqlite:///{database.resolve()}"
    await upgrade_async(database_url)

    emulator = SlackEmulator(signing_secret=secrets.token_hex(16), bot_token=BOT_TOKEN)
    seed_workspace(emulator.workspace, config)
    await emulator.start("127.0.0.1", 0)
    try:
        settings = Settings(
            _env_file=None,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=emulator.signing_secret,
            SLACK_APP_TOKEN=None,
            SLACK_API_URL=emulator.api_url,
            DATABASE_URL=database_url,
            OPSBRIDGE_CONFIG=str(config_path),
            HOST=host,
            PORT=bound,
            PUBLIC_URL=url,
            OPSBRIDGE_API_TOKEN=API_TOKEN,
            GITHUB_WEBHOOK_SECRET=GITHUB_SECRET,
        )
        app = create_app(settings, tuning=tuning)
        ws = emulator.workspace

        async def by_email(email: str) -> str | None:
            return next((u.id for u in ws.users.values() if u.email == email), None)

        await apply_config(app[CONTEXT].db, config, resolve_email=by_email)
        add_page_routes(app, PageConfig(emulator=emulator, config=config, bot_url=url, api_token=API_TOKEN))
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
    except BaseException:
        sock.close()
        await emulator.stop()
        raise
    emulator.connect(f"{url}/slack/events")
    log.info("sandbox: bot and page at %s, Slack emulator at %s", url, emulator.url)
    return Sandbox(url, app, runner, emulator, config, config_path, settings)


def run_sandbox(port: int | None = None) -> int:
    """Serve the sandbox until Ctrl-C. HOST, PORT and OPSBRIDGE_CONFIG are honoured; nothing else."""
    env = Settings()
    port = env.port if port is None else port
    try:
        config_path = choose_config(env.opsbridge_config, DATA_DIR)
        load_config(config_path)
    except ConfigError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(env.host, port, config_path))
    except CannotListen as exc:
        print(f"opsbridge sandbox: {exc}; try --port with another number", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(host: str, port: int, config_path: Path) -> None:
    sandbox = await start_sandbox(host=host, port=port, config_path=config_path)
    print(f"opsbridge sandbox: open {sandbox.page_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()
