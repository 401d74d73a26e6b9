"""Rasa SDK custom actions, one module per domain. Loaded by `python -m rasa_sdk --actions actions`."""
