"""Targets (`schedule:X`, `team:X`, `person:X`, `service:X`, `slack:U…`) turned into the people to page.

Resolution happens at the moment of paging, so a schedule target reaches whoever holds the pager
then. `team:X` means every member in an escalation level (the policy's last resort), but the
team's people on call now when paged by hand (`/incident page team:X`, `team_on_call=True`), as
the contract says. `service:X` is the service's team's developers on call now (everyone on call
if none of them is a developer). A schedule's shadows come along as FYI recipients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedules.stored import on_call_now
from storage import incidents as store
from storage.models import Person

KINDS = ("schedule", "team", "person", "service", "slack")


@dataclass(frozen=True)
class Recipient:
    slack_user_id: str
    person_id: str | None
    via: str  # the target that reached them, e.g. "schedule:payments-ops"
    is_shadow: bool = False
    shadowing: str | None = None  # a shadow's primary (Slack id): shadows get an FYI copy


@dataclass
class Resolution:
    recipients: list[Recipient] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # shown in the incident's channel

    def add(self, recipient: Recipient) -> None:
        for i, existing in enumerate(self.recipients):
            if existing.slack_user_id == recipient.slack_user_id:
                if existing.is_shadow and not recipient.is_shadow:
                    self.recipients[i] = recipient  # a responder beats an FYI copy
                return
        self.recipients.append(recipient)


def split(target: str) -> tuple[str, str]:
    kind, _, ident = target.partition(":")
    return kind.strip(), ident.strip()


async def resolve(
    session: AsyncSession, targets: list[str], at: datetime, *, team_on_call: bool = False
) -> Resolution:
    out = Resolution()
    for target in targets:
        kind, ident = split(target)
        if kind not in KINDS or not ident:
            out.problems.append(f"`{target}` is not a target")
        elif kind == "slack":
            person = await store.person_by_slack(session, ident)
            out.add(Recipient(ident, person.id if person else None, target))
        elif kind == "person":
            _add_person(out, await store.person(session, ident), target)
        elif kind == "schedule":
            await _add_schedule(session, out, ident, at, target)
        elif kind == "team":
            await _add_team(session, out, ident, at, target, on_call=team_on_call)
        else:
            await _add_service(session, out, ident, at, target)
    return out


def _add_person(out: Resolution, person: Person | None, via: str) -> None:
    if person is None:
        out.problems.append(f"`{via}`: no such person")
    elif not person.slack_user_id:
        out.problems.append(f"{person.id} has no Slack account yet and could not be paged")
    else:
        out.add(Recipient(person.slack_user_id, person.id, via))


def _add_on_call(out: Resolution, primary: Person, shadows: list[Person], via: str) -> None:
    """The person on call, and their shadows as FYI copies (never as responders)."""
    _add_person(out, primary, via)
    for shadow in shadows:
        if shadow.slack_user_id:
            out.add(
                Recipient(
                    shadow.slack_user_id, shadow.id, via, is_shadow=True, shadowing=primary.slack_user_id
                )
            )


async def _on_call(
    session: AsyncSession, schedule_id: str, at: datetime
) -> tuple[Person | None, list[Person]]:
    answer = await on_call_now(session, schedule_id, at)
    if answer is None or answer.person is None:
        return None, []
    primary = await store.person(session, answer.person)
    shadows = [p for p in [await store.person(session, s) for s in answer.shadows] if p is not None]
    return primary, shadows


async def _add_schedule(
    session: AsyncSession, out: Resolution, schedule_id: str, at: datetime, via: str
) -> None:
    if schedule_id not in await store.schedule_ids(session):
        out.problems.append(f"`{via}`: no such schedule")
        return
    primary, shadows = await _on_call(session, schedule_id, at)
    if primary is None:
        out.problems.append(f"nobody is on call for `{via}` right now")
        return
    _add_on_call(out, primary, shadows, via)


async def _add_team(
    session: AsyncSession, out: Resolution, team_id: str, at: datetime, via: str, *, on_call: bool
) -> None:
    members = await store.team_members(session, team_id)
    if not members and not await store.team_schedules(session, team_id):
        out.problems.append(f"`{via}`: no such team, or it has no members")
        return
    if on_call:
        found = await _team_on_call(session, team_id, at)
        if found:
            for person, shadows in found:
                _add_on_call(out, person, shadows, via)
            return
        out.problems.append(f"nobody of `{via}` is on call right now: paging every member")
    for person in members:
        _add_person(out, person, via)


async def _team_on_call(
    session: AsyncSession, team_id: str, at: datetime
) -> list[tuple[Person, list[Person]]]:
    found = []
    for schedule_id in await store.team_schedules(session, team_id):
        primary, shadows = await _on_call(session, schedule_id, at)
        if primary is not None:
            found.append((primary, shadows))
    return found


async def _add_service(
    session: AsyncSession, out: Resolution, service_id: str, at: datetime, via: str
) -> None:
    service = await store.service(session, service_id)
    if service is None:
        out.problems.append(f"`{via}`: no such service")
        return
    if not service.team_id:
        out.problems.append(f"`{via}` has no owning team")
        return
    on_call = await _team_on_call(session, service.team_id, at)
    devs = [(p, s) for p, s in on_call if p.role == "dev"]
    chosen = devs or on_call
    if not chosen:
        out.problems.append(f"nobody of team `{service.team_id}` (owning `{via}`) is on call right now")
        return
    for person, shadows in chosen:
        _add_on_call(out, person, shadows, via)
