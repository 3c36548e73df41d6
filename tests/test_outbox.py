"""The outbox delivers every durable message once, through rate limits, errors and crashes."""

from datetime import timedelta

from bot import outbox
from storage import outbox as store
from storage.models import OutboxMessage


async def queue_message(bot, text="Deploy of checkout 1.2.3 succeeded", channel="C0DEPLOYS", **kwargs):
    async with bot.ctx.db.transaction() as session:
        await outbox.post(session, channel=channel, text=text, now=bot.clock.now(), **kwargs)


async def stop_background(bot):
    """Tests that drive delivery by hand stop the background sender so only they deliver."""
    await bot.ctx.sender.stop()
    bot.ctx.engine.shutdown()


async def test_a_rate_limit_then_a_server_error_still_delivers_exactly_once(bot, slack, clock):
    await stop_background(bot)
    slack.faults.add(method="chat.postMessage", status=429, retry_after=2)
    slack.faults.add(method="chat.postMessage", status=500)
    await queue_message(bot)

    assert await bot.ctx.sender.deliver_due() == 0  # 429: wait 2 s as Slack asked
    clock.advance(timedelta(seconds=1))
    assert await bot.ctx.sender.deliver_due() == 0  # still inside Retry-After: nothing attempted
    assert len(slack.calls_to("chat.postMessage")) == 1
    clock.advance(timedelta(seconds=1))
    assert await bot.ctx.sender.deliver_due() == 0  # 500: back off
    clock.advance(timedelta(seconds=5))
    assert await bot.ctx.sender.deliver_due() == 1

    assert len(slack.calls_to("chat.postMessage")) == 3
    assert [m.text for m in slack.messages_in("C0DEPLOYS")] == ["Deploy of checkout 1.2.3 succeeded"]


async def test_a_message_queued_before_a_crash_is_sent_by_the_next_process(bot, slack, database_url, clock):
    from tests.support.harness import start_bot, test_settings

    await stop_background(bot)
    await queue_message(bot, text="queued, then the process died")
    await bot.stop()  # the process is gone before its sender ran

    restarted = await start_bot(test_settings(database_url, slack.api_url), clock)
    try:
        await slack.expect_message("C0DEPLOYS", text="queued, then the process died", timeout=5)
    finally:
        await restarted.stop()


async def test_a_sender_that_died_mid_send_is_replaced_after_its_lease(bot, slack, clock):
    await stop_background(bot)
    await queue_message(bot, text="claimed by a sender that died")
    async with bot.ctx.db.transaction() as session:
        head = (await store.heads_of_lanes(session, clock.now()))[0]
        assert await store.claim(session, head.id, clock.now(), timedelta(seconds=20))

    assert await bot.ctx.sender.deliver_due() == 0  # the lease of the dead sender still holds
    clock.advance(timedelta(seconds=21))
    assert await bot.ctx.sender.deliver_due() == 1
    assert len(slack.messages_in("C0DEPLOYS")) == 1


async def test_messages_in_one_channel_arrive_in_order(bot, slack, clock):
    await stop_background(bot)
    slack.faults.add(method="chat.postMessage", status=500)
    for n in range(3):
        await queue_message(bot, text=f"message {n}")
    for _ in range(6):
        await bot.ctx.sender.deliver_due()
        clock.advance(timedelta(seconds=5))
    assert [m.text for m in slack.messages_in("C0DEPLOYS")] == ["message 0", "message 1", "message 2"]


async def test_a_permanent_slack_error_is_recorded_not_retried_forever(bot, slack, clock):
    await stop_background(bot)
    await queue_message(bot, channel="C0NOSUCHCHANNEL")
    await bot.ctx.sender.deliver_due()
    async with bot.ctx.db.sessions() as session:
        row = await session.get(OutboxMessage, 1)
    assert (row.state, row.last_error) == ("dead", "channel_not_found")


async def test_upsert_posts_once_then_updates_in_place(bot, slack, clock):
    await stop_background(bot)
    for status in ("started", "succeeded"):
        async with bot.ctx.db.transaction() as session:
            await outbox.upsert(
                session, key="deploy:1", channel="C0DEPLOYS", text=f"checkout {status}", now=clock.now()
            )
    await bot.deliver()
    messages = slack.messages_in("C0DEPLOYS")
    assert [m.text for m in messages] == ["checkout succeeded"]
    assert len(slack.calls_to("chat.update")) == 1


async def test_a_dedup_key_queues_a_message_once(bot, slack, clock):
    await stop_background(bot)
    await queue_message(bot, dedup_key="handoff:payments-ops:2026-11-23T08:00")
    await queue_message(bot, dedup_key="handoff:payments-ops:2026-11-23T08:00")
    await bot.deliver()
    assert len(slack.messages_in("C0DEPLOYS")) == 1


async def test_a_reply_lands_in_the_thread_of_its_parent(bot, slack, clock):
    await stop_background(bot)
    await queue_message(bot, text="parent", key="deploy:7")
    await queue_message(bot, text="child", thread_key="deploy:7")
    await bot.deliver()
    parent = await slack.expect_message("C0DEPLOYS", text="parent")
    child = await slack.expect_message("C0DEPLOYS", text="child")
    assert child.thread_ts == parent.ts
