"""`opsbridge manifest` prints a Slack app manifest for PUBLIC_URL, needing no tokens."""

import yaml

from bot.cli import main


def manifest_for(monkeypatch, capsys, *args):
    monkeypatch.setenv("PUBLIC_URL", "https://ops.example.com/")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["manifest", *args]) == 0
    return yaml.safe_load(capsys.readouterr().out)


def test_manifest_declares_the_four_commands_escaped_at_the_events_url(monkeypatch, capsys):
    manifest = manifest_for(monkeypatch, capsys)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/oncall", "/incident", "/deploy", "/postmortem"}
    for command in commands.values():
        assert command["should_escape"] is True
        assert command["url"] == "https://ops.example.com/slack/events"


def test_manifest_subscribes_to_events_and_interactivity(monkeypatch, capsys):
    settings = manifest_for(monkeypatch, capsys)["settings"]
    assert settings["interactivity"]["request_url"] == "https://ops.example.com/slack/events"
    assert {"app_mention", "app_home_opened", "reaction_added", "member_joined_channel"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )


def test_manifest_asks_for_the_scopes_features_need(monkeypatch, capsys):
    scopes = set(manifest_for(monkeypatch, capsys)["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "channels:manage",
        "usergroups:write",
        "users:read.email",
        "files:write",
    } <= scopes


def test_socket_mode_manifest_has_no_request_urls(monkeypatch, capsys):
    settings = manifest_for(monkeypatch, capsys, "--socket-mode")["settings"]
    assert settings["socket_mode_enabled"] is True
    assert "request_url" not in settings["interactivity"]
