"""Helpers for the deploy tests: talk to the running bot over HTTP as GitHub, a CI or PagerDuty would.

Nothing here stands in for our code: requests go to the real app, signed with the test secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from sqlalchemy import func, select

from bot.config import load_config
from bot.config.apply import apply_config
from storage.models import Deploy
from tests.support.harness import API_TOKEN, GITHUB_SECRET

FIXTURES = Path(__file__).parent / "fixtures"
GITHUB_EXAMPLES = FIXTURES / "github"
CHECKOUT_KEY = "0123456789abcdef0123456789abcdef"


def github_example(name: str) -> dict[str, Any]:
    """`deployment.0` -> the vendored payload (see tests/fixtures/github/SOURCE.md)."""
    return json.loads((GITHUB_EXAMPLES / f"{name}.json").read_text())


def github_example_names(event: str | None = None) -> list[str]:
    names = sorted(p.stem for p in GITHUB_EXAMPLES.glob("*.json"))
    return [n for n in names if event is None or n.rsplit(".", 1)[0] == event]


def sign(body: bytes, secret: str = GITHUB_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _request(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.request(method, url, **kwargs) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except json.JSONDecodeError:
            return response.status, text


async def send_github(
    bot,
    event: str,
    payload: dict[str, Any] | bytes,
    *,
    delivery: str | None = None,
    secret: str = GITHUB_SECRET,
    signature: str | None = None,
) -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": signature if signature is not None else sign(body, secret),
        "User-Agent": "GitHub-Hookshot/test",
    }
    return await _request("POST", f"{bot.url}/integrations/github", data=body, headers=headers)


async def post_deploy(bot, body: Any, *, token: str | None = API_TOKEN) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers["Content-Type"] = "application/json"
    return await _request("POST", f"{bot.url}/api/v1/deploys", data=data, headers=headers)


async def freeze_gate(
    bot, service: str | None, environment: str | None = None, *, token: str | None = API_TOKEN
):
    params = {k: v for k, v in (("service", service), ("environment", environment)) if v is not None}
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await _request("GET", f"{bot.url}/api/v1/deploys/freeze", params=params, headers=headers)


async def change_event(bot, body: Any) -> tuple[int, Any]:
    return await _request("POST", f"{bot.url}/v2/change/enqueue", json=body)


async def apply_team(bot, tmp_path: Path, **checkout: Any) -> None:
    """Apply tests/fixtures/team.yaml with the `checkout` service's fields changed (github_repos, ...)."""
    raw = yaml.safe_load((FIXTURES / "team.yaml").read_text())
    service = next(s for s in raw["services"] if s["id"] == "checkout")
    service.update(checkout)
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(raw))
    await apply_config(bot.ctx.db, load_config(path))


async def deploy_count(bot) -> int:
    async with bot.ctx.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Deploy)) or 0)


async def deploys(bot) -> list[Deploy]:
    async with bot.ctx.db.sessions() as session:
        return list((await session.scalars(select(Deploy).order_by(Deploy.id))).all())


_PING = re.compile(r"<!(channel|here|everyone)\b|<!subteam\^|<@U0ZOE")


def raw_markup(message) -> str:
    """The message as Slack would parse it: its text and every mrkdwn/plain text of its blocks."""
    return json.dumps({"text": message.text, "blocks": message.blocks})


def pings_anyone_unexpected(message) -> bool:
    """Would Slack turn any of this message's text into a broadcast or a mention we did not write?"""
    return _PING.search(message.text) is not None or any(
        _PING.search(text) for text in _texts(message.blocks)
    )


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []
