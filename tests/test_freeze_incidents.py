"""What the incident lifecycle calls: the automatic sev1 freeze, recent deploys, suspected change failures.

The incident rows are written directly (the incident service is another domain's); everything
else is the real code, observed through the gate endpoint and the emulator.
"""

from __future__ import annotations

from datetime import timedelta

from bot.deploys import (
    freeze_for_incident,
    lift_incident_freeze,
    mark_suspected_change_failures,
    recent_deploys,
)
from storage.models import Incident
from tests.deploy_helpers import apply_team, deploys, freeze_gate, post_deploy

CHANNEL = "C0CHECKOUTDEPLOYS"


async def _incident(bot, *, severity: int = 1, service: str | None = "checkout") -> Incident:
    async with bot.ctx.db.transaction() as session:
        incident = Incident(
            title="Checkout is down",
            severity=severity,
            service_id=service,
            created_at=bot.clock.now(),
            declared_by="U0CAROL",
            links=[],
            details={},
        )
        session.add(incident)
        await session.flush()
    return incident


async def test_a_sev1_freezes_production_until_resolved(team_bot, slack, clock):
    incident = await _incident(team_bot)
    async with team_bot.ctx.db.transaction() as session:
        freeze = await freeze_for_incident(session, incident, clock.now())
        again = await freeze_for_incident(session, incident, clock.now())
    team_bot.ctx.committed()
    assert freeze is not None and again.id == freeze.id
    status, body = await freeze_gate(team_bot, "checkout", "production")
    assert status == 423 and body["by"] == f"incident #{incident.id}" and body["until"] is None
    assert "sev1 incident" in body["reason"]
    assert (await freeze_gate(team_bot, "checkout", "staging"))[0] == 200
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains=[f"incident #{incident.id}", "frozen"])

    # A production deploy during it warns, and the incident's declarer hears of it.
    await post_deploy(
        team_bot,
        {
            "service": "checkout",
            "environment": "prod",
            "version": "hotfix-1",
            "status": "started",
            "actor": "dave",
        },
    )
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains=["Deployed during a freeze", "hotfix-1"])
    await slack.expect_dm("U0CAROL", contains=["arrived during your freeze", "hotfix-1"])

    clock.advance(timedelta(hours=2))
    async with team_bot.ctx.db.transaction() as session:
        lifted = await lift_incident_freeze(session, incident, clock.now())
        assert await lift_incident_freeze(session, incident, clock.now()) == []
    team_bot.ctx.committed()
    assert [f.id for f in lifted] == [freeze.id]
    assert (await freeze_gate(team_bot, "checkout", "production"))[0] == 200
    await team_bot.deliver()
    await slack.expect_message(CHANNEL, contains="no longer frozen")


async def test_no_automatic_freeze_below_sev1_or_when_switched_off(team_bot, tmp_path, clock):
    sev2 = await _incident(team_bot, severity=2)
    no_service = await _incident(team_bot, service=None)
    async with team_bot.ctx.db.transaction() as session:
        assert await freeze_for_incident(session, sev2, clock.now()) is None
        assert await freeze_for_incident(session, no_service, clock.now()) is None
    await apply_team(team_bot, tmp_path, auto_freeze_on_sev1=False)
    sev1 = await _incident(team_bot)
    async with team_bot.ctx.db.transaction() as session:
        assert await freeze_for_incident(session, sev1, clock.now()) is None
    assert (await freeze_gate(team_bot, "checkout", "production"))[0] == 200


async def test_deploys_in_the_hour_before_an_incident_are_suspected(team_bot, slack, clock):
    base = {"service": "checkout", "environment": "production", "status": "succeeded"}
    await post_deploy(team_bot, {**base, "version": "old", "id": "a"})  # 90 minutes before
    clock.advance(timedelta(minutes=60))
    await post_deploy(team_bot, {**base, "version": "suspect", "id": "b"})  # 30 minutes before
    clock.advance(timedelta(minutes=10))
    await post_deploy(team_bot, {**base, "version": "never-shipped", "id": "c", "status": "cancelled"})
    clock.advance(timedelta(minutes=20))
    await team_bot.deliver()
    incident = await _incident(team_bot, severity=2)
    async with team_bot.ctx.db.transaction() as session:
        marked = await mark_suspected_change_failures(session, incident, clock.now())
        recent = await recent_deploys(session, "checkout", clock.now() - timedelta(hours=24))
    team_bot.ctx.committed()
    assert [d.version for d in marked] == ["suspect"]
    assert [d.version for d in recent] == ["never-shipped", "suspect", "old"]
    await team_bot.deliver()
    await slack.expect_message(
        CHANNEL, contains=["Suspected change failure", f"incident #{incident.id}", "suspect"]
    )
    by_version = {d.version: d for d in await deploys(team_bot)}
    assert by_version["suspect"].suspected_incident_id == incident.id
    assert by_version["old"].suspected_incident_id is None
    assert by_version["never-shipped"].suspected_incident_id is None
