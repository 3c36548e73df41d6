"""GitHub webhook payloads turned into deploy events. Pure: the handler verifies and looks up.

- `deployment` (`created`) starts a deploy; `deployment_status` moves it (`queued`, `pending`,
  `in_progress` -> started; `success` -> succeeded; `failure`, `error` -> failed; `inactive`,
  which only says a newer deployment replaced this one, is ignored). Both share the deploy
  `deployment:{id}`, so one GitHub deployment is one living Slack message.
- `workflow_run` counts only for workflows the service lists in `deploy_workflows` (matched
  by name, file name or path, case-insensitively), and only once `completed`: its conclusion is
  the outcome (`success`; `failure`, `timed_out`, `startup_failure`; `cancelled`). Conclusions
  that say nothing about a deploy (`skipped`, `neutral`, `action_required`, `stale`) are ignored.
  With no `deploy_workflows`, every workflow_run is ignored: most runs are tests and linters, and
  a deploy channel flooded with them would be muted. GitHub's run carries no environment, so a
  deploy workflow is reported as `production`; use GitHub deployments for other environments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.deploys.model import DeployEvent, Ignored, github_commit_url, normalize_environment, short_sha

HANDLED_EVENTS = ("deployment", "deployment_status", "workflow_run")

DEPLOYMENT_STATES = {
    "queued": "started",
    "pending": "started",
    "in_progress": "started",
    "success": "succeeded",
    "failure": "failed",
    "error": "failed",
}
RUN_CONCLUSIONS = {
    "success": "succeeded",
    "failure": "failed",
    "timed_out": "failed",
    "startup_failure": "failed",
    "cancelled": "cancelled",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def repository_of(payload: dict[str, Any]) -> str | None:
    """`owner/name`, lowercased as `github_repos` stores it; None for org-level hooks."""
    name = _str(_dict(payload.get("repository")).get("full_name"))
    return name.lower() if name else None


def _login(user: Any) -> str | None:
    return _str(_dict(user).get("login"))


def map_event(
    event: str,
    payload: dict[str, Any],
    *,
    service_id: str,
    deploy_workflows: list[str],
    at: datetime,
) -> DeployEvent | Ignored:
    """The deploy event a delivery means for `service_id`, or why it means none."""
    if event == "deployment":
        return _deployment(payload, service_id, at)
    if event == "deployment_status":
        return _deployment_status(payload, service_id, at)
    if event == "workflow_run":
        return _workflow_run(payload, service_id, deploy_workflows, at)
    return Ignored(f"event {event!r} is not about deploys")


def _repo_name(payload: dict[str, Any]) -> str | None:
    return _str(_dict(payload.get("repository")).get("full_name"))


def _version(deployment: dict[str, Any]) -> str:
    """What was deployed, as people name it: the payload's `version`, else the ref, else the SHA."""
    explicit = _str(_dict(deployment.get("payload")).get("version"))
    ref, sha = _str(deployment.get("ref")), _str(deployment.get("sha"))
    if explicit:
        return explicit
    if ref and ref != sha:
        return ref
    return short_sha(sha) or "unknown"


def _from_deployment(
    payload: dict[str, Any], service_id: str, at: datetime, *, status: str, extra: dict[str, Any]
) -> DeployEvent | Ignored:
    deployment = _dict(payload.get("deployment"))
    deployment_id = deployment.get("id")
    if deployment_id is None:
        return Ignored("deployment without an id")
    environment = _str(extra.get("environment")) or _str(deployment.get("environment")) or "production"
    sha = _str(deployment.get("sha"))
    run_url = _str(_dict(payload.get("workflow_run")).get("html_url"))
    return DeployEvent(
        service_id=service_id,
        environment=normalize_environment(environment),
        version=_version(deployment),
        status=status,
        source="github",
        at=at,
        external_id=f"deployment:{deployment_id}",
        actor=_login(deployment.get("creator")) or _login(payload.get("sender")),
        url=_str(extra.get("url")) or run_url,
        commit=sha,
        commit_url=github_commit_url(_repo_name(payload), sha),
        ref=_str(deployment.get("ref")),
        description=_str(extra.get("description")) or _str(deployment.get("description")),
        ordered=False,
        details={"task": _str(deployment.get("task"))},
    )


