"""The one outbound path to Slack: every Web API call goes through this client.

Bolt is handed the same client, so its own calls (auth.test, respond helpers) are counted too.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics

log = logging.getLogger("opsbridge.slack")


class InstrumentedWebClient(AsyncWebClient):
    """An AsyncWebClient that records every call's method, outcome and latency."""

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def api_call(self, api_method: str, **kwargs: Any):  # type: ignore[override]
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            outcome = str(exc.response.get("error") or exc.response.status_code)
            raise
        except Exception as exc:
            outcome = type(exc).__name__
            raise
        finally:
            self.metrics.slack_calls.labels(api_method, outcome).inc()
            self.metrics.slack_call_seconds.labels(api_method).observe(time.perf_counter() - started)
            log.debug("slack %s -> %s", api_method, outcome)


class SlackGateway:
    """Owns the client. Domain code never calls Slack: it writes outbox rows; handlers reply here."""

    def __init__(self, *, token: str, base_url: str, metrics: Metrics, timeout: int = 10) -> None:
        self.client = InstrumentedWebClient(token=token, base_url=base_url, timeout=timeout, metrics=metrics)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a Web API method by its dotted name (`chat.postMessage`) through slack_sdk's typed method."""
        func = getattr(self.client, method.replace(".", "_"), None)
        if func is None:
            response = await self.client.api_call(method, json=params)
        else:
            response = await func(**params)
        return dict(response.data) if hasattr(response, "data") else dict(response)
