"""`python -m bench NAME`: run one benchmark (or `all`) and print JSON figures.

Each benchmark is a module in this package with `add_arguments(parser)` and `run(args) -> dict`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

BENCHMARKS = {
    "ack": "bench.ack",
    "schedules": "bench.schedules",
    "alerts": "bench.alerts",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = [n for n in BENCHMARKS if _available(n)]
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage: python -m bench {{{'|'.join(names)}|all}} [options]")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    selected = names if name == "all" else [name]
    results = {}
    for item in selected:
        if item not in BENCHMARKS or not _available(item):
            print(f"unknown benchmark {item!r}; choose from: {', '.join(names)}", file=sys.stderr)
            return 2
        module = importlib.import_module(BENCHMARKS[item])
        parser = argparse.ArgumentParser(prog=f"python -m bench {item}")
        module.add_arguments(parser)
        args = parser.parse_args(rest if name != "all" else [])
        results[item] = module.run(args)
    print(json.dumps(results if name == "all" else results[name], indent=2))
    return 0


def _available(name: str) -> bool:
    return importlib.util.find_spec(BENCHMARKS[name]) is not None


if __name__ == "__main__":
    raise SystemExit(main())
