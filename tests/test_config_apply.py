"""`opsbridge apply` loads the configuration file into the database, idempotently."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_config
from bot.config.apply import apply_config
from bot.schedules.stored import on_call_now
from storage.models import Override

TEAM = Path(__file__).parent / "fixtures" / "team.yaml"


async def test_first_apply_adds_everything_and_second_changes_nothing(db):
    config = load_config(TEAM)
    first = await apply_config(db, config)
    assert first.counts()["add"] > 0 and first.counts()["remove"] == 0
    second = await apply_config(db, config)
    assert second.empty, second.render(dry_run=False)


async def test_dry_run_changes_nothing(db):
    plan = await apply_config(db, load_config(TEAM), dry_run=True)
    assert not plan.empty
    again = await apply_config(db, load_config(TEAM), dry_run=True)
    assert again.render(dry_run=True) == plan.render(dry_run=True)


async def test_removing_a_service_is_planned_as_a_removal(db, tmp_path):
    await apply_config(db, load_config(TEAM))
    smaller = TEAM.read_text().split("services:")[0]
    path = tmp_path / "opsbridge.yaml"
    path.write_text(smaller)
    plan = await apply_config(db, load_config(path))
    assert [str(c).strip() for c in plan.changes] == ["- service checkout"]


async def test_overrides_made_in_slack_survive_an_apply(db):
    await apply_config(db, load_config(TEAM))
    start = datetime(2026, 11, 23, 10, tzinfo=UTC)
    async with db.transaction() as session:
        session.add(
            Override(
                schedule_id="payments-ops",
                person_id="bob",
                start_at=start,
                end_at=start + timedelta(hours=4),
                created_at=start,
            )
        )
    await apply_config(db, load_config(TEAM))
    async with db.sessions() as session:
        now = await on_call_now(session, "payments-ops", start + timedelta(hours=1))
    assert now.person == "bob"


async def test_on_call_follows_the_weekly_rotation_and_lists_shadows(db):
    await apply_config(db, load_config(TEAM))
    async with db.sessions() as session:
        week1 = await on_call_now(session, "payments-ops", datetime(2026, 11, 4, 12, tzinfo=UTC))
        week2 = await on_call_now(session, "payments-ops", datetime(2026, 11, 11, 12, tzinfo=UTC))
        saturday = await on_call_now(session, "payments-ops", datetime(2026, 11, 7, 12, tzinfo=UTC))
    assert (week1.person, week2.person, saturday.person) == ("alice", "carol", "dave")
    assert week1.shadows == ["erin"]
