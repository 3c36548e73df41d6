"""The Slack app manifest for a deployment at PUBLIC_URL: paste it at api.slack.com/apps."""

from __future__ import annotations

import yaml

from bot.usage import HELP

COMMANDS = {
    "/oncall": (
        "Who is on call, overrides and cover requests",
        "[SCHEDULE] | next | override | cover | help",
    ),
    "/incident": ("Declare and run incidents", "declare TITLE [sevN] | ack | resolve | page | help"),
    "/deploy": ("Deploy log and freezes", "log | freeze | unfreeze | status | help"),
    "/postmortem": ("Blameless post-mortems", "list | show #ID | assign | done | help"),
}

BOT_SCOPES = [
    "app_mentions:read",
    "bookmarks:write",
    "channels:history",
    "channels:join",
    "channels:manage",
    "channels:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "groups:write",
    "im:history",
    "im:read",
    "im:write",
    "pins:read",
    "pins:write",
    "reactions:read",
    "reactions:write",
    "usergroups:read",
    "usergroups:write",
    "users:read",
    "users:read.email",
]

BOT_EVENTS = ["app_home_opened", "app_mention", "member_joined_channel", "reaction_added", "pin_added"]


def manifest(public_url: str, *, socket_mode: bool = False) -> dict:
    base = public_url.rstrip("/")
    events_url = f"{base}/slack/events"
    assert set(COMMANDS) == set(HELP)
    commands = [
        {
            "command": name,
            "url": events_url,
            "description": description,
            "usage_hint": hint,
            "should_escape": True,
        }
        for name, (description, hint) in COMMANDS.items()
    ]
    settings: dict = {
        "event_subscriptions": {"request_url": events_url, "bot_events": BOT_EVENTS},
        "interactivity": {"is_enabled": True, "request_url": events_url},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if socket_mode:
        settings["event_subscriptions"].pop("request_url")
        settings["interactivity"].pop("request_url")
        for command in commands:
            command.pop("url")
    return {
        "display_information": {
            "name": "opsbridge",
            "description": "On-call, incidents, deploys and post-mortems for Dev and Ops together",
            "background_color": "#1d4e89",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "opsbridge", "always_online": True},
            "slash_commands": commands,
            "shortcuts": [
                {
                    "name": "Declare incident",
                    "type": "message",
                    "callback_id": "declare_incident_from_message",
                    "description": "Open an incident about this message",
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }


def manifest_yaml(public_url: str, *, socket_mode: bool = False) -> str:
    return yaml.safe_dump(manifest(public_url, socket_mode=socket_mode), sort_keys=False)
