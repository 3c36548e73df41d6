"""Action items: added to an incident's post-mortem, owned by one person, reminded until done.

An item without a due date is due `postmortems.due_business_days` business days after it is added
(in its owner's time zone), so that every item is chased. The reminders follow the post-mortem's
rhythm (`bot.postmortems.business`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import postmortems as blocks
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.postmortems.business import default_due_date, next_reminder_at
from bot.postmortems.service import check_due, config, get_incident, member, ref, workspace_timezone
from storage import postmortems as store
from storage.models import ActionItem

MAX_TEXT = 1000


async def add(
    session: AsyncSession,
    incident_id: int,
    owner: str,
    text: str,
    *,
    by: str,
    now: datetime,
    due: date | None = None,
) -> ActionItem:
    incident = await get_incident(session, incident_id)
    await member(session, by)
    person = await member(session, owner)
    text = " ".join(text.split())
    if not text:
        raise UsageError("Say what the action item is: `/postmortem action #ID @owner TEXT [due DATE]`.")
    if len(text) > MAX_TEXT:
        raise UsageError(f"An action item is at most {MAX_TEXT} characters; link a ticket for the details.")
    tz = person.timezone or await workspace_timezone(session)
    if due is None:
        due = default_due_date(now, tz, int((await config(session))["due_business_days"]))
    check_due(due, now, tz)
    item = ActionItem(
        incident_id=incident.id, owner=owner, text=text, state="open", timezone=tz, due_date=due,
        created_at=now, created_by=by, next_reminder_at=next_reminder_at(due, tz, now), reminders_sent=0,
    )  # fmt: skip
    session.add(item)
    await session.flush()
    if owner != by:
        message = blocks.action_assigned(item.id, text, ref(incident), due=due, by=by)
        await outbox.post(session, channel=owner, text=message, now=now)
    return item


async def done(session: AsyncSession, item_id: int, *, by: str, now: datetime) -> ActionItem:
    item = await session.get(ActionItem, item_id)
    if item is None:
        raise NotFound(f"There is no action item {item_id}; `/postmortem list` shows the open ones.")
    if item.state == "done":
        raise UsageError(f"Action item {item_id} is already done.")
    if not await _may_close(session, item, by):
        raise PermissionDenied(
            f"Only the item's owner, whoever added it, the post-mortem's owner, the incident commander or an admin "
            f"may close action item {item_id}."
        )
    item.state, item.done_at, item.done_by, item.next_reminder_at = "done", now, by, None
    return item


async def _may_close(session: AsyncSession, item: ActionItem, user: str) -> bool:
    if user in (item.owner, item.created_by):
        return True
    pm = await store.get(session, item.incident_id)
    if pm is not None and user == pm.owner:
        return True
    if user == await store.role_holder(session, item.incident_id, "commander"):
        return True
    person = await store.person_by_slack(session, user)
    return bool(person and person.is_admin)
