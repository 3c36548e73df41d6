"""The sandbox page's Simulate panel: the outside world calling the bot's real HTTP endpoints.

An Alertmanager webhook (payload version 4) to ``/integrations/alertmanager/{key}`` and a CI
pipeline's deploy events to ``/api/v1/deploys`` with the bearer token, exactly as those tools send
them. Bad input raises ValueError (the page answers 400).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from sandbox.page import PageConfig


async def _post(page: PageConfig, path: str, payload: dict, headers: dict | None = None) -> dict:
    if page.session is None or page.session.closed:
        page.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
    async with page.session.post(f"{page.bot_url}{path}", json=payload, headers=headers or {}) as res:
        text = await res.text()
    return {"request": f"POST {path}", "status": res.status, "body": text[:500], "payload": payload}


def _service(page: PageConfig, body: dict):
    service = page.config.service(str(body.get("service") or ""))
    if service is None:
        raise ValueError(f"no service {body.get('service')!r} in the configuration")
    return service


def alertmanager_payload(
    service: str, alertname: str, severity: str, summary: str, status: str, starts_at: str, now: str
) -> dict:
    """An Alertmanager webhook (version 4) with one alert, as Alertmanager groups by alertname+service."""
    labels = {"alertname": alertname, "service": service, "severity": severity}
    fingerprint = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
    group_labels = {"alertname": alertname, "service": service}
    group_key = "{}:{" + ", ".join(f'{k}="{v}"' for k, v in sorted(group_labels.items())) + "}"
    alert = {
        "status": status,
        "labels": labels,
        "annotations": {"summary": summary, "description": f"{summary} (simulated from the sandbox page)"},
        "startsAt": starts_at,
        "endsAt": now if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus.sandbox:9090/graph?g0.expr={alertname}",
        "fingerprint": fingerprint,
    }
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "opsbridge",
        "groupLabels": group_labels,
        "commonLabels": labels,
        "commonAnnotations": alert["annotations"],
        "externalURL": "http://alertmanager.sandbox:9093",
        "alerts": [alert],
    }


async def simulate_alert(page: PageConfig, body: dict) -> dict:
    service = _service(page, body)
    if not service.integration_keys:
        raise ValueError(f"service {service.id!r} has no integration key to send alerts to")
    status = "resolved" if body.get("status") == "resolved" else "firing"
    alertname = str(body.get("alertname") or "HighErrorRate").strip() or "HighErrorRate"
    severity = str(body.get("severity") or "critical")
    summary = str(body.get("summary") or f"{service.name or service.id}: error rate above 5%")
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    key = f"{service.id}/{alertname}"
    starts_at = page.alert_starts.setdefault(key, now)
    if status == "resolved":
        page.alert_starts.pop(key, None)
    payload = alertmanager_payload(service.id, alertname, severity, summary, status, starts_at, now)
    return await _post(page, f"/integrations/alertmanager/{service.integration_keys[0]}", payload)


async def simulate_deploy(page: PageConfig, body: dict) -> dict:
    service = _service(page, body)
    environment = str(body.get("environment") or "production")
    status = str(body.get("status") or "started")
    run_key = (service.id, environment)
    if status == "started" or run_key not in page.deploy_runs:
        page.deploy_runs[run_key] = f"sandbox-{next(page.run_numbers)}"
    run_id = page.deploy_runs[run_key]
    repo = service.github_repos[0] if service.github_repos else f"demo/{service.id}"
    actor = page.emulator.workspace.user(str(body.get("as") or ""))
    payload = {
        "service": service.id,
        "environment": environment,
        "version": str(body.get("version") or "v1.0.0"),
        "status": status,
        "id": run_id,
        "actor": actor.name if actor and not actor.is_bot else "ci",
        "url": f"https://github.com/{repo}/actions/runs/{run_id.split('-')[-1]}",
        "commit": hashlib.sha1(run_id.encode()).hexdigest(),
        "description": str(body.get("description") or f"Deploy {service.id} (sandbox)"),
    }
    answer = await _post(page, "/api/v1/deploys", payload, {"Authorization": f"Bearer {page.api_token}"})
    return {**answer, "id": run_id}
