"""Block Kit for running an incident: the announcement, the channel's header, its topic, status
updates, the resolution summary, `/incident list`, and the declare form.

Callers pass raw values in an `IncidentView`; everything a person or an alert wrote (title,
description, status text, summary, link labels) is escaped here, so `<!channel>` in a title is
shown, never broadcast. The topic is plain text: it carries no typed text at all, only severity,
the service's configured name, the commander's handle and the status.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.blocks.pages import ACKNOWLEDGE, ESCALATE, RESOLVE, actor, incident_label
from bot.blocks.text import actions, button, context, escape, link, mention, mrkdwn, plain, section, truncate
from bot.incidents.commands import ROLE_LABELS, ROLES, TITLE_LIMIT
from bot.incidents.measures import format_duration

SEVERITY_EMOJI = {
    1: ":red_circle:",
    2: ":large_orange_circle:",
    3: ":large_yellow_circle:",
    4: ":white_circle:",
}
STATUS_EMOJI = {
    "investigating": ":mag:",
    "identified": ":bulb:",
    "monitoring": ":eyes:",
    "resolved": ":white_check_mark:",
}
STATE_LABEL = {"triggered": "not acknowledged yet", "acknowledged": "acknowledged", "resolved": "resolved"}
TOPIC_LIMIT = 250
DECLARE_VIEW = "declare_incident"
SHORTCUT = "declare_incident_from_message"


@dataclass(frozen=True)
class IncidentView:
    id: int
    title: str
    severity: int
    state: str
    status: str
    created_at: datetime
    source: str = "slack"
    service: str | None = None  # the service's configured name (or id)
    channel_id: str | None = None
    channel_pending: bool = False
    roles: dict[str, str] = field(default_factory=dict)
    declared_by: str | None = None
    description: str | None = None
    links: tuple[dict[str, Any], ...] = ()
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    summary: str | None = None
    last_update: str | None = None  # the latest status update's text
    last_update_at: datetime | None = None
    time_to_acknowledge: timedelta | None = None
    time_to_resolve: timedelta | None = None
    postmortem: str | None = None  # link to the finished post-mortem

    @property
    def label(self) -> str:
        return incident_label(self.id, self.severity, self.title)

    @property
    def resolved(self) -> bool:
        return self.state == "resolved"


def slack_date(when: datetime) -> str:
    """A time every reader sees in their own zone; the fallback is UTC."""
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{when:%Y-%m-%d %H:%M} UTC>"


def status_text(status: str) -> str:
    return f"{STATUS_EMOJI.get(status, ':grey_question:')} {escape(status.capitalize())}"


def channel_text(view: IncidentView) -> str:
    if view.channel_id:
        return f"<#{view.channel_id}>"
    return "_being created…_" if view.channel_pending else "none"


def _links(view: IncidentView) -> list[str]:
    return [
        link(str(item["href"]), str(item.get("text") or item["href"]))
        for item in view.links
        if isinstance(item, dict) and item.get("href")
    ][:5]


def _fields(*pairs: tuple[str, str]) -> list[dict]:
    return [mrkdwn(f"*{name}*\n{value}") for name, value in pairs]


def _who_declared(view: IncidentView) -> str:
    """`Declared by <@U…>` or `Opened by alertmanager`."""
    if view.declared_by:
        return f"Declared by {mention(view.declared_by)}"
    return f"Opened by {escape(view.source)}"


# --- the announcement in the incidents channel -----------------------------------------------------


def announcement(view: IncidentView) -> tuple[str, list[dict]]:
    """The one message per incident in the incidents channel, updated in place as it changes."""
    mark = ":white_check_mark:" if view.resolved else SEVERITY_EMOJI.get(view.severity, ":rotating_light:")
    state = "Resolved" if view.resolved else "Incident"
    text = f"{state} {view.label}"
    blocks: list[dict] = [
        section(f"{mark} *{state} {view.label}*"),
        {
            "type": "section",
            "fields": _fields(
                ("Status", status_text(view.status)),
                ("Service", escape(view.service) if view.service else "—"),
                (
                    "Commander",
                    mention(view.roles.get("commander")) if view.roles.get("commander") else "nobody yet",
                ),
                ("Channel", channel_text(view)),
            ),
        },
    ]
    if view.last_update and not view.resolved:
        blocks.append(section(f"*Latest update:* {escape(truncate(view.last_update, 1500))}"))
    if view.resolved:
        blocks.append(section(resolution_line(view)))
        if view.summary:
            blocks.append(section(f"*Summary:* {escape(truncate(view.summary, 1500))}"))
        if view.postmortem:
            blocks.append(section(f":memo: {link(view.postmortem, 'Post-mortem')}"))
    shown = _links(view)
    if shown:
        blocks.append(context(" · ".join(shown)))
    blocks.append(
        context(
            f"{_who_declared(view)} at {slack_date(view.created_at)} · "
            f"{STATE_LABEL.get(view.state, escape(view.state))}"
        )
    )
    return text, blocks


def resolution_line(view: IncidentView) -> str:
    who = f" by {actor(view.resolved_by)}" if view.resolved_by else ""
    at = f" at {slack_date(view.resolved_at)}" if view.resolved_at else ""
    return (
        f":white_check_mark: Resolved{who}{at}. Time to acknowledge: *{format_duration(view.time_to_acknowledge)}*"
        f" · time to resolve: *{format_duration(view.time_to_resolve)}*"
    )


# --- the incident's own channel ------------------------------------------------------------------


def roles_text(roles: dict[str, str]) -> str:
    return "\n".join(f"{ROLE_LABELS[r]}: {mention(roles[r]) if roles.get(r) else '—'}" for r in ROLES)


def channel_header(view: IncidentView, deploys: dict | None = None) -> tuple[str, list[dict]]:
    """The channel's first message: what, how bad, who does what, what changed lately; updated in place."""
    text = f"Incident {view.label}"
    blocks: list[dict] = [section(f"{SEVERITY_EMOJI.get(view.severity, '')} *Incident {view.label}*".strip())]
    if view.description:
        blocks.append(section(escape(truncate(view.description, 2000))))
    blocks.append(
        {
            "type": "section",
            "fields": _fields(
                ("Severity", f"SEV{view.severity}"),
                ("Status", status_text(view.status)),
                ("Service", escape(view.service) if view.service else "—"),
                ("State", STATE_LABEL.get(view.state, escape(view.state))),
            ),
        }
    )
    blocks.append(section("*Roles*\n" + roles_text(view.roles)))
    if view.resolved:
        blocks.append(section(resolution_line(view)))
    if deploys is not None:
        blocks.append(deploys)
    shown = _links(view)
    if shown:
        blocks.append(context("Alert links: " + " · ".join(shown)))
    if not view.resolved:
        value = str(view.id)
        buttons = [button("Escalate", ESCALATE, value), button("Resolve", RESOLVE, value, style="danger")]
        if view.state == "triggered":
            buttons.insert(0, button("Acknowledge", ACKNOWLEDGE, value, style="primary"))
        blocks.append(actions(*buttons, block_id=f"incident-{view.id}"))
    blocks.append(
        context(
            f"{_who_declared(view)} at {slack_date(view.created_at)}. Post updates with "
            "`/incident status TEXT`, bring people in with `/incident page @user|service:NAME`, "
            "mark messages with :pushpin: to add them to the timeline."
        )
    )
    return text, blocks


