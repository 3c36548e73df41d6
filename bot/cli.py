"""The `opsbridge` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import cli as config_cli
from bot.logs import configure_logging
from bot.postmortems import cli as postmortem_cli
from bot.schedules import cli as oncall_cli
from bot.settings import MissingSetting, Settings

log = logging.getLogger("opsbridge.cli")


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app import SocketModeUnavailable, create_app
    from bot.server import serve_until_stopped
    from storage.migrate import upgrade

    settings = Settings()
    try:
        settings.require_for_serve()
    except MissingSetting as exc:
        print(f"opsbridge: {exc}", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    if code := config_cli.apply_at_start(settings):  # OPSBRIDGE_CONFIG, when the file exists
        return code
    try:
        asyncio.run(serve_until_stopped(create_app(settings), settings.host, settings.port))
    except SocketModeUnavailable as exc:
        print(f"opsbridge: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = Settings()
    upgrade(settings.database_url)
    print(f"database at {settings.database_url} is up to date")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.manifest import manifest_yaml

    settings = Settings()
    sys.stdout.write(manifest_yaml(settings.public_url, socket_mode=args.socket_mode or settings.socket_mode))
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox.run import run_sandbox

    return run_sandbox(port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsbridge", description="On-call and incidents for Dev and Ops, in Slack."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("serve", help="run the bot (migrates the database first)").set_defaults(func=cmd_serve)
    sandbox = sub.add_parser(
        "sandbox", help="run the bot against the built-in Slack emulator, with a web page"
    )
    sandbox.add_argument("--port", type=int, default=None, help="port of the page (default: PORT, 3000)")
    sandbox.set_defaults(func=cmd_sandbox)
    sub.add_parser("migrate", help="bring the database schema up to date").set_defaults(func=cmd_migrate)
    manifest = sub.add_parser("manifest", help="print the Slack app manifest for PUBLIC_URL")
    manifest.add_argument("--socket-mode", action="store_true", help="a manifest for Socket Mode")
    manifest.set_defaults(func=cmd_manifest)
    postmortem_cli.add_commands(sub)  # postmortem
    config_cli.add_commands(sub)  # apply
    oncall_cli.add_commands(sub)  # oncall
    return parser


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
