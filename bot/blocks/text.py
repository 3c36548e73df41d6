"""Text helpers for Block Kit: the only place untrusted text becomes mrkdwn."""

from __future__ import annotations

from typing import Any

# Slack's mrkdwn needs only these three escaped; with them escaped, `<!channel>` or `<@U123>`
# typed by a person or an alert is shown as text and pings nobody.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: Any) -> str:
    """Untrusted text made safe for mrkdwn (no mentions, no links, no broadcasts)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(user_id: str | None) -> str:
    """A mention of a Slack user we trust (an id from Slack or our database, never typed text)."""
    return f"<@{user_id}>" if user_id else "nobody"


def link(url: str, label: str) -> str:
    """A link with an untrusted label; the URL itself must not carry `|` or `>`."""
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{escape(label)}>"


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def plain(text: str, *, emoji: bool = True) -> dict:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def section(text: str, **extra: Any) -> dict:
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(*texts: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts]}


def header(text: str) -> dict:
    return {"type": "header", "text": plain(truncate(text, 150))}


def divider() -> dict:
    return {"type": "divider"}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    element = {"type": "button", "text": plain(label), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element


def actions(*elements: dict, block_id: str | None = None) -> dict:
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block
