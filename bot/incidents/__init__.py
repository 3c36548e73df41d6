"""Incidents: one object whether an alert or a person opened it.

`lifecycle` is the only place an incident changes state; `observers` lets other code render
every change (announcements, channel headers) without touching it; `measures` computes MTTA and
MTTR from the recorded events; `refs` finds the incident a command talks about.
"""
