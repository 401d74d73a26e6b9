"""Domain core shared by the action server (`actions/`) and the web API (`api/`).

Holds the SQLAlchemy models, catalogue queries, the unresolved-question log and privacy
helpers. Runs in the app runtime (SQLAlchemy 2, pydantic 2); the Rasa runtime never imports it.
"""
