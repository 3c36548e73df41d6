"""Errors a person can act on. Handlers turn them into ephemeral replies in one place."""

from __future__ import annotations


class UsageError(Exception):
    """The request cannot be done as typed; the message says why and how to type it."""


class PermissionDenied(UsageError):
    """The caller may not do this; the message says who may."""


class NotFound(UsageError):
    """A named thing does not exist; the message lists the valid names."""
