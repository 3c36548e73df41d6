"""Fault injection: answer the next matching calls with an error, a status or a delay."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    method: str | None = None  # None: any method
    status: int | None = None  # 429 adds Retry-After; 5xx answers a server error
    retry_after: int | None = None
    error: str | None = None  # {"ok": false, "error": ...}
    delay: float | None = None  # seconds before answering (then normal behaviour unless status/error)
    times: int | None = 1  # None: until cleared

    def matches(self, method: str) -> bool:
        return (self.method is None or self.method == method) and (self.times is None or self.times > 0)


class Faults:
    """Faults apply in the order added, each ``times`` times; then normal behaviour resumes."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(
        self,
        method: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        delay: float | None = None,
        times: int | None = 1,
    ) -> Fault:
        fault = Fault(method, status, retry_after, error, delay, times)
        self.pending.append(fault)
        return fault

    def clear(self) -> None:
        self.pending.clear()

    def take(self, method: str) -> Fault | None:
        for fault in self.pending:
            if fault.matches(method):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.pending.remove(fault)
                return fault
        return None

    def __len__(self) -> int:
        return len(self.pending)
