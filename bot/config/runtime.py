"""Applying the configuration file from a running process: `opsbridge apply`, `serve` at start, SIGHUP.

One function (`apply_file`) for all three, so they validate, resolve emails and plan the same way.
An invalid file raises `ConfigError` (every issue with its location) before anything is written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from slack_sdk.errors import SlackApiError

from bot.config.apply import EmailResolver, Plan, apply_config
from bot.config.loader import ConfigError, load_config
from bot.config.model import Config
from bot.slack import SlackGateway
from storage.db import Database

log = logging.getLogger("opsbridge.config")


def email_resolver(gateway: SlackGateway) -> EmailResolver:
    """`users.lookupByEmail`; an unknown email (or a Slack error) resolves to None, with a warning
    in the plan, rather than failing the whole apply."""

    async def resolve(email: str) -> str | None:
        try:
            answer = await gateway.call("users.lookupByEmail", email=email)
        except SlackApiError as exc:
            log.warning("users.lookupByEmail %s: %s", email, exc.response.get("error"))
            return None
        user = answer.get("user") or {}
        return user.get("id")

    return resolve


async def apply_file(
    db: Database, path: str | Path, *, gateway: SlackGateway | None = None, dry_run: bool = False
) -> Plan:
    """Validate and apply the file at `path` (`ConfigError` before anything is written)."""
    return await apply_loaded(db, load_config(path), gateway=gateway, dry_run=dry_run)


async def apply_loaded(
    db: Database, config: Config, *, gateway: SlackGateway | None = None, dry_run: bool = False
) -> Plan:
    """Apply a validated configuration. Without a gateway (no SLACK_BOT_TOKEN), people given only
    by email stay unresolved and the plan warns about them."""
    resolver = email_resolver(gateway) if gateway is not None else None
    plan = await apply_config(db, config, dry_run=dry_run, resolve_email=resolver)
    if gateway is None and plan.warnings and any(not p.slack and p.email for p in config.people):
        plan.warnings.append(
            "SLACK_BOT_TOKEN is not set, so people given by email were not looked up in Slack"
        )
    return plan


async def reapply(db: Database, path: str | Path, gateway: SlackGateway | None) -> bool:
    """SIGHUP: apply the file again; an invalid or missing file is logged, issue by issue, and the
    running state is kept. Returns True when applied."""
    try:
        plan = await apply_file(db, path, gateway=gateway)
    except ConfigError as exc:
        for line in exc.lines():
            log.error("reload refused: %s", line)
        return False
    for line in plan.render(dry_run=False).splitlines():
        log.info("reload: %s", line)
    return True
