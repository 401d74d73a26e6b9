"""Maintenance commands: `python -m cli --help`. The outermost layer: it may import core and api,
and nothing imports it."""
