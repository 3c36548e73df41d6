"""Alert intake over HTTP: Alertmanager and PagerDuty v2 open, deduplicate, update and resolve incidents."""

import asyncio

import pytest
from sqlalchemy import func, select

from storage.models import Incident, IncidentEvent, OpenAlert, Page
from tests.support.paging import post_json, quiesce

KEY = "0123456789abcdef0123456789abcdef"  # tests/fixtures/team.yaml, service checkout


@pytest.fixture(autouse=True)
async def _quiet_teardown(team_bot):
    yield
    await quiesce(team_bot)


def am(status="firing", group='{}:{alertname="HighLatency"}', fingerprints=("f1",), severity="warning"):
    return {
        "version": "4",
        "groupKey": group,
        "status": status,
        "receiver": "opsbridge",
        "truncatedAlerts": 0,
        "groupLabels": {"alertname": "HighLatency"},
        "commonLabels": {"alertname": "HighLatency", "severity": severity},
        "commonAnnotations": {"summary": "p99 latency over 2s"},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HighLatency", "instance": fp},
                "annotations": {},
                "startsAt": "2026-11-23T08:59:00Z",
                "fingerprint": fp,
            }
            for fp in fingerprints
        ],
    }


def pd(action="trigger", dedup_key=None, summary="Disk full on db1", severity="warning", routing_key=KEY):
    body = {"routing_key": routing_key, "event_action": action}
    if action == "trigger":
        body["payload"] = {"summary": summary, "source": "db1", "severity": severity}
    if dedup_key:
        body["dedup_key"] = dedup_key
    return body


async def count(bot, model, *where) -> int:
    async with bot.ctx.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def kinds(bot) -> list[str]:
    async with bot.ctx.db.sessions() as session:
        return list(await session.scalars(select(IncidentEvent.kind).order_by(IncidentEvent.id)))


async def test_alertmanager_bad_requests(team_bot):
    url = f"{team_bot.url}/integrations/alertmanager"
    status, body = await post_json(f"{url}/nope", am())
    assert status == 404 and "Unknown integration key" in body["message"]
    status, body = await post_json(f"{url}/{KEY}", None, raw=b"{not json")
    assert status == 400 and body["field"] == "body" and "Malformed JSON" in body["message"]
    broken = am()
    del broken["groupKey"]
    status, body = await post_json(f"{url}/{KEY}", broken)
    assert status == 400 and body["field"] == "groupKey" and "'groupKey'" in body["message"]
    status, body = await post_json(f"{url}/{KEY}", am() | {"alerts": [{"status": "firing"}]})
    assert status == 400 and body["field"] == "alerts[0].labels"
    assert await count(team_bot, Incident) == 0


async def test_alertmanager_group_opens_once_updates_and_resolves(team_bot, slack):
    url = f"{team_bot.url}/integrations/alertmanager/{KEY}"
    status, body = await post_json(url, am())
    assert (status, body["action"], body["incident"]) == (200, "opened", 1)
    await team_bot.run_due()
    page = await slack.expect_dm(
        "U0CAROL", contains=["HighLatency: p99 latency over 2s", "SEV3", "Acknowledge"]
    )
    assert "Alertmanager" in page.text_content  # the link back
    for _ in range(3):  # Alertmanager re-sends the group every group_interval / repeat_interval
        status, body = await post_json(url, am())
        assert (status, body["action"]) == (200, "duplicate")
    status, body = await post_json(url, am(fingerprints=("f1", "f2")))  # a second alert joins the group
    assert body["action"] == "updated"
    await team_bot.run_due()
    assert await count(team_bot, Incident) == 1
    assert await count(team_bot, Page, Page.is_shadow.is_(False)) == 1
    assert (await kinds(team_bot)).count("alert_updated") == 1

    status, body = await post_json(url, am(status="resolved"))
    assert (status, body["action"]) == (200, "resolved")
    await team_bot.run_due()
    await slack.expect_dm("U0CAROL", contains="Resolved by alertmanager")
    async with team_bot.ctx.db.sessions() as session:
        incident = await session.get(Incident, 1)
    assert (incident.state, incident.resolved_by) == ("resolved", "alertmanager")
    status, body = await post_json(url, am(status="resolved"))
    assert body["action"] == "ignored"
    assert await count(team_bot, OpenAlert) == 0


