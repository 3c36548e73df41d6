"""`opsbridge apply` and `opsbridge oncall` as a person runs them: `bot.cli.main([...])` with env vars."""

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import Database
from storage.models import Person

TEAM = Path(__file__).parent / "fixtures" / "team.yaml"

INVALID = (
    TEAM.read_text()
    .replace("members: [alice, carol]}", "members: [alice, carol, zoe]}")
    .replace("rotation: daily", "rotation: hourly")
)


@pytest.fixture
def env(database_url, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "OPSBRIDGE_CONFIG", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PUBLIC_URL", "https://ops.example.com")
    return monkeypatch


def test_apply_prints_the_plan_then_no_changes(env, capsys):
    assert main(["apply", "--dry-run", str(TEAM)]) == 0
    planned = capsys.readouterr().out
    assert "  + schedule payments-ops" in planned and "Plan: 13 to add, 0 to change, 0 to remove." in planned

    env.setenv("OPSBRIDGE_CONFIG", str(TEAM))  # the default file
    assert main(["apply"]) == 0
    applied = capsys.readouterr().out
    assert "  + person alice" in applied and "Applied: 13 added, 0 changed, 0 removed." in applied

    assert main(["apply"]) == 0
    assert capsys.readouterr().out.strip() == "No changes: the database already matches the configuration."


def test_a_changed_file_plans_the_change(env, capsys, tmp_path):
    assert main(["apply", str(TEAM)]) == 0
    capsys.readouterr()
    changed = tmp_path / "changed.yaml"
    changed.write_text(TEAM.read_text().replace('shadows: [{person: erin, until: "2027-01-31"}]', ""))
    assert main(["apply", str(changed)]) == 0
    assert "  ~ schedule payments-ops (shadows)" in capsys.readouterr().out


def test_an_invalid_file_lists_every_error_and_changes_nothing(env, capsys, tmp_path):
    assert main(["apply", str(TEAM)]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID)
    assert main(["apply", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "schedules[0].layers[0].members[2]" in err and "zoe" in err
    assert "schedules[0].layers[1].rotation" in err
    assert "2 error(s)" in err and "nothing was changed" in err
    assert main(["apply", "--dry-run", str(TEAM)]) == 0
    assert capsys.readouterr().out.startswith("No changes")


def test_a_missing_file_is_an_error(env, capsys, tmp_path):
    assert main(["apply", str(tmp_path / "nope.yaml")]) == 1
    assert "configuration file not found" in capsys.readouterr().err


def test_oncall_json_has_the_contract_shape(env, capsys):
    assert main(["apply", str(TEAM)]) == 0
    capsys.readouterr()
    assert main(["oncall", "--json", "--at", "2026-11-25T12:00:00Z"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [a["schedule"] for a in answer] == ["payments-dev", "payments-ops"]
    ops = answer[1]
    assert set(ops) == {"schedule", "at", "on_call", "shadows", "next", "calendar_url"}
    assert ops["at"] == "2026-11-25T12:00:00+00:00"
    assert ops["on_call"] == {
        "person": "carol",
        "slack": "U0CAROL",
        "role": "ops",
        "until": "2026-11-28T08:00:00+00:00",
    }
    assert ops["shadows"] == ["erin"]
    assert ops["next"][0] == {
        "person": "dave",
        "start": "2026-11-28T08:00:00+00:00",
        "end": "2026-11-28T20:00:00+00:00",
    }
    assert len(ops["next"]) == 5 and all(set(n) == {"person", "start", "end"} for n in ops["next"])
    assert ops["calendar_url"].startswith("https://ops.example.com/calendar/payments-ops.ics?token=")

    # One schedule, a local time (the configured zone), and the same token every time.
    assert main(["oncall", "payments-ops", "--json", "--at", "2026-11-25T13:00"]) == 0
    [single] = json.loads(capsys.readouterr().out)
    assert single["at"] == "2026-11-25T12:00:00+00:00"
    assert single["calendar_url"] == ops["calendar_url"]


def test_oncall_text_and_mistakes(env, capsys):
    assert main(["apply", str(TEAM)]) == 0
    capsys.readouterr()
    assert main(["oncall", "payments-dev", "--at", "2026-11-25T12:00:00+00:00"]) == 0
    text = capsys.readouterr().out
    assert (
        "payments-dev (Europe/Berlin)" in text and "now:      dave (dev) until Mon 30 Nov 09:00 CET" in text
    )
    assert main(["oncall", "billing"]) == 1
    assert "payments-dev, payments-ops" in capsys.readouterr().err
    assert main(["oncall", "--at", "2027-03-28T02:30"]) == 2
    assert "does not exist" in capsys.readouterr().err


async def test_people_given_by_email_are_resolved_through_slack(env, slack, capsys, tmp_path, database_url):
    config = tmp_path / "email.yaml"
    config.write_text(
        TEAM.read_text().replace(
            "  - {id: erin,  slack: U0ERIN,  role: dev}",
            "  - {id: erin,  slack: U0ERIN,  role: dev}\n  - {id: zoe, email: zoe@example.com, role: dev}\n"
            "  - {id: yan, email: yan@example.com, role: ops}",
        )
    )
    assert await asyncio.to_thread(main, ["apply", str(config)]) == 0  # no token: a warning
    out = capsys.readouterr().out
    assert "warning: person 'zoe': no Slack user with email zoe@example.com" in out
    assert "SLACK_BOT_TOKEN is not set" in out

    env.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    env.setenv("SLACK_API_URL", slack.api_url)
    assert await asyncio.to_thread(main, ["apply", str(config)]) == 0
    out = capsys.readouterr().out
    assert "  ~ person zoe (slack_user_id)" in out
    assert "warning: person 'yan': no Slack user with email yan@example.com" in out
    assert [c.params["email"] for c in slack.calls_to("users.lookupByEmail")] == [
        "zoe@example.com",
        "yan@example.com",
    ]
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            assert (await session.get(Person, "zoe")).slack_user_id == "U0ZOE"
    finally:
        await db.dispose()


def test_serve_applies_the_configuration_at_start_and_refuses_an_invalid_one(database_url, tmp_path, capsys):
    from bot.config.cli import apply_at_start
    from tests.support import harness

    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID)
    settings = harness.test_settings(database_url, "http://127.0.0.1:9/api/", OPSBRIDGE_CONFIG=str(bad))
    assert apply_at_start(settings) == 2
    err = capsys.readouterr().err
    assert "schedules[0].layers[0].members[2]" in err and "refusing to start" in err

    settings = harness.test_settings(database_url, "http://127.0.0.1:9/api/", OPSBRIDGE_CONFIG=str(TEAM))
    assert apply_at_start(settings) == 0
    missing = harness.test_settings(
        database_url, "http://127.0.0.1:9/api/", OPSBRIDGE_CONFIG=str(tmp_path / "none")
    )
    assert apply_at_start(missing) == 0  # no file: serve what the database holds

    async def schedules() -> list[str]:
        from storage.schedules import schedule_ids

        db = Database(database_url)
        try:
            async with db.sessions() as session:
                return await schedule_ids(session)
        finally:
            await db.dispose()

    assert asyncio.run(schedules()) == ["payments-dev", "payments-ops"]


async def test_sighup_reapplies_the_file_and_keeps_the_state_when_it_is_invalid(
    database_url, slack, clock, tmp_path, caplog
):
    from bot.server import RELOAD_HOOKS
    from storage.schedules import load
    from tests.support import harness

    path = tmp_path / "opsbridge.yaml"
    running = await harness.start_bot(
        harness.test_settings(database_url, slack.api_url, OPSBRIDGE_CONFIG=str(path)), clock
    )
    try:
        hooks = running.app[RELOAD_HOOKS]
        assert hooks, "the on-call domain registers a reload hook"

        async def reload() -> list[str] | None:
            for hook in hooks:
                await hook()
            async with running.ctx.db.sessions() as session:
                record = await load(session, "payments-dev")
            return record.layers[0].members if record else None

        path.write_text(TEAM.read_text())
        assert await reload() == ["bob", "dave"]
        path.write_text(TEAM.read_text().replace("members: [bob, dave]", "members: [dave, bob]"))
        assert await reload() == ["dave", "bob"]
        path.write_text(INVALID)
        assert await reload() == ["dave", "bob"]
        assert "reload refused" in caplog.text and "members[2]" in caplog.text
    finally:
        await running.stop()
