"""PagerDuty Events API v2 (`POST /v2/enqueue`), validated as PagerDuty does, into plain values.

Every problem is collected (PagerDuty answers them all at once, in `errors`), so a sender fixing
its integration sees the whole list. Alertmanager's `pagerduty_configs`, Grafana, Sentry and
Datadog send exactly this shape.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
SUMMARY_MAX = 1024
DEDUP_MAX = 255

SUCCESS = {"status": "success", "message": "Event processed"}
INVALID = {"status": "invalid event", "message": "Event object is invalid"}


class InvalidEvent(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {**INVALID, "errors": self.errors}


@dataclass(frozen=True)
class PdEvent:
    routing_key: str
    action: str
    dedup_key: str | None
    summary: str = ""
    source: str = ""
    severity: str = "warning"
    timestamp: str | None = None
    component: str | None = None
    group: str | None = None
    event_class: str | None = None
    custom_details: Any = None
    links: tuple[dict[str, str], ...] = ()
    images: tuple[dict[str, str], ...] = ()
    client: str | None = None
    client_url: str | None = None

    def with_generated_key(self) -> PdEvent:
        """A trigger without a dedup_key gets a fresh one (returned to the sender), as PagerDuty does."""
        if self.dedup_key:
            return self
        return replace(self, dedup_key=uuid.uuid4().hex)

    def incident_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {
            "dedup_key": self.dedup_key,
            "source": self.source,
            "severity": self.severity,
        }
        for name in ("component", "group", "event_class", "timestamp", "client"):
            if getattr(self, name):
                details[name] = getattr(self, name)
        if self.custom_details is not None:
            details["custom_details"] = self.custom_details
        if self.images:
            details["images"] = list(self.images)
        return details

    def incident_links(self) -> list[dict[str, str]]:
        out = [dict(link) for link in self.links]
        if self.client_url and _is_url(self.client_url):
            out.append({"href": self.client_url, "text": self.client or "Source"})
        return out


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional(payload: dict, name: str, errors: list[str]) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        errors.append(f"'payload.{name}' must be a string")
        return None
    return str(value)


def _objects(body: dict, name: str, required_key: str, errors: list[str]) -> tuple[dict[str, str], ...]:
    value = body.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.append(f"'{name}' must be an array of objects")
        return ()
    out = []
    for i, item in enumerate(value):
        if _blank(item.get(required_key)) or not isinstance(item.get(required_key), str):
            errors.append(f"'{name}[{i}].{required_key}' is missing or blank")
            continue
        if not _is_url(item[required_key]):
            errors.append(f"'{name}[{i}].{required_key}' must be an http(s) URL")
            continue
        out.append({k: str(v) for k, v in item.items() if isinstance(v, str | int | float)})
    return tuple(out)


def _timestamp(value: str | None, errors: list[str]) -> None:
    if value is None:
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.append("'payload.timestamp' is invalid (must be ISO 8601)")


def parse(body: Any) -> PdEvent:
    if not isinstance(body, dict):
        raise InvalidEvent(["Event object must be a JSON object"])
    errors: list[str] = []
    routing_key = body.get("routing_key")
    if _blank(routing_key) or not isinstance(routing_key, str):
        errors.append("'routing_key' is missing or blank")
    action = body.get("event_action")
    if _blank(action):
        errors.append("'event_action' is missing or blank")
    elif action not in ACTIONS:
        errors.append("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
    dedup_key = body.get("dedup_key")
    if dedup_key is not None and not isinstance(dedup_key, str):
        errors.append("'dedup_key' must be a string")
        dedup_key = None
    if isinstance(dedup_key, str) and len(dedup_key) > DEDUP_MAX:
        errors.append(f"'dedup_key' is too long (at most {DEDUP_MAX} characters)")
    if action in ("acknowledge", "resolve") and _blank(dedup_key):
        errors.append("'dedup_key' is missing or blank")
    fields: dict[str, Any] = {}
    if action == "trigger":
        fields = _payload(body.get("payload"), errors)
    links = _objects(body, "links", "href", errors)
    images = _objects(body, "images", "src", errors)
    client = body.get("client") if isinstance(body.get("client"), str) else None
    client_url = body.get("client_url") if isinstance(body.get("client_url"), str) else None
    if errors:
        raise InvalidEvent(errors)
    return PdEvent(
        routing_key=routing_key,
        action=action,
        dedup_key=dedup_key or None,
        links=links,
        images=images,
        client=client,
        client_url=client_url,
        **fields,
    )


def _payload(payload: Any, errors: list[str]) -> dict[str, Any]:
    if payload is None:
        errors.append("'payload' is missing or blank")
        return {}
    if not isinstance(payload, dict):
        errors.append("'payload' must be an object")
        return {}
    summary = payload.get("summary")
    if _blank(summary) or not isinstance(summary, str):
        errors.append("'payload.summary' is missing or blank")
    elif len(summary) > SUMMARY_MAX:
        errors.append(f"'payload.summary' is too long (at most {SUMMARY_MAX} characters)")
    source = payload.get("source")
    if _blank(source) or not isinstance(source, str):
        errors.append("'payload.source' is missing or blank")
    severity = payload.get("severity")
    if _blank(severity):
        errors.append("'payload.severity' is missing or blank")
    elif severity not in SEVERITIES:
        errors.append("'payload.severity' is invalid (must be one of: critical, error, warning, info)")
    timestamp = _optional(payload, "timestamp", errors)
    _timestamp(timestamp, errors)
    details = payload.get("custom_details")
    return dict(
        summary=summary if isinstance(summary, str) else "",
        source=source if isinstance(source, str) else "",
        severity=severity if isinstance(severity, str) else "warning",
        timestamp=timestamp,
        component=_optional(payload, "component", errors),
        group=_optional(payload, "group", errors),
        event_class=_optional(payload, "class", errors),
        custom_details=details,
    )
