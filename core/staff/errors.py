"""The refusal every staff operation raises."""

from __future__ import annotations


class StaffError(ValueError):
    """A refusal with a message fit for the user."""


class NotFound(StaffError):
    """The record asked for does not exist."""