def topic(view: IncidentView, commander: str | None) -> str:
    """`SEV2 · Checkout API · IC @alice · investigating` (plain text, at most 250 characters).
    `commander` is a handle we trust (a configured person id), or None."""
    parts = [f"SEV{view.severity}"]
    if view.service:
        parts.append(_plain(view.service))
    parts.append(f"IC {commander}" if commander else "IC unassigned")
    parts.append(view.status)
    return truncate(" · ".join(parts), TOPIC_LIMIT)


def _plain(text: str) -> str:
    """Configured names in a plain-text topic: no markup characters at all."""
    return " ".join(text.replace("<", "").replace(">", "").replace("&", "and").split())


def status_update(
    view: IncidentView, status: str, previous: str, text: str, by: str | None
) -> tuple[str, list[dict]]:
    changed = status != previous
    head = f"{status_text(status)}" + (f" (was {escape(previous)})" if changed else "")
    body = escape(truncate(text, 2500)) if text else "_no details_"
    line = f"*Status update on incident {view.label}* · {head}\n{body}"
    return f"Status update on incident {view.label}: {escape(status)}", [
        section(line),
        context(f"by {actor(by)}"),
    ]


def resolved_post(view: IncidentView, involved: list[tuple[str, list[str]]]) -> tuple[str, list[dict]]:
    """The summary posted when an incident resolves: times, who was involved and as what."""
    blocks: list[dict] = [section(f"*Incident {view.label} is resolved*"), section(resolution_line(view))]
    if view.summary:
        blocks.append(section(f"*Summary:* {escape(truncate(view.summary, 2500))}"))
    if involved:
        lines = [f"• {mention(user)}: {', '.join(escape(r) for r in what)}" for user, what in involved]
        blocks.append(section(truncate("*Who was involved*\n" + "\n".join(lines), 2900)))
    if view.channel_id:
        blocks.append(context("This channel is archived in 7 days; `/incident reopen` keeps it open."))
    text = (
        f"Incident {view.label} is resolved. Time to acknowledge {format_duration(view.time_to_acknowledge)}, "
        f"time to resolve {format_duration(view.time_to_resolve)}."
    )
    return text, blocks


