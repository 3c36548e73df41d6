"""Alertmanager webhook payloads (version 4), parsed into plain values; errors name the bad field.

One Alertmanager group (`groupKey`) is one incident per service: Alertmanager re-sends the whole
group on every change and every `repeat_interval`, so the payload says what is firing *now*;
`status: resolved` means every alert of the group has ended.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


class PayloadError(ValueError):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"'{field_name}' {problem}")
        self.field = field_name


@dataclass(frozen=True)
class Alert:
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: str | None = None
    ends_at: str | None = None
    generator_url: str | None = None
    fingerprint: str | None = None

    @property
    def identity(self) -> str:
        return self.fingerprint or ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))


@dataclass(frozen=True)
class AlertGroup:
    group_key: str
    status: str  # firing | resolved
    alerts: tuple[Alert, ...]
    receiver: str = ""
    group_labels: dict[str, str] = field(default_factory=dict)
    common_labels: dict[str, str] = field(default_factory=dict)
    common_annotations: dict[str, str] = field(default_factory=dict)
    external_url: str | None = None
    truncated: int = 0

    @property
    def firing(self) -> list[Alert]:
        return [a for a in self.alerts if a.status == "firing"]

    @property
    def fingerprints(self) -> list[str]:
        """What is firing now, to tell a real change from a re-send."""
        return sorted(a.identity for a in self.firing)

    def title(self) -> str:
        alerts = self.firing or list(self.alerts)
        first = alerts[0] if alerts else None
        name = (
            self.common_labels.get("alertname")
            or self.group_labels.get("alertname")
            or (first.labels.get("alertname") if first else None)
            or "Alertmanager alert"
        )
        summary = (
            self.common_annotations.get("summary")
            or self.common_annotations.get("title")
            or (first.annotations.get("summary") if first else None)
        )
        title = f"{name}: {summary}" if summary and summary != name else name
        count = len(alerts) + self.truncated
        if count > 1:
            title += f" ({count} alerts)"
        return title[:1024]

    def description(self) -> str | None:
        alerts = self.firing or list(self.alerts)
        return self.common_annotations.get("description") or next(
            (a.annotations["description"] for a in alerts if a.annotations.get("description")), None
        )

    def severities(self) -> list[str]:
        if self.common_labels.get("severity"):
            return [self.common_labels["severity"]]
        return [a.labels["severity"] for a in (self.firing or self.alerts) if a.labels.get("severity")]

    def links(self) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        runbook = self.common_annotations.get("runbook_url")
        if _is_url(runbook):
            out.append({"href": runbook, "text": "Runbook"})
        for alert in (self.firing or list(self.alerts))[:3]:
            if _is_url(alert.generator_url):
                out.append(
                    {"href": alert.generator_url, "text": f"Source: {alert.labels.get('alertname', 'alert')}"}
                )
        if _is_url(self.external_url):
            out.append({"href": self.external_url, "text": "Alertmanager"})
        return out

    def details(self) -> dict[str, Any]:
        return {
            "group_key": self.group_key,
            "receiver": self.receiver,
            "labels": self.common_labels,
            "firing": self.fingerprints,
            "alert_count": len(self.alerts) + self.truncated,
        }


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def _str_map(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(name, "must be an object of strings")
    return {str(k): str(v) for k, v in value.items()}


def _optional_str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PayloadError(name, "must be a string")
    return value


def dedup_key_of(group_key: str) -> str:
    """Group keys can outgrow the 255-character key column: long ones keep a prefix and a hash."""
    if len(group_key) <= 255:
        return group_key
    return group_key[:190] + ":" + hashlib.sha256(group_key.encode()).hexdigest()


def parse(body: Any) -> AlertGroup:
    if not isinstance(body, dict):
        raise PayloadError("body", "must be a JSON object (an Alertmanager webhook payload)")
    version = body.get("version")
    if version is not None and str(version) != "4":
        raise PayloadError("version", f'must be "4" (got {version!r})')
    group_key = body.get("groupKey")
    if not isinstance(group_key, str) or not group_key:
        raise PayloadError("groupKey", "is missing or not a non-empty string")
    status = body.get("status")
    if status not in ("firing", "resolved"):
        raise PayloadError("status", 'must be "firing" or "resolved"')
    raw_alerts = body.get("alerts")
    if not isinstance(raw_alerts, list):
        raise PayloadError("alerts", "is missing or not a list")
    alerts = []
    for i, raw in enumerate(raw_alerts):
        where = f"alerts[{i}]"
        if not isinstance(raw, dict):
            raise PayloadError(where, "must be an object")
        alert_status = raw.get("status", status)
        if alert_status not in ("firing", "resolved"):
            raise PayloadError(f"{where}.status", 'must be "firing" or "resolved"')
        if "labels" not in raw:
            raise PayloadError(f"{where}.labels", "is missing")
        alerts.append(
            Alert(
                status=alert_status,
                labels=_str_map(raw.get("labels"), f"{where}.labels"),
                annotations=_str_map(raw.get("annotations"), f"{where}.annotations"),
                starts_at=_optional_str(raw.get("startsAt"), f"{where}.startsAt"),
                ends_at=_optional_str(raw.get("endsAt"), f"{where}.endsAt"),
                generator_url=_optional_str(raw.get("generatorURL"), f"{where}.generatorURL"),
                fingerprint=_optional_str(raw.get("fingerprint"), f"{where}.fingerprint"),
            )
        )
    truncated = body.get("truncatedAlerts", 0)
    return AlertGroup(
        group_key=dedup_key_of(group_key),
        status=status,
        alerts=tuple(alerts),
        receiver=str(body.get("receiver") or ""),
        group_labels=_str_map(body.get("groupLabels"), "groupLabels"),
        common_labels=_str_map(body.get("commonLabels"), "commonLabels"),
        common_annotations=_str_map(body.get("commonAnnotations"), "commonAnnotations"),
        external_url=_optional_str(body.get("externalURL"), "externalURL"),
        truncated=truncated if isinstance(truncated, int) and truncated > 0 else 0,
    )
