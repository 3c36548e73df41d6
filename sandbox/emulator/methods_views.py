"""views.* methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import blocks as bk
from .api import ApiError, Params, get_user, method
from .model import View

if TYPE_CHECKING:
    from .server import SlackEmulator

PUSH_LIMIT = 3


def _invalid(*messages: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {m}" for m in messages]})


def validate_view(view: Any, kind: str) -> dict:
    if not isinstance(view, dict):
        raise _invalid("must provide an object [json-pointer:/view]")
    if view.get("type") != kind:
        raise _invalid(f"must be '{kind}' [json-pointer:/view/type]")
    errors: list[str] = []
    try:
        bk.validate_blocks(view.get("blocks") or [], limit=100, where="/view/blocks")
    except bk.BlockError as exc:
        errors += exc.errors
    if kind == "modal":
        for key, maxlen, required in (("title", 24, True), ("submit", 24, False), ("close", 24, False)):
            obj = view.get(key)
            if obj is None and not required:
                continue
            text = bk.text_of(obj)
            if not isinstance(obj, dict) or obj.get("type") != "plain_text" or not text:
                errors.append(f"must provide a plain_text object [json-pointer:/view/{key}]")
            elif len(text) > maxlen:
                errors.append(f"must be less than {maxlen + 1} characters [json-pointer:/view/{key}/text]")
        if bk.input_blocks(view.get("blocks")) and not view.get("submit"):
            errors.append(
                "must provide a submit button when the view has input blocks [json-pointer:/view/submit]"
            )
    if len(str(view.get("private_metadata") or "")) > 3000:
        errors.append("must be less than 3001 characters [json-pointer:/view/private_metadata]")
    if len(str(view.get("callback_id") or "")) > 255:
        errors.append("must be less than 256 characters [json-pointer:/view/callback_id]")
    if errors:
        raise _invalid(*errors)
    return {**view, "blocks": bk.fill_ids(view.get("blocks") or [])}


def _answer(emu: SlackEmulator, view: View) -> dict:
    return {"view": view.to_slack(emu.workspace.bot_id)}


@method("views.open")
def views_open(emu: SlackEmulator, p: Params) -> dict:
    view = validate_view(p.json("view"), "modal")
    trigger = emu.triggers.take(p.get("trigger_id") or p.get("interactivity_pointer"))
    return _answer(emu, emu.workspace.open_view(trigger.user, view))


@method("views.push")
def views_push(emu: SlackEmulator, p: Params) -> dict:
    view = validate_view(p.json("view"), "modal")
    trigger = emu.triggers.take(p.get("trigger_id") or p.get("interactivity_pointer"))
    stack = emu.workspace.open_views(trigger.user)
    if len(stack) >= PUSH_LIMIT:
        raise ApiError("push_limit_reached")
    return _answer(emu, emu.workspace.open_view(trigger.user, view, push=bool(stack)))


def find_view(emu: SlackEmulator, view_id: str | None, external_id: str | None) -> View:
    if view_id:
        found = emu.workspace.views.get(view_id)
    elif external_id:
        found = emu.workspace.view_by_external_id(external_id)
    else:
        raise ApiError("invalid_arguments")
    if found is None or found.closed:
        raise ApiError("not_found")
    return found


@method("views.update")
def views_update(emu: SlackEmulator, p: Params) -> dict:
    existing = find_view(emu, p.str("view_id"), p.str("external_id"))
    view = validate_view(p.json("view"), existing.type)
    if p.get("hash") and p.str("hash") != existing.hash:
        raise ApiError("hash_conflict")
    return _answer(emu, emu.workspace.update_view(existing, view))


@method("views.publish")
def views_publish(emu: SlackEmulator, p: Params) -> dict:
    user = get_user(emu, p.req("user_id", "user_not_found"))
    view = validate_view(p.json("view"), "home")
    current = emu.workspace.home_view(user.id)
    if current and p.get("hash") and p.str("hash") != current.hash:
        raise ApiError("hash_conflict")
    return _answer(emu, emu.workspace.publish_home(user.id, view))