def _deployment(payload: dict[str, Any], service_id: str, at: datetime) -> DeployEvent | Ignored:
    action = payload.get("action")
    if action != "created":
        return Ignored(f"deployment action {action!r} is not a new deployment")
    return _from_deployment(payload, service_id, at, status="started", extra={})


def _deployment_status(payload: dict[str, Any], service_id: str, at: datetime) -> DeployEvent | Ignored:
    status = _dict(payload.get("deployment_status"))
    state = _str(status.get("state"))
    if state == "inactive":
        return Ignored("deployment_status 'inactive': a newer deployment replaced this one")
    mapped = DEPLOYMENT_STATES.get(state or "")
    if mapped is None:
        return Ignored(f"deployment_status state {state!r} is not one we show")
    extra = {
        "environment": status.get("environment"),
        "url": _str(status.get("log_url")) or _str(status.get("target_url")),
        "description": status.get("description"),
    }
    return _from_deployment(payload, service_id, at, status=mapped, extra=extra)


def workflow_matches(deploy_workflows: list[str], payload: dict[str, Any]) -> str | None:
    """The entry of `deploy_workflows` this run matches (by name, file name or path), if any."""
    run, workflow = _dict(payload.get("workflow_run")), _dict(payload.get("workflow"))
    path = _str(run.get("path")) or _str(workflow.get("path")) or ""
    candidates = {
        (_str(run.get("name")) or "").lower(),
        (_str(workflow.get("name")) or "").lower(),
        path.lower(),
        path.rsplit("/", 1)[-1].lower(),
    } - {""}
    for wanted in deploy_workflows:
        if wanted.strip().lower() in candidates:
            return wanted
    return None


def _run_name(payload: dict[str, Any]) -> str:
    run, workflow = _dict(payload.get("workflow_run")), _dict(payload.get("workflow"))
    path = _str(run.get("path")) or _str(workflow.get("path")) or ""
    return _str(run.get("name")) or _str(workflow.get("name")) or path.rsplit("/", 1)[-1] or "workflow"


def _workflow_run(
    payload: dict[str, Any], service_id: str, deploy_workflows: list[str], at: datetime
) -> DeployEvent | Ignored:
    run = _dict(payload.get("workflow_run"))
    name = _run_name(payload)
    if not deploy_workflows:
        return Ignored(f"workflow {name!r}: service {service_id!r} lists no deploy_workflows")
    if workflow_matches(deploy_workflows, payload) is None:
        return Ignored(f"workflow {name!r} is not one of {service_id!r}'s deploy_workflows")
    action = payload.get("action")
    if action != "completed":
        return Ignored(f"workflow_run {action!r}: only completed runs are reported")
    conclusion = _str(run.get("conclusion"))
    status = RUN_CONCLUSIONS.get(conclusion or "")
    if status is None:
        return Ignored(f"workflow_run conclusion {conclusion!r} says nothing about a deploy")
    if run.get("id") is None:
        return Ignored("workflow_run without an id")
    sha = _str(run.get("head_sha"))
    head_commit = _dict(run.get("head_commit"))
    title = _str(run.get("display_title")) or (_str(head_commit.get("message")) or "").split("\n")[0]
    return DeployEvent(
        service_id=service_id,
        environment="production",
        version=short_sha(sha) or f"run {run.get('run_number') or run.get('id')}",
        status=status,
        source="github",
        at=at,
        external_id=f"workflow_run:{run['id']}",
        actor=_login(run.get("triggering_actor"))
        or _login(run.get("actor"))
        or _login(payload.get("sender")),
        url=_str(run.get("html_url")),
        commit=sha,
        commit_url=github_commit_url(_repo_name(payload), sha),
        ref=_str(run.get("head_branch")),
        description=f"{name}: {title}" if title else name,
        ordered=False,
        details={"workflow": name, "run_attempt": run.get("run_attempt")},
    )