async def test_alertmanager_info_severity_opens_without_paging(team_bot):
    status, body = await post_json(f"{team_bot.url}/integrations/alertmanager/{KEY}", am(severity="info"))
    assert (status, body["action"]) == (200, "opened")
    await team_bot.run_due()
    async with team_bot.ctx.db.sessions() as session:
        incident = await session.get(Incident, 1)
    assert incident.severity == 4 and incident.next_escalation_at is None
    assert await count(team_bot, Page) == 0


async def test_pagerduty_answers_like_pagerduty(team_bot):
    url = f"{team_bot.url}/v2/enqueue"
    status, body = await post_json(url, None, raw=b"]]")
    assert (
        status == 400 and body["status"] == "invalid event" and body["message"] == "Event object is invalid"
    )
    assert body["errors"] and "Malformed JSON" in body["errors"][0]
    status, body = await post_json(
        url, {"routing_key": KEY, "event_action": "trigger", "payload": {"source": "x"}}
    )
    assert status == 400 and body["status"] == "invalid event"
    assert "'payload.summary' is missing or blank" in body["errors"]
    assert "'payload.severity' is missing or blank" in body["errors"]
    status, body = await post_json(url, pd(routing_key="ffffffffffffffffffffffffffffffff"))
    assert (status, body) == (
        400,
        {"status": "invalid event", "message": "Event object is invalid", "errors": ["Invalid routing key"]},
    )
    status, body = await post_json(url, pd())
    assert status == 202 and body["status"] == "success" and body["message"] == "Event processed"
    assert len(body["dedup_key"]) == 32
    status, again = await post_json(url, pd())  # no dedup_key: PagerDuty makes a new alert each time
    assert again["dedup_key"] != body["dedup_key"]
    assert await count(team_bot, Incident) == 2


async def test_pagerduty_dedup_acknowledge_resolve_and_reopen(team_bot, slack):
    url = f"{team_bot.url}/v2/enqueue"
    for _ in range(5):
        status, body = await post_json(url, pd(dedup_key="disk-db1"))
        assert (status, body["dedup_key"]) == (202, "disk-db1")
    await team_bot.run_due()
    await slack.expect_dm("U0CAROL", contains="Disk full on db1")
    assert await count(team_bot, Incident) == 1
    assert await count(team_bot, Page, Page.is_shadow.is_(False)) == 1

    status, body = await post_json(url, pd("acknowledge", "disk-db1"))
    assert (status, body["dedup_key"]) == (202, "disk-db1")
    await team_bot.run_due()
    await slack.expect_message("C0INCIDENTS", contains="pagerduty acknowledged incident #1")
    await post_json(url, pd(dedup_key="disk-db1"))  # a trigger while acknowledged: nobody is paged again
    assert await count(team_bot, Page, Page.is_shadow.is_(False)) == 1

    await post_json(url, pd("resolve", "disk-db1"))
    async with team_bot.ctx.db.sessions() as session:
        assert (await session.get(Incident, 1)).state == "resolved"
    await post_json(url, pd(dedup_key="disk-db1"))  # after the resolve, the key opens a new incident
    await team_bot.run_due()
    await slack.expect_dm("U0CAROL", contains="incident #2")
    assert await count(team_bot, Incident) == 2


async def test_concurrent_identical_alerts_open_one_incident_and_page_once(team_bot, slack):
    url = f"{team_bot.url}/v2/enqueue"
    am_url = f"{team_bot.url}/integrations/alertmanager/{KEY}"
    results = await asyncio.gather(
        *[post_json(url, pd(dedup_key="storm")) for _ in range(20)],
        *[post_json(am_url, am(group="storm-group")) for _ in range(20)],
    )
    assert {status for status, _ in results} <= {200, 202}
    await team_bot.run_due()
    assert await count(team_bot, Incident) == 2
    assert await count(team_bot, Page, Page.is_shadow.is_(False)) == 2
    dms = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == "U0CAROL"]
    assert len(dms) == 2
    metrics = team_bot.ctx.metrics.render().decode()
    assert "opsbridge_pages_total 2.0" in metrics
    assert 'opsbridge_incidents_opened_total{source="pagerduty"} 1.0' in metrics
    assert 'opsbridge_incidents_opened_total{source="alertmanager"} 1.0' in metrics
