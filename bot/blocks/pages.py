"""Block Kit for paging: the page DM (with its buttons), its status once answered, and channel lines.

Everything an alert or a person wrote (title, description, link labels) goes through `escape`
here; callers pass raw values. The buttons carry the incident id; their action ids are public so
other incident messages can offer the same *Acknowledge*/*Escalate*/*Resolve* behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.text import actions, button, context, escape, link, mention, section, truncate

ACKNOWLEDGE = "incident_acknowledge"
ESCALATE = "incident_escalate"
RESOLVE = "incident_resolve"
ACTION_IDS = (ACKNOWLEDGE, ESCALATE, RESOLVE)


@dataclass(frozen=True)
class PageView:
    """What a page shows; `state` and `by`/`at` say whether and how it was answered."""

    incident_id: int
    title: str
    severity: int
    service: str | None
    reason: str  # trusted: built by the bot ("level 1 of policy payments", "paged by <@U…>")
    description: str | None = None
    links: tuple[dict[str, Any], ...] = ()
    state: str = "triggered"
    by: str | None = None  # Slack user id or a system actor
    at: datetime | None = None
    shadowing: str | None = None  # the primary's Slack id, for a shadow's FYI copy


def when(at: datetime) -> str:
    """A time every reader sees in their own time zone (Slack's date formatting)."""
    return f"<!date^{int(at.timestamp())}^{{time}}|{at:%H:%M} UTC>"


def actor(by: str | None) -> str:
    if by and by[:1] in ("U", "W") and by.isalnum():
        return mention(by)
    return escape(by or "the bot")


def incident_label(incident_id: int, severity: int, title: str) -> str:
    return f"#{incident_id} · SEV{severity} · {escape(truncate(title, 200))}"


def page_text(view: PageView) -> str:
    """The notification text (also what screen readers and old clients show)."""
    head = "FYI" if view.shadowing else "Page"
    return f"{head}: incident {incident_label(view.incident_id, view.severity, view.title)}"


def page_blocks(view: PageView) -> list[dict]:
    if view.shadowing:
        top = f":eyes: *FYI, you shadow {mention(view.shadowing)}: incident {incident_label(view.incident_id, view.severity, view.title)}*"
    else:
        top = f":rotating_light: *You are paged: incident {incident_label(view.incident_id, view.severity, view.title)}*"
    lines = [top]
    if view.service:
        lines.append(f"Service: *{escape(view.service)}*")
    lines.append(f"Why: {view.reason}")
    blocks: list[dict] = [section("\n".join(lines))]
    if view.description:
        blocks.append(section(escape(truncate(view.description, 1500))))
    shown = [
        link(str(item["href"]), str(item.get("text") or item["href"]))
        for item in view.links
        if item.get("href")
    ]
    if shown:
        blocks.append(context(" · ".join(shown[:5])))
    if view.state == "resolved":
        blocks.append(
            context(
                f":white_check_mark: Resolved by {actor(view.by)}"
                + (f" at {when(view.at)}" if view.at else "")
            )
        )
        return blocks
    if view.state == "acknowledged":
        blocks.append(
            context(
                f":ballot_box_with_check: Acknowledged by {actor(view.by)}"
                + (f" at {when(view.at)}" if view.at else "")
            )
        )
    if view.shadowing:
        blocks.append(context("Shadows follow along: the primary acknowledges."))
        return blocks
    value = str(view.incident_id)
    buttons = [button("Escalate", ESCALATE, value), button("Resolve", RESOLVE, value, style="danger")]
    if view.state == "triggered":
        buttons.insert(0, button("Acknowledge", ACKNOWLEDGE, value, style="primary"))
    blocks.append(actions(*buttons, block_id=f"page-{view.incident_id}"))
    return blocks


def paged_line(
    incident_id: int,
    title: str,
    severity: int,
    responders: list[str],
    shadows: list[str],
    reason: str,
    problems: list[str],
) -> str:
    """The line in the incident's channel naming who was paged and why."""
    label = incident_label(incident_id, severity, title)
    if responders:
        text = f":pager: Paged {', '.join(mention(u) for u in responders)} for incident {label}: {reason}."
    else:
        text = f":pager: Nobody could be paged for incident {label} ({reason})."
    if shadows:
        text += f" FYI to {', '.join(mention(u) for u in shadows)} (shadowing)."
    for problem in problems:
        text += f"\n:warning: {problem}"
    return text


def nobody_answered(incident_id: int, title: str, severity: int, policy_id: str, rounds: int) -> str:
    times = "once" if rounds == 1 else f"{rounds} times"
    return (
        f"<!here> Nobody acknowledged incident {incident_label(incident_id, severity, title)}: every level of "
        f"escalation policy *{escape(policy_id)}* was paged {times}. Can someone take it? "
        f"`/incident ack #{incident_id}`"
    )
