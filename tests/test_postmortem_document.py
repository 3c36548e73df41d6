"""The document outside Slack: `opsbridge postmortem ID`, and the template named in the configuration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.cli import main
from bot.config import load_config
from bot.config.apply import apply_config
from bot.incidents import lifecycle
from storage.db import Database
from tests.test_postmortem_support import TEAM, a_resolved_sev1, document_link, get, set_setting


async def _an_incident(database_url: str) -> int:
    db = Database(database_url)
    try:
        await apply_config(db, load_config(TEAM))
        async with db.transaction() as session:
            now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
            outcome = await lifecycle.open_incident(
                session,
                now=now,
                title="Disk <full>",
                severity=2,
                service_id=None,
                source="slack",
                declared_by="U0BOB",
            )
            await lifecycle.resolve(
                session, outcome.incident.id, by="U0BOB", now=now.replace(hour=9), summary="Pruned"
            )
        return outcome.incident.id
    finally:
        await db.dispose()


def test_the_cli_prints_the_document_and_refuses_unknown_incidents(database_url, monkeypatch, capsys):
    ident = asyncio.run(_an_incident(database_url))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["postmortem", str(ident)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# Post-mortem: #{ident} Disk &lt;full&gt;\n")
    assert "MTTR (time to resolve): 1h 0m" in out and "**10:00 CET** Resolved by bob: Pruned" in out
    assert main(["postmortem", "#4242"]) == 1
    assert "there is no incident #4242" in capsys.readouterr().err


async def test_the_configured_template_is_used_and_a_broken_one_falls_back(team_bot, slack, clock, tmp_path):
    bot = team_bot
    template = tmp_path / "pm.md.j2"
    template.write_text("Incident {{ incident.id }}: {{ incident.title }} ({{ mttr }})\n")
    config = TEAM.read_text() + "postmortems: {required_from: sev2, template: pm.md.j2}\n"
    (tmp_path / "opsbridge.yaml").write_text(config)
    await apply_config(bot.ctx.db, load_config(tmp_path / "opsbridge.yaml"))

    ident = await a_resolved_sev1(bot, clock)
    prompt = await slack.expect_message("C0INCIDENTS", contains="Time for a blameless post-mortem")
    await slack.user("U0BOB").select(prompt, "Assign owner", "U0BOB")
    url = document_link((await slack.expect_dm("U0BOB", contains="You own")).text_content)
    url = url.replace("http://127.0.0.1:3000", bot.url)
    assert await get(url) == (200, f"Incident {ident}: Checkout returns 500 (10h 15m)\n")

    template.write_text("{% for x in %}")
    status, doc = await get(url)
    assert status == 200
    assert doc.startswith("<!-- opsbridge: the configured template failed: TemplateSyntaxError")
    assert f"# Post-mortem: #{ident} Checkout returns 500" in doc

    await set_setting(bot, "postmortems", {"required_from": "sev2", "template": str(tmp_path / "gone.j2")})
    status, doc = await get(url)
    assert "cannot be read" in doc.splitlines()[0] and "## Timeline" in doc