def reopened_post(view: IncidentView, by: str | None) -> str:
    return f":arrows_counterclockwise: {actor(by)} reopened incident {view.label}."


def status_reminder(view: IncidentView, interval: timedelta) -> str:
    where = f" in <#{view.channel_id}>" if view.channel_id else ""
    return (
        f":alarm_clock: Incident {view.label} has had no status update for {format_duration(interval)}. "
        f"Post one{where} with `/incident status identified|monitoring: what we know`."
    )


def archive_notice(view: IncidentView) -> str:
    return f":file_cabinet: Incident {view.label} was resolved 7 days ago: archiving this channel."


# --- /incident list ------------------------------------------------------------------------------


def incident_list(views: list[IncidentView], now: datetime) -> tuple[str, list[dict]]:
    if not views:
        return "No open incidents. :tada:", [section("No open incidents. :tada:")]
    lines = []
    for view in views:
        commander = mention(view.roles["commander"]) if view.roles.get("commander") else "no commander"
        where = f" · <#{view.channel_id}>" if view.channel_id else ""
        service = escape(view.service) if view.service else "no service"
        lines.append(
            f"{SEVERITY_EMOJI.get(view.severity, '')} *{view.label}*\n"
            f"      {format_duration(now - view.created_at)} old · {commander} · {service} · "
            f"{escape(view.status)}{where}"
        )
    blocks = [section(f"*Open incidents ({len(views)})*")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    return f"Open incidents: {len(views)}", blocks[:50]


# --- the declare form ----------------------------------------------------------------------------


def _option(text: str, value: str) -> dict:
    return {"text": plain(truncate(text, 75)), "value": value}


def declare_modal(
    services: list[tuple[str, str]],
    *,
    title: str = "",
    severity: int = 3,
    service: str | None = None,
    description: str = "",
    metadata: dict | None = None,
) -> dict:
    """The form behind `/incident declare` and the *Declare incident* message shortcut.
    `services` are (id, name) pairs; prefilled values come from the command or the message."""
    sev_options = [
        _option(f"SEV{n}" + {1: " · critical", 2: " · major", 3: " · minor", 4: " · no paging"}[n], str(n))
        for n in range(1, 5)
    ]
    title_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "placeholder": plain("What is broken, in a few words"),
    }
    if title:
        title_input["initial_value"] = truncate(title, 3000)
    blocks: list[dict] = [
        {
            "type": "input",
            "block_id": "title",
            "label": plain(f"Title (up to {TITLE_LIMIT} characters)"),
            "element": title_input,
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": plain("Severity"),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": sev_options,
                "initial_option": sev_options[min(max(severity, 1), 4) - 1],
            },
        },
    ]
    if services:
        options = [_option(name, ident) for ident, name in services][:100]
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": "value",
            "options": options,
            "placeholder": plain("Which service is affected?"),
        }
        chosen = next((o for o in options if o["value"] == service), None)
        if chosen:
            element["initial_option"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": "service",
                "optional": True,
                "label": plain("Service"),
                "element": element,
            }
        )
    description_input: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": True}
    if description:
        description_input["initial_value"] = truncate(description, 3000)
    blocks.append(
        {
            "type": "input",
            "block_id": "description",
            "optional": True,
            "label": plain("Description"),
            "element": description_input,
        }
    )
    return {
        "type": "modal",
        "callback_id": DECLARE_VIEW,
        "title": plain("Declare an incident"),
        "submit": plain("Declare"),
        "close": plain("Cancel"),
        "blocks": blocks,
        "private_metadata": json.dumps(metadata or {})[:3000],
    }


def declared_reply(view: IncidentView) -> str:
    if view.channel_id:
        where = f" Join <#{view.channel_id}>."
    else:
        where = " Its channel is on its way." if view.channel_pending else ""
    return f":rotating_light: You declared incident {view.label}.{where}"
