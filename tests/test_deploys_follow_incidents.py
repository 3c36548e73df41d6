"""Deploys follow incidents end to end: a sev1 alert freezes production until it is resolved, and
the deploy shortly before it is marked as a suspected change failure."""

from datetime import timedelta

import aiohttp

from tests.deploy_helpers import deploys, freeze_gate, post_deploy

CHECKOUT_KEY = "0123456789abcdef0123456789abcdef"


async def pagerduty(bot, action: str, severity: str = "critical") -> int:
    event = {
        "routing_key": CHECKOUT_KEY,
        "event_action": action,
        "dedup_key": "checkout-5xx",
        "payload": {"summary": "checkout 5xx above 20%", "source": "lb-1", "severity": severity},
    }
    async with aiohttp.ClientSession() as http, http.post(f"{bot.url}/v2/enqueue", json=event) as response:
        return response.status


async def test_a_sev1_alert_freezes_production_deploys_until_it_resolves(team_bot):
    assert await pagerduty(team_bot, "trigger") == 202
    status, body = await freeze_gate(team_bot, service="checkout", environment="production")
    assert status == 423 and "#1" in body["reason"]

    assert await pagerduty(team_bot, "resolve") == 202
    status, body = await freeze_gate(team_bot, service="checkout", environment="production")
    assert (status, body["frozen"]) == (200, False)


async def test_a_warning_alert_freezes_nothing(team_bot):
    assert await pagerduty(team_bot, "trigger", severity="warning") == 202
    status, _ = await freeze_gate(team_bot, service="checkout", environment="production")
    assert status == 200


async def test_the_deploy_just_before_an_incident_is_a_suspected_change_failure(team_bot, clock):
    status, _ = await post_deploy(
        team_bot,
        {
            "service": "checkout",
            "environment": "production",
            "version": "1.4.0",
            "status": "succeeded",
            "id": "run-1",
        },
    )
    assert status == 201
    clock.advance(timedelta(minutes=20))
    assert await pagerduty(team_bot, "trigger") == 202
    (deploy,) = await deploys(team_bot)
    assert deploy.suspected_incident_id == 1
