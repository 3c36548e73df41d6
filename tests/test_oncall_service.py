"""The on-call reads other domains use: a team's people on call (by role), a schedule's person and shadows."""

from datetime import UTC, datetime
from pathlib import Path

from bot.config import load_config
from bot.config.apply import apply_config
from bot.schedules.service import on_call_for_schedule, on_call_for_team

TEAM = Path(__file__).parent / "fixtures" / "team.yaml"
MONDAY = datetime(2026, 11, 23, 12, tzinfo=UTC)  # ops: carol, dev: dave
SATURDAY = datetime(2026, 11, 28, 12, tzinfo=UTC)  # ops: dave (weekend layer), dev: dave


async def test_a_teams_people_on_call_by_role_fall_back_to_everyone(db):
    await apply_config(db, load_config(TEAM))
    async with db.sessions() as session:
        assert [p.id for p in await on_call_for_team(session, "payments", MONDAY)] == ["dave", "carol"]
        assert [p.id for p in await on_call_for_team(session, "payments", MONDAY, role="dev")] == ["dave"]
        assert [p.id for p in await on_call_for_team(session, "payments", MONDAY, role="ops")] == ["carol"]
        # Each person once; nobody with role ops is on call, so everyone on call is returned.
        assert [p.id for p in await on_call_for_team(session, "payments", SATURDAY, role="ops")] == ["dave"]
        assert await on_call_for_team(session, "nobody", MONDAY) == []


async def test_a_schedules_person_and_shadows(db):
    await apply_config(db, load_config(TEAM))
    async with db.sessions() as session:
        ops = await on_call_for_schedule(session, "payments-ops", MONDAY)
        assert ops.person.slack_user_id == "U0CAROL" and [s.id for s in ops.shadows] == ["erin"]
        after = await on_call_for_schedule(session, "payments-ops", datetime(2027, 2, 3, 12, tzinfo=UTC))
        assert after.shadows == []  # erin shadows until 2027-01-31
        assert await on_call_for_schedule(session, "nope", MONDAY) is None


GAPPY = """
timezone: Europe/Berlin
people:
  - {id: alice, slack: U0ALICE, role: ops}
teams:
  - {id: web, members: [alice], slack_usergroup: S0WEBONCALL}
schedules:
  - id: web-days
    team: web
    layers:
      - {name: days, rotation: daily, start: "2026-11-02T09:00", members: [alice],
         restrictions: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}]}
"""


async def test_the_user_group_is_left_alone_when_nobody_is_on_call(db, tmp_path):
    from sqlalchemy import select

    from bot.schedules.usergroups import sync_team_usergroup
    from storage.models import OutboxMessage

    path = tmp_path / "opsbridge.yaml"
    path.write_text(GAPPY)
    await apply_config(db, load_config(path))
    async with db.transaction() as session:
        assert await sync_team_usergroup(session, "web", SATURDAY, reason="test:gap") is False
        assert await sync_team_usergroup(session, "web", MONDAY, reason="test:day") is True
        assert (
            await sync_team_usergroup(session, "web", MONDAY, reason="test:day") is False
        )  # once per reason
    async with db.sessions() as session:
        [call] = (await session.scalars(select(OutboxMessage))).all()
    assert (call.method, call.lane, call.payload) == (
        "usergroups.users.update",
        "S0WEBONCALL",
        {"usergroup": "S0WEBONCALL", "users": ["U0ALICE"]},
    )
