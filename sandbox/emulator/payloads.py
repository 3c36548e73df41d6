"""Pieces of the payloads Slack sends: mention escaping and input values as Slack shapes them."""

from __future__ import annotations

import re
from typing import Any

from . import blocks as bk
from .state import Workspace

_AT = re.compile(r"(?<![<\w|^!@])@([A-Za-z0-9._\-]+)")
_HASH = re.compile(r"(?<![<\w|#])#([a-z0-9_\-]+)")


def escape_mentions(ws: Workspace, text: str, *, with_names: bool) -> str:
    """``@alice`` -> ``<@U0ALICE|alice>`` (or ``<@U0ALICE>``), ``#chan`` -> ``<#C..|chan>``, ``@group`` ->
    ``<!subteam^S..|@group>``, ``@here``/``@channel`` -> ``<!here>``; unknown names stay as typed."""

    def at(m: re.Match) -> str:
        name = m.group(1).rstrip(".")
        tail = m.group(1)[len(name) :]
        if name in ("here", "channel", "everyone"):
            return f"<!{name}>{tail}"
        user = ws.user_by_name(name) or ws.users.get(name)
        if user is not None:
            return (f"<@{user.id}|{user.name}>" if with_names else f"<@{user.id}>") + tail
        group = next((g for g in ws.usergroups.values() if g.handle == name), None)
        if group is not None:
            return f"<!subteam^{group.id}|@{group.handle}>{tail}"
        return m.group(0)

    def hash_(m: re.Match) -> str:
        channel = ws.channel_by_name(m.group(1))
        return f"<#{channel.id}|{channel.name}>" if channel else m.group(0)

    return _HASH.sub(hash_, _AT.sub(at, text))


def option_for(element: bk.Element, value: str) -> dict:
    """The option whose value or label is ``value``; AssertionError listing the choices."""
    options = element.options()
    for opt in options:
        if opt.get("value") == value or bk.text_of(opt.get("text")) == value:
            return {"text": opt.get("text"), "value": opt.get("value")}
    if element.type == "external_select" or not options:
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    choices = [f"{bk.text_of(o.get('text'))!r}={o.get('value')!r}" for o in options]
    raise AssertionError(f"no option {value!r} in {element.action_id!r}; options: {', '.join(choices)}")


def state_value(element: bk.Element, value: Any) -> dict:
    """The ``view.state.values`` entry (also the action fields) for ``value`` chosen in ``element``."""
    kind = element.type
    out: dict[str, Any] = {"type": kind}
    many = isinstance(value, list | tuple | set)
    values = list(value) if many else ([] if value is None else [value])
    if kind in ("static_select", "external_select", "overflow", "radio_buttons"):
        out["selected_option"] = option_for(element, values[0]) if values else None
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        out["selected_options"] = [option_for(element, v) for v in values]
    elif kind == "users_select":
        out["selected_user"] = values[0] if values else None
    elif kind == "multi_users_select":
        out["selected_users"] = values
    elif kind == "conversations_select":
        out["selected_conversation"] = values[0] if values else None
    elif kind == "multi_conversations_select":
        out["selected_conversations"] = values
    elif kind == "channels_select":
        out["selected_channel"] = values[0] if values else None
    elif kind == "multi_channels_select":
        out["selected_channels"] = values
    elif kind == "datepicker":
        out["selected_date"] = values[0] if values else None
    elif kind == "timepicker":
        out["selected_time"] = values[0] if values else None
    elif kind == "datetimepicker":
        out["selected_date_time"] = int(values[0]) if values else None
    else:  # plain_text_input, number_input, email_text_input, url_text_input, rich_text_input
        out["value"] = None if value is None else str(value)
    return out


def is_empty(entry: dict) -> bool:
    return all(v in (None, [], "") for k, v in entry.items() if k != "type")


def find_element(blocks: list[dict], key: str) -> bk.Element:
    """An interactive element by action_id, placeholder, or its input block's label."""
    labels = {b.get("block_id"): bk.text_of(b.get("label")) for b in bk.input_blocks(blocks)}
    found = [e for e in bk.elements(blocks) if e.type != "button"]
    for e in found:
        if key in (e.action_id, e.placeholder, e.block_id) or (
            e.block_type == "input" and labels.get(e.block_id) == key
        ):
            return e
    names = [e.action_id or e.placeholder for e in found]
    raise AssertionError(f"no input or select {key!r}; there are: {names}")
