"""A team's Slack user group (`@payments-oncall`) holds whoever is on call now across its schedules.

Rewritten through the outbox (lane = the group id, so updates apply in order) at every handoff and
whenever an override is made or a cover request taken, in the transaction that causes it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.schedules.service import on_call_for_team
from storage.models import Team

log = logging.getLogger("opsbridge.oncall.usergroups")


async def sync_team_usergroup(
    session: AsyncSession, team_id: str | None, now: datetime, *, reason: str
) -> bool:
    """Queue `usergroups.users.update` for the team's group; `reason` makes the call's dedup key
    (one update per handoff, override or cover). Slack refuses an empty group, so when nobody is
    on call the group keeps its last members. Returns True when an update was queued."""
    if not team_id:
        return False
    team = await session.get(Team, team_id)
    if team is None or not team.slack_usergroup:
        return False
    people = await on_call_for_team(session, team_id, now)
    users = list(dict.fromkeys(p.slack_user_id for p in people if p.slack_user_id))
    if not users:
        log.info("nobody on call in team %s: user group %s left as it is", team_id, team.slack_usergroup)
        return False
    group = team.slack_usergroup
    return await outbox.call(
        session,
        "usergroups.users.update",
        {"usergroup": group, "users": users},
        lane=group,
        now=now,
        dedup_key=f"usergroup:{group}:{reason}",
    )
