"""The pure schedule engine under load: who is on call, and a 90-day shift list.

1,000 schedules of 3 layers (weekly, a daily weekend layer with a restriction, a 12-hour custom
night layer) with 50 overrides each; every query is timed on its own. Seeded, so two runs compute
the same thing. Figures in microseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from bot.schedules import Layer, Override, Restriction, Schedule, on_call_at, shifts_between

BASE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = [f"p{i}" for i in range(40)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--overrides", type=int, default=50, help="overrides per schedule")
    parser.add_argument("--rounds", type=int, default=3, help="on-call queries per schedule")
    parser.add_argument("--lists", type=int, default=50, help="how many times to compute the 90-day list")
    parser.add_argument("--seed", type=int, default=1)


def make_schedule(rng: random.Random, index: int, overrides: int) -> Schedule:
    members = rng.sample(PEOPLE, 6)
    layers = (
        Layer("weekly", "weekly", datetime(2026, 11, 2, 9, 0), tuple(members[:3])),
        Layer(
            "weekend",
            "daily",
            datetime(2026, 11, 7, 9, 0),
            (members[3],),
            restrictions=(Restriction(frozenset({5, 6}), clock(9, 0), clock(21, 0)),),
        ),
        Layer(
            "nights",
            "custom",
            datetime(2026, 11, 2, 21, 0),
            tuple(members[4:]),
            shift=timedelta(hours=12),
            restrictions=(Restriction(frozenset(range(7)), clock(21, 0), clock(7, 0)),),
        ),
    )
    found = []
    for n in range(overrides):
        start = BASE + timedelta(hours=rng.uniform(-45 * 24, 45 * 24))
        found.append(
            Override(rng.choice(PEOPLE), start, start + timedelta(hours=rng.uniform(1, 48)), id=n + 1)
        )
    return Schedule(f"s{index}", "Europe/Berlin", layers, tuple(found))


def _figures(samples_ns: list[int]) -> dict:
    ordered = sorted(samples_ns)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "queries": len(ordered),
        "mean_us": round(statistics.fmean(ordered) / 1000, 1),
        "p50_us": round(statistics.median(ordered) / 1000, 1),
        "p99_us": round(p99 / 1000, 1),
    }


def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    schedules = [make_schedule(rng, i, args.overrides) for i in range(args.schedules)]

    on_call: list[int] = []
    for _ in range(args.rounds):
        for schedule in schedules:
            at = BASE + timedelta(hours=rng.uniform(-30 * 24, 30 * 24))
            started = time.perf_counter_ns()
            on_call_at(schedule, at)
            on_call.append(time.perf_counter_ns() - started)

    one = schedules[0]
    lists: list[int] = []
    count = 0
    for _ in range(args.lists):
        started = time.perf_counter_ns()
        count = len(shifts_between(one, BASE, BASE + timedelta(days=90)))
        lists.append(time.perf_counter_ns() - started)

    return {
        "who_is_on_call": {
            "schedules": args.schedules,
            "layers": 3,
            "overrides_each": args.overrides,
            **_figures(on_call),
        },
        "shifts_90_days": {"shifts": count, **_figures(lists)},
    }
