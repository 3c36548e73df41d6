"""`opsbridge apply [FILE] [--dry-run]`, and applying OPSBRIDGE_CONFIG when `serve` starts.

The file is validated before the database is touched: an invalid file prints every issue with
its location and changes nothing (not even the schema). Exit codes: 0 applied or planned,
1 invalid file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.settings import Settings

log = logging.getLogger("opsbridge.config")


def add_commands(sub: argparse._SubParsersAction) -> None:
    apply = sub.add_parser("apply", help="load the configuration file into the database and print the plan")
    apply.add_argument("file", nargs="?", help="the configuration file (default: OPSBRIDGE_CONFIG)")
    apply.add_argument(
        "--dry-run", action="store_true", help="only print what would be added, changed, removed"
    )
    apply.set_defaults(func=cmd_apply)


def _gateway(settings: Settings):
    """A Slack client for users.lookupByEmail, when there is a token to call Slack with."""
    if not settings.slack_bot_token:
        return None
    from bot.metrics import Metrics
    from bot.slack import SlackGateway

    return SlackGateway(token=settings.slack_bot_token, base_url=settings.api_url, metrics=Metrics())


async def _apply(settings: Settings, config, *, dry_run: bool):
    from bot.config.runtime import apply_loaded
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        return await apply_loaded(db, config, gateway=_gateway(settings), dry_run=dry_run)
    finally:
        await db.dispose()


def cmd_apply(args: argparse.Namespace) -> int:
    from bot.config.loader import ConfigError, load_config
    from storage.migrate import upgrade

    settings = Settings()
    path = args.file or settings.opsbridge_config
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        print(f"opsbridge: {len(exc.errors)} error(s) in {path}; nothing was changed", file=sys.stderr)
        return 1
    upgrade(settings.database_url)
    plan = asyncio.run(_apply(settings, config, dry_run=args.dry_run))
    print(plan.render(dry_run=args.dry_run))
    return 0


def apply_at_start(settings: Settings) -> int:
    """`serve`: apply OPSBRIDGE_CONFIG when the file exists. An invalid file stops the start (exit
    2, naming every issue): running on a half-understood configuration would page the wrong people."""
    from bot.config.loader import ConfigError, load_config

    path = Path(settings.opsbridge_config)
    if not path.exists():
        log.info("no configuration file at %s: serving what the database holds", path)
        return 0
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        print(
            f"opsbridge: refusing to start: {len(exc.errors)} error(s) in {path} (OPSBRIDGE_CONFIG)",
            file=sys.stderr,
        )
        return 2
    plan = asyncio.run(_apply(settings, config, dry_run=False))
    for line in plan.render(dry_run=False).splitlines():
        log.info("%s: %s", path, line.strip())
    return 0
