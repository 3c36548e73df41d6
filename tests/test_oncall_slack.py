"""`/oncall`, `/oncall SCHEDULE`, `/oncall next` and `/oncall override` through the emulator.

The clock starts Monday 2026-11-23 09:00 UTC (10:00 in Berlin). With tests/fixtures/team.yaml,
carol (ops) holds payments-ops and dave (dev) holds payments-dev this week; erin shadows ops.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.config import load_config
from bot.config.apply import apply_config
from storage.models import Override


async def test_oncall_lists_every_schedule_with_role_and_shift_end(team_bot, slack):
    await slack.user("U0ALICE").command("/oncall", "", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="On call now")
    shown = reply.text_content
    assert "*payments-ops*: <@U0CAROL> (ops) until Sat 28 Nov 09:00 CET" in shown
    assert "*payments-dev*: <@U0DAVE> (dev) until Mon 30 Nov 09:00 CET" in shown
    assert "shadow: <@U0ERIN> (dev)" in shown
    assert slack.messages_in("C0GENERAL") == []


async def test_times_are_shown_in_the_callers_zone(bot, slack, tmp_path):
    path = tmp_path / "opsbridge.yaml"
    source = load_config_text().replace(
        "{id: bob,   slack: U0BOB,   role: dev}",
        "{id: bob, slack: U0BOB, role: dev, timezone: America/New_York}",
    )
    path.write_text(source)
    await apply_config(bot.ctx.db, load_config(path))
    await slack.user("U0BOB").command("/oncall", "", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="On call now")
    assert "until Mon 30 Nov 03:00 EST" in reply.text_content
    # Someone not in the roster sees the configured zone.
    await slack.user("U0ZOE").command("/oncall", "", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ZOE", contains="On call now")
    assert "until Mon 30 Nov 09:00 CET" in reply.text_content


def load_config_text() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "fixtures" / "team.yaml").read_text()


async def test_oncall_schedule_shows_next_five_shifts_shadows_and_calendar(team_bot, slack):
    await slack.user("U0BOB").command("/oncall", "payments-dev", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="On call: payments-dev")
    shown = reply.text_content
    assert "Now: <@U0DAVE> (dev) until Mon 30 Nov 09:00 CET" in shown
    assert shown.count("• ") == 5
    assert "Mon 30 Nov 09:00 CET → Mon 7 Dec 09:00 CET  <@U0BOB> (dev)" in shown
    assert "http://127.0.0.1:3000/calendar/payments-dev.ics?token=" in shown
    await slack.user("U0BOB").command("/oncall", "payments-ops", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="On call: payments-ops")
    assert "Shadow: <@U0ERIN> (dev)" in reply.text_content


async def test_an_unknown_schedule_lists_the_valid_ones(team_bot, slack):
    await slack.user("U0BOB").command("/oncall", "payments", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="no schedule")
    assert "`payments-dev`, `payments-ops`" in reply.text_content


async def test_next_shows_the_callers_own_shifts(team_bot, slack):
    await slack.user("U0BOB").command("/oncall", "next", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="Your next shifts")
    assert "*payments-dev*: Mon 30 Nov 09:00 CET → Mon 7 Dec 09:00 CET" in reply.text_content
    await slack.user("U0DAVE").command("/oncall", "next payments-ops", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0DAVE", contains="Your next shifts in *payments-ops*")
    assert "Sat 28 Nov 09:00 CET → Sat 28 Nov 21:00 CET" in reply.text_content
    assert "payments-dev" not in reply.text_content
    await slack.user("U0ZOE").command("/oncall", "next", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ZOE", contains="not in the on-call roster")


async def _overrides(bot) -> list[Override]:
    async with bot.ctx.db.sessions() as session:
        return list((await session.scalars(select(Override).order_by(Override.id))).all())


async def test_an_admin_overrides_and_the_answer_changes(team_bot, slack):
    await slack.user("U0ALICE").command("/oncall", "override payments-ops @bob now +4h", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="is on call for")
    assert "<@U0BOB> (dev) is on call for *payments-ops* instead of <@U0CAROL> (ops)" in reply.text_content
    [override] = await _overrides(team_bot)
    assert (override.person_id, override.replaces_person_id, override.source) == ("bob", "carol", "slack")
    assert override.end_at - override.start_at == timedelta(hours=4)
    await slack.expect_dm("U0BOB", contains="<@U0ALICE> put you on call for *payments-ops*")
    update = await slack.expect_call("usergroups.users.update", where=lambda c: "U0BOB" in str(c.params))
    assert set(update.params["users"].split(",")) == {"U0BOB", "U0DAVE"}
    await slack.user("U0ALICE").command("/oncall", "payments-ops", channel="C0GENERAL")
    detail = await slack.expect_ephemeral("U0ALICE", contains="Now: <@U0BOB> (dev)")
    assert "until Mon 23 Nov 14:00 CET" in detail.text_content


async def test_the_person_being_replaced_may_override(team_bot, slack):
    await slack.user("U0CAROL").command(
        "/oncall", "override payments-ops @dave 2026-11-24 09:00 2026-11-24 18:00", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0CAROL", contains="<@U0DAVE> (dev) is on call for *payments-ops*")
    [override] = await _overrides(team_bot)
    assert override.start_at == datetime(2026, 11, 24, 8, tzinfo=UTC)


async def test_someone_else_may_not_override(team_bot, slack):
    await slack.user("U0BOB").command("/oncall", "override payments-ops @bob now +4h", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0BOB", contains="Only an admin or the person on call")
    assert "(carol)" in reply.text_content
    assert await _overrides(team_bot) == []


async def test_override_refusals_reach_the_caller(team_bot, slack):
    alice = slack.user("U0ALICE")
    cases = [
        ("override payments-ops @bob +4h now", "must be after its start"),
        ("override payments-ops @bob now +32d", "at most 31 days"),
        (
            "override payments-ops @bob 2027-03-28 02:30 2027-03-28 05:00",
            "2027-03-28 02:30 does not exist in Europe/Berlin",
        ),
        ("override billing @bob now +1h", "Schedules: `payments-dev`, `payments-ops`"),
        ("override payments-ops @zoe now +1h", "<@U0ZOE> is not in the on-call roster. People: alice, bob"),
    ]
    for text, reason in cases:
        await alice.command("/oncall", text, channel="C0GENERAL")
        await slack.expect_ephemeral("U0ALICE", contains=reason)
    assert await _overrides(team_bot) == []
