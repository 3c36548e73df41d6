"""Prometheus metrics, on a registry of our own so tests can build many apps in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "opsbridge_http_requests_total",
            "HTTP requests served",
            ["route", "status"],
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "opsbridge_slack_api_calls_total",
            "Slack Web API calls by method and outcome",
            ["method", "outcome"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "opsbridge_outbox_pending", "Outbox messages waiting for delivery", registry=self.registry
        )
        self.pages_sent = Counter("opsbridge_pages_total", "People paged", registry=self.registry)
        self.incidents_opened = Counter(
            "opsbridge_incidents_opened_total", "Incidents opened", ["source"], registry=self.registry
        )
        self.slack_call_seconds = Histogram(
            "opsbridge_slack_api_call_seconds",
            "Slack Web API call latency",
            ["method"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
