"""`/postmortem` commands and the prompt's controls: action items chased until done, list and show,
start, not needed, and bad input refused."""

from __future__ import annotations

from datetime import timedelta

from tests.test_postmortem_support import (
    a_resolved_sev1,
    acknowledge,
    at,
    berlin,
    document_link,
    get,
    open_incident,
    reminders_to,
    resolve,
    section,
    set_setting,
)


async def command(slack, user: str, text: str, *, channel: str = "C0GENERAL"):
    await slack.user(user).command("/postmortem", text, channel=channel)


async def a_resolved_sev2(bot, clock, title: str = "Search is slow") -> int:
    ident = await open_incident(bot, title=title, severity=2, service=None)
    clock.advance(timedelta(minutes=3))
    await acknowledge(bot, ident, "U0ALICE")
    clock.advance(timedelta(minutes=30))
    await resolve(bot, ident, "U0ALICE")
    return ident


async def test_action_items_are_reminded_until_done(team_bot, slack, clock):
    bot = team_bot
    ident = await a_resolved_sev1(bot, clock)
    clock.set(berlin(2026, 11, 23, 10, 0))
    await command(slack, "U0ALICE", f"assign #{ident} @bob")
    await slack.expect_ephemeral("U0ALICE", contains="<@U0BOB> owns the post-mortem")
    await command(slack, "U0BOB", f"action #{ident} @dave Add a canary stage to checkout due 2026-11-26")
    await slack.expect_ephemeral("U0BOB", contains="Added action item *1*")
    assigned = await slack.expect_dm("U0DAVE", contains="gave you action item *1*")
    assert (
        "Thu 26 Nov 2026" in assigned.text_content and "`/postmortem action done 1`" in assigned.text_content
    )
    await command(slack, "U0BOB", f"action #{ident} @carol Alert on the 5xx ratio due 2026-11-25")
    await slack.expect_dm("U0CAROL", contains="gave you action item *2*")

    await at(bot, clock, berlin(2026, 11, 24, 12, 0))  # Tuesday: the day before Carol's
    await slack.expect_dm(
        "U0CAROL", contains="action item *2* from *#1 Checkout returns 500* (sev1) is due tomorrow"
    )
    assert reminders_to(slack, "U0DAVE") == []
    await at(bot, clock, berlin(2026, 11, 25, 9, 0))  # Wednesday
    await slack.expect_dm(
        "U0DAVE", contains="action item *1* from *#1 Checkout returns 500* (sev1) is due tomorrow"
    )
    await slack.expect_dm("U0CAROL", contains="is due *today*")
    await at(bot, clock, berlin(2026, 11, 26, 9, 0))  # Thursday
    await slack.expect_dm("U0DAVE", contains="is due *today*")
    await at(bot, clock, berlin(2026, 11, 27, 9, 0))  # Friday: Carol is 2 business days late
    await slack.expect_dm("U0CAROL", contains="*overdue* by 2 business days")
    assert (len(reminders_to(slack, "U0DAVE")), len(reminders_to(slack, "U0CAROL"))) == (2, 3)

    # /postmortem list: open post-mortems and overdue action items, most overdue first.
    await command(slack, "U0ERIN", "list")
    listing = (await slack.expect_ephemeral("U0ERIN", contains="Overdue action items")).text
    assert "*#1 Checkout returns 500* (sev1): owner <@U0BOB>, due Mon 30 Nov 2026" in listing
    carol_line, dave_line = (
        listing.index("*2* Alert on the 5xx ratio"),
        listing.index("*1* Add a canary stage"),
    )
    assert carol_line < dave_line
    assert "*overdue by 2 business days* (due Wed 25 Nov 2026)" in listing
    assert "*overdue by 1 business day* (due Thu 26 Nov 2026)" in listing

    # Only the item's owner (and the post-mortem's owner, the commander, admins) may close it.
    await command(slack, "U0ERIN", "action done 1")
    await slack.expect_ephemeral("U0ERIN", contains="may close action item 1")
    await command(slack, "U0DAVE", "action done 1")
    await slack.expect_ephemeral("U0DAVE", contains="Action item 1 is done")
    await command(slack, "U0DAVE", "action done 1")
    await slack.expect_ephemeral("U0DAVE", contains="already done")

    await at(bot, clock, berlin(2026, 11, 30, 9, 0))  # Monday: Carol's next one is Tuesday
    await at(bot, clock, berlin(2026, 12, 1, 9, 0))
    await slack.expect_dm("U0CAROL", contains="*overdue* by 4 business days")
    await command(slack, "U0CAROL", "action done 2")
    await slack.expect_ephemeral("U0CAROL", contains="Action item 2 is done")
    await at(bot, clock, berlin(2026, 12, 3, 9, 0))
    await at(bot, clock, berlin(2026, 12, 8, 9, 0))
    assert (len(reminders_to(slack, "U0DAVE")), len(reminders_to(slack, "U0CAROL"))) == (2, 4)

    # show, and the draft, list them.
    await command(slack, "U0BOB", f"show #{ident}")
    shown = (await slack.expect_ephemeral("U0BOB", contains="Post-mortem of")).text
    assert ":white_check_mark: *1* Add a canary stage to checkout (<@U0DAVE>, due Thu 26 Nov 2026)" in shown
    status, doc = await get(document_link(shown).replace("http://127.0.0.1:3000", bot.url))
    assert status == 200
    items = section(doc, "Action items")
    assert "- [x] #1 Add a canary stage to checkout (owner: dave, due Thu 26 Nov 2026)" in items
    assert "- [x] #2 Alert on the 5xx ratio (owner: carol, due Wed 25 Nov 2026)" in items


