"""`opsbridge apply`: make the database hold what the configuration file declares, and say what changed.

The plan is computed by comparing plain dicts (the file's, and `storage.declared.read_declared`),
so applying the same file twice changes nothing the second time. Overrides made from Slack are not
declared, so they survive an apply.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config.model import Config
from storage.db import Database
from storage.declared import KINDS, Declared, read_declared, write_declared

log = logging.getLogger("opsbridge.apply")

# Resolves an email to a Slack user id (users.lookupByEmail); None when unknown.
EmailResolver = Callable[[str], Awaitable[str | None]]


def _severity(value: str) -> int:
    return int(value.removeprefix("sev"))


def desired_state(config: Config, slack_ids: dict[str, str]) -> Declared:
    """The configuration file as the plain dicts `storage.declared` reads and writes."""
    state: Declared = {kind: {} for kind in KINDS}
    state["settings"] = {
        "timezone": {"value": config.timezone},
        "channels": {"value": config.channels.model_dump()},
        "postmortems": {"value": config.postmortems.model_dump(mode="json")},
    }
    admins = set(config.admins)
    for p in config.people:
        state["person"][p.id] = dict(
            slack_user_id=p.slack or slack_ids.get(p.id),
            email=p.email,
            name=p.name,
            role=p.role,
            timezone=p.timezone or config.timezone,
            is_admin=p.id in admins,
        )
    for t in config.teams:
        state["team"][t.id] = dict(
            name=t.name, slack_usergroup=t.slack_usergroup, channel=t.channel, members=sorted(set(t.members))
        )
    for pol in config.escalation_policies:
        state["escalation_policy"][pol.id] = dict(
            repeat=pol.repeat,
            levels=[
                dict(
                    targets=[f"{t.kind}:{t.id}" for t in lv.targets],
                    timeout_seconds=int(lv.timeout.total_seconds()),
                )
                for lv in pol.levels
            ],
        )
    for s in config.schedules:
        state["schedule"][s.id] = dict(
            team_id=s.team,
            timezone=s.timezone or config.timezone,
            channel=s.channel,
            layers=[
                dict(
                    name=ly.name,
                    rotation=ly.rotation,
                    shift_seconds=int(ly.shift.total_seconds()) if ly.shift else None,
                    start_local=ly.start.strftime("%Y-%m-%dT%H:%M"),
                    members=list(ly.members),
                    restrictions=[
                        {
                            "days": sorted(r.weekdays),
                            "from": r.from_.strftime("%H:%M"),
                            "to": r.to.strftime("%H:%M"),
                        }
                        for r in ly.restrictions
                    ],
                )
                for ly in s.layers
            ],
            shadows=sorted(
                (
                    {"person": sh.person, "until": sh.until.isoformat() if sh.until else None}
                    for sh in s.shadows
                ),
                key=lambda d: d["person"],
            ),
        )
    for sv in config.services:
        state["service"][sv.id] = dict(
            name=sv.name,
            team_id=sv.team,
            escalation_policy_id=sv.escalation_policy,
            deploy_channel=sv.channels.deploys,
            incident_channel=sv.channels.incidents,
            severity_map=dict(sv.severity_map),
            incident_channel_min_severity=_severity(sv.incident_channel_min_severity),
            auto_freeze_on_sev1=sv.auto_freeze_on_sev1,
            deploy_workflows=list(sv.deploy_workflows or []),
            integration_keys=sorted(sv.integration_keys),
            github_repos=sorted(r.lower() for r in sv.github_repos),
        )
    return state


@dataclass
class Change:
    action: str  # "add" | "change" | "remove"
    kind: str
    id: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        sign = {"add": "+", "change": "~", "remove": "-"}[self.action]
        what = f"{self.kind.replace('_', ' ')} {self.id}"
        return f"  {sign} {what}" + (f" ({', '.join(self.fields)})" if self.fields else "")


@dataclass
class Plan:
    changes: list[Change]
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        return {a: sum(1 for c in self.changes if c.action == a) for a in ("add", "change", "remove")}

    def render(self, *, dry_run: bool) -> str:
        if self.empty:
            lines = ["No changes: the database already matches the configuration."]
        else:
            lines = [str(c) for c in self.changes]
            n = self.counts()
            lines.append(
                f"Plan: {n['add']} to add, {n['change']} to change, {n['remove']} to remove."
                if dry_run
                else f"Applied: {n['add']} added, {n['change']} changed, {n['remove']} removed."
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def compute_plan(current: Declared, desired: Declared) -> Plan:
    changes: list[Change] = []
    for kind in KINDS:
        have, want = current[kind], desired[kind]
        for key in sorted(set(want) - set(have)):
            changes.append(Change("add", kind, key))
        for key in sorted(set(want) & set(have)):
            if want[key] != have[key]:
                fields = sorted(f for f in want[key] if want[key].get(f) != have[key].get(f))
                changes.append(Change("change", kind, key, fields))
        for key in sorted(set(have) - set(want)):
            changes.append(Change("remove", kind, key))
    return Plan(changes)


async def apply_config(
    db: Database, config: Config, *, dry_run: bool = False, resolve_email: EmailResolver | None = None
) -> Plan:
    """Load `config` into the database in one transaction (or only compute the plan)."""
    async with db.transaction() as session:
        current = await read_declared(session)
        slack_ids, warnings = await _resolve_emails(config, current, resolve_email)
        desired = desired_state(config, slack_ids)
        plan = compute_plan(current, desired)
        plan.warnings = warnings
        if not dry_run and not plan.empty:
            await write_declared(session, desired, current)
    if not dry_run:
        log.info("configuration applied: %s", plan.counts())
    return plan


async def _resolve_emails(
    config: Config, current: Declared, resolve: EmailResolver | None
) -> tuple[dict[str, str], list[str]]:
    """People given by email get their Slack id looked up once, then kept."""
    found: dict[str, str] = {}
    warnings: list[str] = []
    for p in config.people:
        if p.slack or not p.email:
            continue
        known: dict[str, Any] = current["person"].get(p.id, {})
        if known.get("slack_user_id") and known.get("email") == p.email:
            found[p.id] = known["slack_user_id"]
            continue
        user_id = await resolve(p.email) if resolve else None
        if user_id:
            found[p.id] = user_id
        else:
            warnings.append(f"person '{p.id}': no Slack user with email {p.email}; they cannot be paged yet")
    return found, warnings
