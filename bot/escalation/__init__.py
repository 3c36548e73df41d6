"""Escalation: who gets paged for an incident, and when the next level is due.

`policy` is pure (levels, repeat, position, now -> the next step); `targets` turns `schedule:X`,
`team:X`, `person:X`, `service:X` and `slack:U…` into people; `paging` writes the pages (rows and
outbox messages) in the caller's transaction; `engine` is the due work that claims overdue
incidents by compare-and-set and pages their next level.
"""