async def test_bad_input_is_refused(team_bot, slack, clock):
    bot = team_bot
    ident = await a_resolved_sev1(bot, clock)
    prompt = await slack.expect_message("C0INCIDENTS", contains="Time for a blameless post-mortem")
    clock.set(berlin(2026, 11, 23, 10, 0))

    # A bot, or someone who is not on the team, cannot own it.
    await slack.user("U0ALICE").select(prompt, "Assign owner", "U0BOT")
    await slack.expect_ephemeral("U0ALICE", contains="<@U0BOT> is a bot")
    await command(slack, "U0ALICE", f"assign #{ident} @zoe")
    refused = await slack.expect_ephemeral("U0ALICE", contains="<@U0ZOE> is not a member of the team")
    assert "/postmortem list" not in refused.text_content  # a refusal, not a usage lesson
    await command(slack, "U0ALICE", f"action #{ident} <@U0BOT> Fix it")
    await slack.expect_ephemeral("U0ALICE", contains="<@U0BOT> is a bot")

    # A due date in the past: not from the date picker, not typed.
    await slack.user("U0ALICE").select(prompt, "Due date", "2026-11-20")
    await slack.expect_ephemeral("U0ALICE", contains="Fri 20 Nov 2026 is in the past")
    await command(slack, "U0ALICE", f"assign #{ident} @bob due 2026-11-01")
    await slack.expect_ephemeral("U0ALICE", contains="Sun 1 Nov 2026 is in the past")
    await command(slack, "U0ALICE", f"action #{ident} @dave Fix it due 2026-11-22")
    await slack.expect_ephemeral("U0ALICE", contains="Sun 22 Nov 2026 is in the past")

    # A later date is taken and shown.
    await slack.user("U0ALICE").select(prompt, "Due date", "2026-12-04")
    await slack.expect_message(
        "C0INCIDENTS", where=lambda m: m.ts == prompt.ts and "Fri 4 Dec 2026" in m.text_content
    )
    await slack.user("U0CAROL").select(prompt, "Assign owner", "U0BOB")
    await slack.expect_dm("U0BOB", contains="due *Fri 4 Dec 2026*")

    # Once Bob owns it, others may neither take it over nor complete it; the commander (Dave) may.
    await slack.user("U0CAROL").select(prompt, "Assign owner", "U0CAROL")
    await slack.expect_ephemeral(
        "U0CAROL", contains="Only <@U0BOB> (the owner), the incident commander or an admin"
    )
    await command(slack, "U0ERIN", f"done #{ident}")
    await slack.expect_ephemeral("U0ERIN", contains="may complete the post-mortem of #1")
    await command(slack, "U0DAVE", f"done #{ident} not-a-link")
    await slack.expect_ephemeral("U0DAVE", contains="is not a link")
    await command(slack, "U0DAVE", f"done #{ident}")
    await slack.expect_ephemeral("U0DAVE", contains="is done")
    await command(slack, "U0BOB", f"done #{ident}")
    await slack.expect_ephemeral("U0BOB", contains="already done")

    # An admin may complete anyone's: Alice on Erin's.
    other = await a_resolved_sev2(bot, clock)
    await command(slack, "U0BOB", f"assign #{other} @erin")
    await slack.expect_dm("U0ERIN", contains="You own")
    await command(slack, "U0ALICE", f"done #{other} <https://docs.example.com/pm|the doc>")
    await slack.expect_message("C0INCIDENTS", contains="is done, by <@U0ERIN>")

    # Unknown incidents and missing ids.
    await command(slack, "U0ALICE", "show #99")
    await slack.expect_ephemeral("U0ALICE", contains="There is no incident #99")
    await command(slack, "U0ALICE", "assign @bob")
    await slack.expect_ephemeral("U0ALICE", contains="Which incident?")


