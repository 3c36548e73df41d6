"""`/oncall cover`: the ask in the team's channel, two people pressing *Take*, the first one wins.

Carol (ops) holds payments-ops from Mon 23 Nov 09:00 to Sat 28 Nov 09:00 Berlin time.
"""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import CoverRequest, Override
from tests.support.oncall import settle


async def _ask(slack, user="U0CAROL", text="cover payments-ops"):
    await slack.user(user).command("/oncall", text, channel="C0GENERAL")
    await slack.expect_ephemeral(user, contains="Asked in <#C0PAYMENTS>")
    return await slack.expect_message("C0PAYMENTS", contains="asks someone to cover *payments-ops*")


async def test_the_first_to_press_take_gets_the_shift_and_the_second_is_told(team_bot, slack):
    await settle(team_bot)
    ask = await _ask(slack)
    assert ask.buttons == ["Take"]
    assert "<@U0CAROL> asks someone to cover" in ask.text_content

    # Both saw the button and press it at the same moment.
    await asyncio.gather(slack.user("U0BOB").click(ask, "Take"), slack.user("U0DAVE").click(ask, "Take"))
    told = await slack.expect_message("C0PAYMENTS", contains="took the *payments-ops* shift")
    winner = "U0BOB" if "<@U0BOB> took" in told.text_content else "U0DAVE"
    loser = "U0DAVE" if winner == "U0BOB" else "U0BOB"
    await slack.expect_ephemeral(loser, contains=f"already taken by <@{winner}>")

    # The request message now says who took it and has no working button.
    await slack.expect_call("chat.update")
    updated = next(m for m in slack.messages_in("C0PAYMENTS") if m.ts == ask.ts)
    assert updated.buttons == []
    assert f"Taken by <@{winner}>" in updated.text_content
    assert len([m for m in slack.messages_in("C0PAYMENTS") if "took the" in m.text_content]) == 1

    async with team_bot.ctx.db.sessions() as session:
        [override] = (await session.scalars(select(Override))).all()
        [request] = (await session.scalars(select(CoverRequest))).all()
    winner_id = {"U0BOB": "bob", "U0DAVE": "dave"}[winner]
    assert (override.person_id, override.replaces_person_id, override.source) == (winner_id, "carol", "cover")
    assert override.start_at == datetime(2026, 11, 23, 9, tzinfo=UTC)  # now: the shift had begun
    assert override.end_at == datetime(2026, 11, 28, 8, tzinfo=UTC)
    assert (request.taken_by, request.override_id) == (winner, override.id)

    # The on-call answer and the user group follow.
    await slack.user("U0ALICE").command("/oncall", "", channel="C0GENERAL")
    reply = await slack.expect_ephemeral("U0ALICE", contains="On call now")
    assert f"*payments-ops*: <@{winner}> (dev)" in reply.text_content
    # The group now holds the winner and dave (payments-dev): one update, for the take.
    expected = {winner, "U0DAVE"}

    def for_the_take(call) -> bool:
        return set(call.params["users"].split(",")) == expected

    await slack.expect_call("usergroups.users.update", where=for_the_take)
    assert len([c for c in slack.calls_to("usergroups.users.update") if for_the_take(c)]) == 1
    assert set(slack.workspace.usergroups["S0PAYONCALL"].users) == expected


async def test_the_requester_cannot_take_their_own_request(team_bot, slack):
    ask = await _ask(slack)
    await slack.user("U0CAROL").click(ask, "Take")
    await slack.expect_ephemeral("U0CAROL", contains="someone else has to take it")
    assert next(m for m in slack.messages_in("C0PAYMENTS") if m.ts == ask.ts).buttons == ["Take"]


async def test_cover_of_an_explicit_window_needs_the_replaced_person_or_an_admin(team_bot, slack):
    await slack.user("U0BOB").command(
        "/oncall", "cover payments-ops tomorrow 09:00 tomorrow 18:00", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0BOB", contains="Only an admin or the person on call")
    ask = await _ask(slack, "U0ALICE", "cover payments-ops tomorrow 09:00 tomorrow 18:00")
    assert "|Tue 24 Nov 09:00 CET>" in ask.text_content and "|Tue 24 Nov 18:00 CET>" in ask.text_content


async def test_someone_without_a_shift_is_told_to_give_times(team_bot, slack):
    await slack.user("U0ERIN").command("/oncall", "cover payments-ops", channel="C0GENERAL")
    await slack.expect_ephemeral("U0ERIN", contains="You have no shift in *payments-ops*")
