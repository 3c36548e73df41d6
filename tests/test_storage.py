"""The schema migrates and behaves the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from storage.models import Person, ProcessedDelivery, Team, TeamMember
from storage.upsert import insert_ignore


async def test_people_and_teams_round_trip(db):
    async with db.transaction() as session:
        session.add_all(
            [
                Person(id="alice", slack_user_id="U0ALICE", role="ops", timezone="Europe/Berlin"),
                Team(id="payments", slack_usergroup="S0PAY"),
            ]
        )
    async with db.transaction() as session:
        session.add(TeamMember(team_id="payments", person_id="alice"))
    async with db.sessions() as session:
        alice = await session.get(Person, "alice")
        members = (await session.scalars(select(TeamMember.person_id))).all()
    assert alice.role == "ops" and members == ["alice"]


async def test_datetimes_come_back_aware_in_utc(db):
    berlin_noon = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    async with db.transaction() as session:
        session.add(ProcessedDelivery(source="t", delivery_id="1", received_at=berlin_noon))
    async with db.sessions() as session:
        row = await session.get(ProcessedDelivery, ("t", "1"))
    assert row.received_at == berlin_noon
    assert row.received_at.tzinfo is not None and row.received_at.utcoffset() == timedelta(0)
    assert row.received_at.hour == 11 and row.received_at.tzinfo == UTC


async def test_insert_ignore_inserts_once(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        first = await insert_ignore(
            session, ProcessedDelivery, {"source": "s", "delivery_id": "x", "received_at": now}
        )
        second = await insert_ignore(
            session, ProcessedDelivery, {"source": "s", "delivery_id": "x", "received_at": now}
        )
    assert (first, second) == (True, False)


async def test_database_answers_ping(db):
    assert await db.ping()