async def test_not_needed_asks_for_a_reason_and_records_it(team_bot, slack, clock):
    bot = team_bot
    ident = await a_resolved_sev2(bot, clock)
    prompt = await slack.expect_message("C0INCIDENTS", contains="Time for a blameless post-mortem")
    await slack.user("U0ERIN").click(prompt, "Not needed")
    modal = await slack.expect_view("U0ERIN", callback_id="postmortem_not_needed_view")
    errors = await slack.user("U0ERIN").submit(modal, values={"reason": "no"})
    assert "Say why" in errors["reason"]
    assert await slack.user("U0ERIN").submit(modal, values={"reason": "A duplicate of #1 <!here>"}) == {}
    closed = await slack.expect_message(
        "C0INCIDENTS", where=lambda m: m.ts == prompt.ts and "No post-mortem" in m.text_content
    )
    assert (
        "<@U0ERIN> decided it is not needed. Reason: A duplicate of #1 &lt;!here&gt;" in closed.text_content
    )
    assert not closed.buttons
    await command(slack, "U0ALICE", f"show #{ident}")
    await slack.expect_ephemeral("U0ALICE", contains="Not needed (<@U0ERIN>): A duplicate of #1")
    await command(slack, "U0ALICE", "list")
    assert (
        f"#{ident} Search"
        not in (await slack.expect_ephemeral("U0ALICE", contains="*Open post-mortems* (0)")).text
    )
    await command(slack, "U0ALICE", f"assign #{ident} @bob")
    await slack.expect_ephemeral("U0ALICE", contains="recorded as not needed")


async def test_below_the_threshold_nothing_is_asked_until_someone_starts_one(team_bot, slack, clock):
    bot = team_bot
    ident = await open_incident(bot, title="Flaky cron", severity=3, service=None)
    await resolve(bot, ident, "U0ALICE")
    await bot.run_due()
    await slack.expect_no_message("C0INCIDENTS", contains="post-mortem", within=0.3)
    assert not [m for m in slack.messages_in("C0INCIDENTS") if "post-mortem" in m.text_content]

    await command(slack, "U0BOB", f"start #{ident}")
    await slack.expect_ephemeral("U0BOB", contains=f"Asked for a post-mortem of #{ident} in <#C0INCIDENTS>")
    await slack.expect_message(
        "C0INCIDENTS", contains=f"Time for a blameless post-mortem of *#{ident} Flaky cron* (sev3)"
    )
    await command(slack, "U0BOB", f"start #{ident}")
    await slack.expect_ephemeral("U0BOB", contains="already has a post-mortem (prompted)")

    # The threshold is configurable.
    await set_setting(bot, "postmortems", {"required_from": "sev3", "due_business_days": 2, "template": None})
    clock.set(berlin(2026, 11, 23, 10, 0))
    second = await open_incident(bot, title="Another flaky cron", severity=3, service=None)
    await resolve(bot, second, "U0ALICE")
    prompt = await slack.expect_message("C0INCIDENTS", contains="*#2 Another flaky cron* (sev3)")
    assert "Due *Wed 25 Nov 2026*" in prompt.text_content  # 2 business days
