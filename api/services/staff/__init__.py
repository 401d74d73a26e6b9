"""Staff review console use cases: accounts, inbox and export, drafts, training, models, dashboard."""
