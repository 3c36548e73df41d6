"""Each source's input mapped to a deploy event (pure): the API body, GitHub payloads, PagerDuty change events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.deploys.api import BadField, parse_deploy_body
from bot.deploys.github import map_event, workflow_matches
from bot.deploys.model import Ignored, environment_matches, is_production, next_status
from bot.deploys.pagerduty import InvalidChangeEvent, parse_change_event, to_deploy_event
from tests.deploy_helpers import github_example

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BODY = {"service": "checkout", "environment": "Production", "version": "1.2.3", "status": "started"}


def test_api_body_maps_to_an_event():
    event = parse_deploy_body(
        {**BODY, "id": 42, "actor": "bob", "commit": "abc1234", "extra": "ignored"}, at=AT
    )
    assert (event.service_id, event.environment, event.status, event.external_id) == (
        "checkout",
        "production",
        "started",
        "42",
    )


@pytest.mark.parametrize("missing", ["service", "environment", "version", "status"])
def test_api_body_names_a_missing_field(missing):
    body = {k: v for k, v in BODY.items() if k != missing}
    with pytest.raises(BadField) as error:
        parse_deploy_body(body, at=AT)
    assert error.value.field == missing and missing in error.value.message


def test_api_body_lists_allowed_statuses():
    with pytest.raises(BadField) as error:
        parse_deploy_body({**BODY, "status": "exploded"}, at=AT)
    answer = error.value.as_json()
    assert answer["field"] == "status"
    assert answer["allowed"] == ["started", "succeeded", "failed", "rolled_back", "cancelled"]
    assert "rolled_back" in answer["error"] and "exploded" in answer["error"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("service", 3), ("actor", ["x"]), ("url", "ftp://x"), ("version", "v" * 201), ("environment", True)],
)
def test_api_body_rejects_bad_values(field, value):
    with pytest.raises(BadField) as error:
        parse_deploy_body({**BODY, field: value}, at=AT)
    assert error.value.field == field


def test_api_body_must_be_an_object():
    with pytest.raises(BadField):
        parse_deploy_body(["service"], at=AT)


def test_production_names_and_freeze_matching():
    assert is_production("prod") and is_production("production-eu") and not is_production("staging")
    assert environment_matches(None, "staging")
    assert environment_matches("production", "prod")
    assert not environment_matches("production", "staging")
    assert environment_matches("production", None)  # a gate that names no environment is held


def test_unordered_sources_cannot_reopen_a_finished_deploy():
    assert next_status("succeeded", "started", ordered=False) == "succeeded"
    assert next_status("failed", "started", ordered=True) == "started"
    assert next_status("succeeded", "rolled_back", ordered=False) == "rolled_back"


def _map(event: str, payload: dict, workflows: list[str] | None = None):
    return map_event(event, payload, service_id="checkout", deploy_workflows=workflows or [], at=AT)


def test_github_deployment_and_its_statuses_share_one_id():
    created = _map("deployment", github_example("deployment.0"))
    done = _map("deployment_status", github_example("deployment_status.0"))
    assert created.external_id == done.external_id == "deployment:145988746"
    assert (created.status, done.status) == ("started", "succeeded")
    assert created.version == "master" and created.actor == "Codertocat"
    assert created.commit_url.endswith(
        "/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
    )


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("queued", "started"),
        ("in_progress", "started"),
        ("success", "succeeded"),
        ("failure", "failed"),
        ("error", "failed"),
    ],
)
def test_github_deployment_states(state, status):
    payload = github_example("deployment_status.0")
    payload["deployment_status"]["state"] = state
    assert _map("deployment_status", payload).status == status


def test_github_inactive_is_ignored():
    payload = github_example("deployment_status.0")
    payload["deployment_status"]["state"] = "inactive"
    assert isinstance(_map("deployment_status", payload), Ignored)


@pytest.mark.parametrize(
    ("conclusion", "status"),
    [
        ("success", "succeeded"),
        ("failure", "failed"),
        ("timed_out", "failed"),
        ("cancelled", "cancelled"),
        ("skipped", None),
        ("neutral", None),
    ],
)
def test_github_workflow_run_conclusions(conclusion, status):
    payload = github_example("workflow_run.1")
    payload["workflow_run"]["conclusion"] = conclusion
    result = _map("workflow_run", payload, ["test"])
    if status is None:
        assert isinstance(result, Ignored)
    else:
        assert result.status == status and result.external_id == "workflow_run:289782451"
        assert result.environment == "production" and result.ref == "master"


def test_deploy_workflows_match_by_name_file_or_path():
    payload = github_example("workflow_run.1")
    assert workflow_matches(["TEST"], payload) == "TEST"
    assert workflow_matches(["test.yml"], payload) == "test.yml"
    assert workflow_matches([".github/workflows/test.yml"], payload)
    assert workflow_matches(["deploy.yml"], payload) is None


def test_change_event_maps_to_a_deploy():
    change = parse_change_event({
        "routing_key": "k",
        "payload": {"summary": "Deployed checkout 2.0", "source": "argo", "timestamp": "2026-11-23T09:00:00Z",
                    "custom_details": {"version": "2.0", "environment": "staging", "user": "bob",
                                       "build_state": "failed"}},
        "links": [{"href": "https://argo.example/app", "text": "Argo"}],
    })  # fmt: skip
    event = to_deploy_event(change, service_id="checkout", at=AT)
    assert (event.version, event.environment, event.actor, event.status, event.url) == (
        "2.0",
        "staging",
        "bob",
        "failed",
        "https://argo.example/app",
    )
    assert event.source == "pagerduty" and event.external_id is None


def test_change_event_without_details_uses_the_summary():
    event = to_deploy_event(
        parse_change_event({"routing_key": "k", "payload": {"summary": "Feature flag flipped"}}),
        service_id="checkout",
        at=AT,
    )
    assert (event.version, event.environment, event.status) == (
        "Feature flag flipped",
        "production",
        "succeeded",
    )


def test_invalid_change_events_list_every_problem():
    with pytest.raises(InvalidChangeEvent) as error:
        parse_change_event({"payload": {"summary": ""}, "links": "nope"})
    assert len(error.value.errors) == 3
