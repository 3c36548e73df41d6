"""Reading Block Kit the way a person does: flattened text, buttons, selects, inputs.

Also a light validator that rejects what Slack rejects most often (``invalid_blocks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TEXT_TYPES = {"plain_text", "mrkdwn"}
INTERACTIVE = {
    "button",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "overflow",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
    "plain_text_input",
    "number_input",
    "email_text_input",
    "url_text_input",
}
KNOWN_BLOCKS = {
    "section",
    "divider",
    "header",
    "context",
    "actions",
    "input",
    "image",
    "rich_text",
    "file",
    "video",
    "markdown",
    "rich_text_section",
}


def flatten_text(node: Any) -> list[str]:
    """Every piece of visible text in a block tree, in document order."""
    out: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            kind = n.get("type")
            text = n.get("text")
            if isinstance(text, str) and (kind in TEXT_TYPES or kind == "text" or kind == "markdown"):
                out.append(text)
            elif kind == "link" and isinstance(n.get("url"), str):
                out.append(n.get("text") or n["url"])
            elif kind == "user" and isinstance(n.get("user_id"), str):
                out.append(f"<@{n['user_id']}>")
            for key, value in n.items():
                if key == "text" and isinstance(value, str):
                    continue
                if isinstance(value, dict | list):
                    walk(value)

    walk(node)
    return out


def text_of(obj: Any) -> str:
    """The text of a text object (or a plain string); empty for anything else."""
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return obj if isinstance(obj, str) else ""


@dataclass
class Element:
    """An interactive element found in blocks, with the block that holds it."""

    block_id: str | None
    block_type: str
    element: dict

    @property
    def type(self) -> str:
        return self.element.get("type", "")

    @property
    def action_id(self) -> str | None:
        return self.element.get("action_id")

    @property
    def label(self) -> str:
        return text_of(self.element.get("text"))

    @property
    def placeholder(self) -> str:
        return text_of(self.element.get("placeholder"))

    def options(self) -> list[dict]:
        opts = list(self.element.get("options") or [])
        for group in self.element.get("option_groups") or []:
            opts.extend(group.get("options") or [])
        return opts


def elements(blocks: list[dict] | None) -> Iterator[Element]:
    """Interactive elements in actions blocks, section accessories and input blocks."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        kind = block.get("type", "")
        bid = block.get("block_id")
        candidates: list[Any] = []
        if kind == "actions":
            candidates = list(block.get("elements") or [])
        elif kind == "section" and block.get("accessory"):
            candidates = [block["accessory"]]
        elif kind == "input" and block.get("element"):
            candidates = [block["element"]]
        for el in candidates:
            if isinstance(el, dict) and el.get("type") in INTERACTIVE:
                yield Element(bid, kind, el)


def buttons(blocks: list[dict] | None) -> list[Element]:
    return [e for e in elements(blocks) if e.type == "button"]


def button_labels(blocks: list[dict] | None) -> list[str]:
    return [e.label for e in buttons(blocks)]


def input_blocks(blocks: list[dict] | None) -> list[dict]:
    return [b for b in blocks or [] if isinstance(b, dict) and b.get("type") == "input"]


class BlockError(ValueError):
    """Blocks Slack would refuse; ``errors`` mimics Slack's JSON-pointer messages."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def validate_blocks(blocks: Any, *, limit: int = 50, where: str = "/blocks") -> None:
    """Raise BlockError for the common mistakes Slack answers with ``invalid_blocks``."""
    errors: list[str] = []
    if not isinstance(blocks, list):
        raise BlockError([f"must be an array [json-pointer:{where}]"])
    if len(blocks) > limit:
        errors.append(f"must be no more than {limit} items [json-pointer:{where}]")
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        ptr = f"{where}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"must provide a type [json-pointer:{ptr}]")
            continue
        kind = block["type"]
        if kind not in KNOWN_BLOCKS:
            errors.append(f"unsupported type: {kind} [json-pointer:{ptr}/type]")
        bid = block.get("block_id")
        if bid is not None:
            if bid in seen_ids:
                errors.append(f"duplicate block_id {bid!r} [json-pointer:{ptr}/block_id]")
            seen_ids.add(bid)
        errors.extend(_check_block(kind, block, ptr))
    if errors:
        raise BlockError(errors)


def _check_text(obj: Any, ptr: str, maxlen: int, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES:
        return [f"must be a text object [json-pointer:{ptr}]"]
    if plain_only and obj["type"] != "plain_text":
        return [f"must be plain_text [json-pointer:{ptr}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{ptr}/text]"]
    if len(text) > maxlen:
        return [f"must be less than {maxlen + 1} characters [json-pointer:{ptr}/text]"]
    return []


def _check_block(kind: str, block: dict, ptr: str) -> list[str]:
    errors: list[str] = []
    if kind == "section":
        if "text" not in block and "fields" not in block:
            errors.append(f"must provide text or fields [json-pointer:{ptr}]")
        if "text" in block:
            errors += _check_text(block["text"], f"{ptr}/text", 3000)
        fields = block.get("fields") or []
        if len(fields) > 10:
            errors.append(f"must be no more than 10 items [json-pointer:{ptr}/fields]")
        for j, f in enumerate(fields):
            errors += _check_text(f, f"{ptr}/fields/{j}", 2000)
        if block.get("accessory"):
            errors += _check_element(block["accessory"], f"{ptr}/accessory")
    elif kind == "header":
        errors += _check_text(block.get("text"), f"{ptr}/text", 150, plain_only=True)
    elif kind == "context":
        els = block.get("elements") or []
        if not els or len(els) > 10:
            errors.append(f"must have 1 to 10 items [json-pointer:{ptr}/elements]")
    elif kind == "actions":
        els = block.get("elements") or []
        if not els or len(els) > 25:
            errors.append(f"must have 1 to 25 items [json-pointer:{ptr}/elements]")
        for j, el in enumerate(els):
            errors += _check_element(el, f"{ptr}/elements/{j}")
    elif kind == "input":
        errors += _check_text(block.get("label"), f"{ptr}/label", 2000, plain_only=True)
        if not isinstance(block.get("element"), dict):
            errors.append(f"must provide an element [json-pointer:{ptr}/element]")
    return errors


def _check_element(el: Any, ptr: str) -> list[str]:
    if not isinstance(el, dict) or not el.get("type"):
        return [f"must provide a type [json-pointer:{ptr}]"]
    errors: list[str] = []
    if el["type"] == "button":
        errors += _check_text(el.get("text"), f"{ptr}/text", 75, plain_only=True)
        if len(str(el.get("value") or "")) > 2000:
            errors.append(f"must be less than 2001 characters [json-pointer:{ptr}/value]")
    if len(str(el.get("action_id") or "")) > 255:
        errors.append(f"must be less than 256 characters [json-pointer:{ptr}/action_id]")
    return errors


def fill_ids(blocks: list[dict], prefix: str = "") -> list[dict]:
    """A copy of ``blocks`` where every block has a block_id and every interactive element an
    action_id, generated as Slack does when the sender left them out."""
    import copy
    import hashlib

    def gen(seed: str) -> str:
        return hashlib.sha1(seed.encode()).hexdigest()[:5]

    out = copy.deepcopy(blocks)
    for i, block in enumerate(out):
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", gen(f"{prefix}{i}{block.get('type')}"))
    for j, el in enumerate(elements(out)):
        el.element.setdefault("action_id", gen(f"{prefix}{el.block_id}{j}"))
    return out
