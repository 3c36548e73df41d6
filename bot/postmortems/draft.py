"""The post-mortem draft: plain values in, Markdown out, through a Jinja2 template. Pure.

`render_draft(values, template_source=None)` renders `values` (a `DraftInput`) with the built-in
template `bot/templates/postmortem.md.j2`, or with `template_source` (the file named by
`postmortems.template` in the configuration). Every string handed to the template is already
escaped for Markdown (`md`), so text typed by people or sent by alerts cannot inject links,
images, headings or HTML; templates may use the `md` filter for anything they add. The template
variables are documented in docs/postmortems.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bot.incidents import measures
from bot.postmortems.markdown import (
    Names,
    date_label,
    day_label,
    duration_label,
    md,
    md_block,
    plain_text,
    short_when,
    time_label,
    when_label,
)

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "templates" / "postmortem.md.j2"
DEPLOY_WINDOW = timedelta(hours=24)

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInfo:
    name: str
    role: str | None = None  # dev | ops


@dataclass(frozen=True)
class EventInfo:
    at: datetime
    kind: str
    actor: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageInfo:
    at: datetime
    slack_user_id: str
    level: int | None = None
    reason: str = ""
    is_shadow: bool = False


@dataclass(frozen=True)
class DeployInfo:
    at: datetime
    service: str
    environment: str
    version: str
    status: str
    actor: str | None = None
    url: str | None = None
    commit: str | None = None


@dataclass(frozen=True)
class ActionInfo:
    id: int
    text: str
    owner: str  # Slack user id
    due: date | None
    done: bool = False


@dataclass
class DraftInput:
    incident_id: int
    title: str
    severity: int
    state: str
    created_at: datetime
    timezone: str  # the workspace's: every time in the document is on this wall clock
    generated_at: datetime
    service: str | None = None
    summary: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    declared_by: str | None = None
    events: list[EventInfo] = field(default_factory=list)
    pages: list[PageInfo] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # commander|comms|ops|dev -> Slack user id
    people: dict[str, PersonInfo] = field(default_factory=dict)  # Slack user id -> who
    deploys: list[DeployInfo] | None = None  # None: deploys are not tracked here
    action_items: list[ActionInfo] = field(default_factory=list)
    owner: str | None = None
    due_date: date | None = None
    postmortem_state: str | None = None
    link: str | None = None


# --- the timeline --------------------------------------------------------------------------------

_TEXT_KEYS = ("text", "summary", "message", "note", "reason", "title", "description")
_OPENED = ("opened", "declared", "created", "triggered")
_PHRASES = {
    "opened": "Incident opened", "declared": "Incident declared", "created": "Incident declared",
    "acknowledged": "Acknowledged", "resolved": "Resolved", "reopened": "Reopened", "escalated": "Escalated",
    "escalation_exhausted": "Nobody answered: every escalation level was paged", "page_failed": "Paging failed",
    "status_update": "Status update", "pinned": "Pinned", "channel_created": "Incident channel created",
}  # fmt: skip


def _event_text(event: EventInfo, name: Names) -> str:
    """One timeline line (escaped): what happened, to whom, by whom, and the words that came with it."""
    data = event.data or {}
    what = md(_PHRASES.get(event.kind, event.kind.replace("_", " ").capitalize()))
    if event.kind == "paged":
        what = f"Paged {name(data.get('slack'))}" + (" (shadow)" if data.get("shadow") else "")
    elif event.kind == "role_assigned" and data.get("user"):
        what = f"{name(data.get('user'))} is {md(data.get('role') or 'a responder')}"
    elif event.kind == "severity_changed" and data.get("to") is not None:
        what = f"Severity sev{md(data.get('from'))} → sev{md(data.get('to'))}"
    elif event.kind == "escalated" and data.get("level") is not None:
        what = f"Escalated to level {md(data.get('level'))}"
    elif event.kind == "status_update" and data.get("status"):
        what = f"Status update ({md(data.get('status'))})"
    if event.actor and event.actor != "system":
        what += f" by {name(event.actor)}"
    text = next((data[k] for k in _TEXT_KEYS if isinstance(data.get(k), str) and data.get(k)), None)
    if text and event.kind == "pinned" and data.get("author") and data.get("author") != event.actor:
        text = f"{text} ({name.raw(str(data['author']))})"
    return f"{what}: {md(plain_text(text, name))}" if text else what


def _timeline(values: DraftInput, name: Names) -> list[dict[str, Any]]:
    events = list(values.events)
    kinds = {e.kind for e in events}
    # What the incident row knows but no event recorded still belongs on the timeline.
    if not kinds & set(_OPENED):
        events.append(EventInfo(values.created_at, "declared", values.declared_by, {"text": values.title}))
    if values.acknowledged_at and "acknowledged" not in kinds:
        events.append(EventInfo(values.acknowledged_at, "acknowledged", values.acknowledged_by))
    if values.resolved_at and "resolved" not in kinds:
        events.append(
            EventInfo(values.resolved_at, "resolved", values.resolved_by, {"text": values.summary or ""})
        )
    days: list[dict[str, Any]] = []
    for event in sorted(events, key=lambda e: e.at):
        label = day_label(event.at, values.timezone)
        if not days or days[-1]["date"] != label:
            days.append({"date": label, "entries": []})
        days[-1]["entries"].append(
            {"time": time_label(event.at, values.timezone), "text": _event_text(event, name)}
        )
    return days


# --- who was involved ----------------------------------------------------------------------------


def _responders(values: DraftInput, name: Names) -> list[dict[str, str]]:
    tz = values.timezone
    paged: dict[str, list[PageInfo]] = {}
    for page in sorted(values.pages, key=lambda p: p.at):
        paged.setdefault(page.slack_user_id, []).append(page)
    responded: dict[str, datetime] = {}

    def saw(who: str | None, at: datetime | None) -> None:
        if who and at and (who in values.people or _SLACK_USER.match(who)):
            responded[who] = min(responded.get(who, at), at)

    saw(values.acknowledged_by, values.acknowledged_at)
    saw(values.resolved_by, values.resolved_at)
    for event in values.events:
        if event.kind not in ("paged", "escalated", "escalation_exhausted", "page_failed"):
            saw(event.actor, event.at)
        if event.kind == "pinned":  # whoever wrote the message took part too
            saw(str((event.data or {}).get("author") or ""), event.at)
    roles: dict[str, list[str]] = {}
    for role, who in sorted(values.roles.items()):
        roles.setdefault(who, []).append(role)
    everyone = list(dict.fromkeys([*paged, *sorted(responded, key=responded.__getitem__), *roles]))
    rows = []
    for who in everyone:
        person = values.people.get(who)
        pages = paged.get(who, [])
        rows.append(
            {
                "name": name(who),
                "kind": {"dev": "Dev", "ops": "Ops"}.get(person.role if person else "", "—"),
                "paged": "; ".join(
                    short_when(p.at, tz)
                    + (" as a shadow" if p.is_shadow else "")
                    + (f" — {md(plain_text(p.reason, name))}" if p.reason else "")
                    + (f" (level {p.level})" if p.level is not None and not p.reason else "")
                    for p in pages
                )
                or "no",
                "responded": short_when(responded[who], tz) if who in responded else ("no" if pages else "—"),
                "roles": ", ".join(md(r) for r in roles.get(who, [])) or "—",
            }
        )
    return rows


def _deploys(values: DraftInput) -> list[dict[str, str]] | None:
    if values.deploys is None:
        return None
    start = values.created_at - DEPLOY_WINDOW
    end = values.resolved_at or values.generated_at
    rows = []
    for d in sorted(values.deploys, key=lambda d: d.at):
        if not start <= d.at <= end:
            continue
        version = md(d.version) + (f" ({md(d.commit[:12])})" if d.commit else "")
        if d.url and d.url.startswith(("http://", "https://")):
            version = f"[{version}](<{d.url.replace('<', '%3C').replace('>', '%3E').replace(' ', '%20')}>)"
        rows.append(
            {
                "when": when_label(d.at, values.timezone),
                "before": (
                    f"{duration_label(values.created_at - d.at)} before"
                    if d.at <= values.created_at
                    else "during the incident"
                ),
                "service": md(d.service),
                "environment": md(d.environment),
                "version": version,
                "status": md(d.status),
                "actor": md(d.actor) if d.actor else "—",
            }
        )
    return rows


def _measures(values: DraftInput) -> tuple[timedelta | None, timedelta | None]:
    """MTTA and MTTR as the incidents domain computes them from the events; from the incident's
    own times when its events do not say (an incident recorded before events were)."""
    if any(e.kind == "opened" for e in values.events):
        return measures.time_to_acknowledge(values.events), measures.time_to_resolve(values.events)
    mtta = values.acknowledged_at - values.created_at if values.acknowledged_at else None
    mttr = values.resolved_at - values.created_at if values.resolved_at else None
    return mtta, mttr


# --- rendering -----------------------------------------------------------------------------------


def template_context(values: DraftInput) -> dict[str, Any]:
    """What the template sees: every string already escaped for Markdown."""
    tz = values.timezone
    name = Names({uid: p.name for uid, p in values.people.items()})
    mtta, mttr = _measures(values)
    return {
        "incident": {
            "id": values.incident_id,
            "title": md(values.title),
            "severity": f"sev{values.severity}",
            "state": md(values.state),
            "service": md(values.service) if values.service else "—",
            "summary": md_block(values.summary) if values.summary else "",
            "declared_by": name(values.declared_by) if values.declared_by else "—",
            "resolved_by": name(values.resolved_by) if values.resolved_by else "—",
        },
        "timezone": md(tz),
        "generated": when_label(values.generated_at, tz),
        "impact": {
            "start": when_label(values.created_at, tz),
            "acknowledged": when_label(values.acknowledged_at, tz),
            "end": when_label(values.resolved_at, tz) if values.resolved_at else "not resolved yet",
            "duration": duration_label(mttr) if mttr else "ongoing",
        },
        "mtta": duration_label(mtta) if mtta else "not acknowledged",
        "mttr": duration_label(mttr) if mttr else "not resolved yet",
        "timeline": _timeline(values, name),
        "responders": _responders(values, name),
        "deploys": _deploys(values),
        "action_items": [
            {"id": a.id, "text": md(a.text), "owner": name(a.owner), "due": date_label(a.due), "done": a.done}
            for a in values.action_items
        ],
        "postmortem": {
            "state": values.postmortem_state or "not requested",
            "owner": name(values.owner) if values.owner else "nobody yet",
            "due": date_label(values.due_date),
            "link": md(values.link) if values.link else "",
        },
    }


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = md
    return env


def render_draft(values: DraftInput, template_source: str | None = None) -> str:
    """The Markdown document. Raises jinja2's errors for a broken `template_source`."""
    source = template_source if template_source is not None else TEMPLATE_PATH.read_text(encoding="utf-8")
    return _environment().from_string(source).render(**template_context(values))
