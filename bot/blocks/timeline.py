"""Block Kit for `/incident timeline`: one line per event, in the reader's time zone.

Events carry raw values (titles, status texts, pinned messages, alert summaries): all escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.blocks.pages import actor
from bot.blocks.text import escape, mention, section, truncate
from bot.incidents.commands import ROLE_LABELS

LIMIT = 150  # lines shown; older ones are summarised


class Event(Protocol):
    kind: str
    at: datetime
    actor: str | None
    data: dict[str, Any]


def _quote(text: Any, limit: int = 300) -> str:
    return escape(truncate(" ".join(str(text or "").split()), limit))


def describe(event: Event) -> str:
    """What happened, in one line of mrkdwn (the time is added by the caller)."""
    data = event.data or {}
    who = actor(event.actor)
    kind = event.kind
    if kind == "opened":
        sev = f"SEV{data['severity']}" if data.get("severity") else "an incident"
        source = data.get("source")
        via = (
            f"declared by {who}"
            if source == "slack"
            else f"opened by {escape(source or event.actor or 'the bot')}"
        )
        return f":rotating_light: {sev} {via}" + (
            f" for *{escape(data['service'])}*" if data.get("service") else ""
        )
    if kind == "paged":
        target = mention(data.get("slack")) if data.get("slack") else "someone"
        extra = " (FYI, shadowing)" if data.get("shadow") else ""
        return f":pager: Paged {target}{extra}: {data.get('reason') or 'no reason given'}"
    if kind == "page_failed":
        return f":warning: Nobody could be paged ({data.get('reason') or 'no one to page'})"
    if kind == "acknowledged":
        return f":ballot_box_with_check: Acknowledged by {who}"
    if kind == "escalated":
        how = f"by {who}" if data.get("manual") else "automatically (nobody acknowledged)"
        return f":arrow_double_up: Escalated to level {data.get('level')} {how}"
    if kind == "escalation_exhausted":
        return ":mega: Every escalation level was paged and nobody acknowledged"
    if kind == "resolved":
        summary = f": {_quote(data.get('summary'))}" if data.get("summary") else ""
        return f":white_check_mark: Resolved by {who}{summary}"
    if kind == "reopened":
        return f":arrows_counterclockwise: Reopened by {who}"
    if kind == "severity_changed":
        return f":level_slider: Severity SEV{data.get('from')} → SEV{data.get('to')} by {who}"
    if kind == "status_update":
        status = escape(data.get("status") or "")
        changed = (
            f" (was {escape(data.get('previous'))})"
            if data.get("previous") not in (None, data.get("status"))
            else ""
        )
        text = f": {_quote(data.get('text'))}" if data.get("text") else ""
        return f":speech_balloon: Status *{status}*{changed} by {who}{text}"
    if kind == "role_assigned":
        role = ROLE_LABELS.get(str(data.get("role")), escape(data.get("role")))
        how = " (by default)" if data.get("default") else f" by {who}"
        return f":busts_in_silhouette: {role}: {mention(data.get('user'))}{how}"
    if kind == "pinned":
        author = actor(data.get("author")) if data.get("author") else "someone"
        return f":pushpin: {author}: “{_quote(data.get('text'), 500)}” (marked by {who})"
    if kind == "channel_created":
        return f":hash: Channel <#{data.get('channel')}> created"
    if kind == "channel_failed":
        return f":warning: Slack would not create the incident's channel ({escape(data.get('error'))})"
    if kind == "alert_updated":
        return f":bell: Alert updated: {_quote(data.get('title'))}"
    return f"{escape(kind.replace('_', ' '))} by {who}"


def timeline(label: str, events: Sequence[Event], tz: str) -> tuple[str, list[dict]]:
    """The ephemeral answer to `/incident timeline` (`label` is trusted mrkdwn)."""
    zone = ZoneInfo(tz)
    shown = list(events)[-LIMIT:]
    lines: list[str] = []
    day = None
    for event in shown:
        local = event.at.astimezone(zone)
        if local.date() != day:
            day = local.date()
            lines.append(f"*{local:%a %d %b %Y}*")
        lines.append(f"`{local:%H:%M}` {describe(event)}")
    head = f"*Timeline of incident {label}* (times in {escape(tz)})"
    if len(events) > len(shown):
        head += f"\n_{len(events) - len(shown)} earlier events are not shown._"
    blocks = [section(head)]
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(truncate(line, 2900))
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return f"Timeline of incident {label}", blocks[:50]
