"""Rasa-side code: custom NLU components (`bot.nlu`) and input channels (`bot.channels`).

Runs inside the Rasa runtime (Python 3.10, Rasa 3.6); it must not import the app's `core`.
"""
