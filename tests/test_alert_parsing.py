"""Alertmanager and PagerDuty payloads parsed purely: what becomes of them, and errors naming the field."""

import pytest

from bot.alerts.alertmanager import PayloadError, dedup_key_of
from bot.alerts.alertmanager import parse as parse_am
from bot.alerts.pagerduty import InvalidEvent
from bot.alerts.pagerduty import parse as parse_pd


def am_payload(**overrides):
    body = {
        "version": "4",
        "groupKey": '{}:{alertname="HighLatency"}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "opsbridge",
        "groupLabels": {"alertname": "HighLatency"},
        "commonLabels": {"alertname": "HighLatency", "severity": "critical"},
        "commonAnnotations": {"summary": "p99 over 2s", "runbook_url": "https://runbooks/latency"},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighLatency", "severity": "critical", "pod": "a"},
                "annotations": {"description": "checkout is slow"},
                "startsAt": "2026-11-23T09:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prom/graph",
                "fingerprint": "f1",
            }
        ],
    }
    body.update(overrides)
    return body


def test_alertmanager_group_becomes_title_severity_links():
    group = parse_am(am_payload())
    assert group.title() == "HighLatency: p99 over 2s"
    assert group.severities() == ["critical"]
    assert group.description() == "checkout is slow"
    assert [link["text"] for link in group.links()] == ["Runbook", "Source: HighLatency", "Alertmanager"]
    assert group.fingerprints == ["f1"]


def test_alertmanager_severity_from_alerts_when_not_common_and_count_in_title():
    body = am_payload(commonLabels={"alertname": "X"}, commonAnnotations={})
    body["alerts"] = [
        {"status": "firing", "labels": {"alertname": "X", "severity": "warning"}, "fingerprint": "a"},
        {"status": "firing", "labels": {"alertname": "X", "severity": "error"}, "fingerprint": "b"},
    ]
    group = parse_am(body)
    assert sorted(group.severities()) == ["error", "warning"]
    assert group.title() == "X (2 alerts)"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"groupKey": None}, "groupKey"),
        ({"status": "exploded"}, "status"),
        ({"alerts": "nope"}, "alerts"),
        ({"alerts": [{"status": "firing"}]}, "alerts[0].labels"),
        ({"alerts": [{"status": "firing", "labels": []}]}, "alerts[0].labels"),
        ({"version": "3"}, "version"),
    ],
)
def test_alertmanager_errors_name_the_field(change, field):
    with pytest.raises(PayloadError) as error:
        parse_am(am_payload(**change))
    assert error.value.field == field and field in str(error.value)


def test_long_group_keys_stay_distinct_and_fit():
    a, b = dedup_key_of("x" * 300 + "a"), dedup_key_of("x" * 300 + "b")
    assert len(a) == len(b) == 255 and a != b
    assert dedup_key_of("short") == "short"


def pd(**overrides):
    body = {
        "routing_key": "k",
        "event_action": "trigger",
        "payload": {"summary": "Disk full", "source": "db1", "severity": "error"},
    }
    body.update(overrides)
    return body


def test_pagerduty_trigger_gets_a_key_and_keeps_optional_fields():
    event = parse_pd(
        pd(
            links=[{"href": "https://grafana/d/1", "text": "Dashboard"}],
            images=[{"src": "https://img/1.png"}],
            client="Grafana",
            client_url="https://grafana",
        )
    )
    assert event.dedup_key is None
    keyed = event.with_generated_key()
    assert len(keyed.dedup_key) == 32 and keyed.summary == "Disk full"
    assert [link["text"] for link in keyed.incident_links()] == ["Dashboard", "Grafana"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "'routing_key' is missing or blank"),
        (
            pd(event_action="explode"),
            "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
        ),
        (pd(payload=None), "'payload' is missing or blank"),
        (pd(payload={"source": "x", "severity": "info"}), "'payload.summary' is missing or blank"),
        (
            pd(payload={"summary": "s" * 1025, "source": "x", "severity": "info"}),
            "'payload.summary' is too long",
        ),
        (pd(payload={"summary": "s", "source": "x", "severity": "fatal"}), "'payload.severity' is invalid"),
        (pd(payload={"summary": "s", "severity": "info"}), "'payload.source' is missing or blank"),
        (pd(event_action="resolve"), "'dedup_key' is missing or blank"),
        (pd(dedup_key="d" * 256), "'dedup_key' is too long"),
        (pd(links=[{"text": "no href"}]), "'links[0].href' is missing or blank"),
    ],
)
def test_pagerduty_errors_as_pagerduty_lists_them(body, error):
    with pytest.raises(InvalidEvent) as raised:
        parse_pd(body)
    assert any(e.startswith(error) for e in raised.value.errors), raised.value.errors
    assert raised.value.body()["status"] == "invalid event"


def test_pagerduty_lists_every_error_at_once():
    with pytest.raises(InvalidEvent) as raised:
        parse_pd({"event_action": "trigger", "payload": {}})
    assert len(raised.value.errors) == 4  # routing_key, summary, source, severity


def test_acknowledge_and_resolve_need_no_payload():
    event = parse_pd({"routing_key": "k", "event_action": "acknowledge", "dedup_key": "d"})
    assert (event.action, event.dedup_key) == ("acknowledge", "d")
