"""The engine runs every domain's due work; overlapping wake-ups share passes but never skip one."""

import asyncio
from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.engine import Engine


async def test_a_call_during_a_running_pass_waits_for_a_pass_that_sees_its_changes():
    clock = FakeClock()
    engine = Engine(clock)
    seen: list[datetime] = []
    release = asyncio.Event()

    async def slow_work(now):
        seen.append(now)
        if len(seen) == 1:
            await release.wait()
        return None

    engine.register("slow", slow_work)
    first = asyncio.create_task(engine.run_due())
    await asyncio.sleep(0)
    clock.advance(timedelta(minutes=5))  # a change made while the first pass runs
    second = asyncio.create_task(engine.run_due())
    await asyncio.sleep(0)
    assert not second.done()
    release.set()
    await asyncio.gather(first, second)
    assert seen[-1] == clock.now() and len(seen) == 2


async def test_many_waiting_calls_share_one_extra_pass():
    engine = Engine(FakeClock())
    passes = 0
    gate = asyncio.Event()

    async def work(now):
        nonlocal passes
        passes += 1
        await gate.wait()

    engine.register("work", work)
    running = asyncio.create_task(engine.run_due())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(engine.run_due()) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(running, *waiting)
    assert passes == 2


async def test_a_failing_domain_does_not_stop_the_others():
    engine = Engine(FakeClock())
    ran = []

    async def broken(now):
        raise RuntimeError("boom")

    async def fine(now):
        ran.append(now)

    engine.register("broken", broken)
    engine.register("fine", fine)
    await engine.run_due()
    assert len(ran) == 1
